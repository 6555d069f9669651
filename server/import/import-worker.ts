/**
 * The import worker thread: builds rooms from uploaded files (build-room.ts) so that parsing and
 * converting a large model never holds up the server's event loop. Started by import-runner.ts;
 * bundled as its own entry (scripts/build-server.mjs) for `npm start`.
 */
import { parentPort } from 'node:worker_threads';
import { buildImportedRoom, type BuildResult } from './build-room.ts';

export interface ImportTask {
	id: number;
	bytes: Uint8Array;
	now: number;
}

export type WorkerAnswer = { id: number; result: BuildResult } | { id: number; failure: string };

const port = parentPort;
if (!port) throw new Error('import-worker.ts runs as a worker thread');

port.on('message', (task: ImportTask) => {
	let answer: WorkerAnswer;
	try {
		answer = { id: task.id, result: buildImportedRoom(task.bytes, task.now) };
	} catch (err) {
		// A converter bug, never the file's fault: reported as such, without the file's content.
		answer = { id: task.id, failure: err instanceof Error ? err.message.slice(0, 300) : 'import failed' };
	}
	const transfer = 'result' in answer && answer.result.ok ? [answer.result.board, answer.result.control].filter((b) => b !== undefined).map((b) => b.buffer as ArrayBuffer) : [];
	port.postMessage(answer, transfer);
});
