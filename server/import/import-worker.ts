/**
 * The import worker thread: builds rooms from uploaded files (build-room.ts) so that parsing and
 * converting a large model never holds up the server's event loop. Started by import-runner.ts
 * (through server/worker-entry.ts); bundled as its own entry (scripts/build-server.mjs) for
 * `npm start`. A converter error is reported as such, without the file's content.
 */
import { answerTasks } from '../worker-entry.ts';
import { buildImportedRoom } from './build-room.ts';

export interface ImportTask {
	bytes: Uint8Array;
	now: number;
}

answerTasks((task: ImportTask) => {
	const result = buildImportedRoom(task.bytes, task.now);
	const transfer = result.ok ? [result.board, result.control].filter((b) => b !== undefined).map((b) => b.buffer as ArrayBuffer) : [];
	return { result, transfer };
}, 'import');
