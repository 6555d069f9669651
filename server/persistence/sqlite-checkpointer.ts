/**
 * WAL checkpoints off the event loop. A checkpoint copies WAL pages into the database file
 * and fsyncs both (synchronous=NORMAL defers every fsync to it): 10-20 ms of blocking that,
 * on the serving connection, stalled every broadcast behind it. Here a worker thread with its
 * own connection runs PASSIVE checkpoints, which never block the writer.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { lowerThreadPriority } from '../worker-entry.ts';

const CHECKPOINT_INTERVAL_MS = 1_000;

// Plain CommonJS, run with eval so it survives bundling into dist/server/index.js.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Its thread id, so that the server lowers its priority (lowerThreadPriority, worker-entry.ts).
try {
	parentPort.postMessage({ tid: Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) });
} catch {}
const Database = require(workerData.driverPath);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch (err) {
		parentPort.postMessage({ error: String(err && err.message || err) });
	}
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
	clearInterval(timer);
	checkpoint();
	db.close();
	parentPort.close();
});
`;

export interface Checkpointer {
	close(): Promise<void>;
}

/**
 * Starts checkpointing `file` in a worker. onFailure is called once if the worker cannot run
 * (the caller should then fall back to SQLite's automatic checkpoints).
 */
export function startCheckpointer(file: string, onFailure: (reason: string) => void): Checkpointer {
	const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
	const worker = new Worker(WORKER_SOURCE, {
		eval: true,
		workerData: { file, driverPath, intervalMs: CHECKPOINT_INTERVAL_MS }
	});
	worker.unref();
	let failed = false;
	const fail = (reason: string) => {
		if (failed) return;
		failed = true;
		onFailure(reason);
	};
	worker.on('message', (message: { error?: string; tid?: number }) => {
		if (message.tid !== undefined) lowerThreadPriority(message.tid);
		if (message.error) fail(message.error);
	});
	worker.on('error', (err) => fail(err.message));
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	return {
		async close() {
			worker.postMessage('close');
			await exited;
		}
	};
}
