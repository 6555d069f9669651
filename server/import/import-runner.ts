/**
 * Runs imports in a worker thread (import-worker.ts), one at a time, so the event loop only ever
 * receives the finished documents. Parsing, validating, converting and building the Yjs documents
 * of an 8 MiB model took 0.5-0.9 s on the main thread before; here the main thread's longest
 * stall during such an import stays under 50 ms (tests/integration/import-api.test.ts).
 *
 * One worker per process, started on the first import and stopped after a minute without one.
 * A task that runs too long, or a worker that dies (out of memory on a hostile file), fails that
 * task and the next import starts a fresh worker.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuildResult } from './build-room.ts';
import type { ImportTask, WorkerAnswer } from './import-worker.ts';

/** Longest an import may take; a real 8 MiB model builds in about a second. */
export const IMPORT_TIMEOUT_MS = 30_000;
/** Imports waiting or running at once; beyond it the server answers 503 at once. */
export const MAX_PENDING_IMPORTS = 4;
/** Idle time after which the worker is stopped (its heap is a few tens of MB). */
const WORKER_IDLE_MS = 60_000;
/** Heap of the worker: a hostile file runs it out of memory, not the server. */
const WORKER_HEAP_MB = 512;

export class ImportBusyError extends Error {}

export interface ImportRunner {
	run(bytes: Uint8Array, now: number): Promise<BuildResult>;
	close(): Promise<void>;
}

interface Pending {
	resolve(result: BuildResult): void;
	reject(error: Error): void;
	timer: ReturnType<typeof setTimeout>;
}

/**
 * Starts the worker. Under `npm start` it is the bundled import-worker.js beside
 * dist/server/index.js. From the sources (tests, `npm run dev`) it is import-worker.ts, loaded
 * through tsx's loader, which a worker must register itself (it does not inherit the parent's).
 */
function startWorker(): Worker {
	const options = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
	if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./import-worker.js', import.meta.url), options);
	// tsx's ESM API (import.meta.resolve would go through the loader thread and keep a port open).
	const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
	const entry = new URL('./import-worker.ts', import.meta.url).href;
	const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
	return new Worker(boot, { ...options, eval: true, execArgv: [] });
}

export function createImportRunner(): ImportRunner {
	let worker: Worker | undefined;
	let nextId = 1;
	let idleTimer: ReturnType<typeof setTimeout> | undefined;
	const pending = new Map<number, Pending>();

	const failAll = (error: Error) => {
		for (const task of pending.values()) {
			clearTimeout(task.timer);
			task.reject(error);
		}
		pending.clear();
	};

	function start(): Worker {
		const started = startWorker();
		started.on('message', (answer: WorkerAnswer) => {
			const task = pending.get(answer.id);
			if (!task) return;
			pending.delete(answer.id);
			clearTimeout(task.timer);
			if ('failure' in answer) task.reject(new Error(answer.failure));
			else task.resolve(answer.result);
			scheduleIdle();
		});
		started.on('error', (err) => failAll(err));
		started.on('exit', (code) => {
			if (worker === started) worker = undefined;
			failAll(new Error(`the import worker stopped (exit code ${code})`));
		});
		// After the listeners: an idle worker must not keep the process alive.
		started.unref();
		return started;
	}

	function scheduleIdle(): void {
		if (idleTimer) clearTimeout(idleTimer);
		if (pending.size > 0) return;
		idleTimer = setTimeout(() => {
			if (pending.size === 0) void worker?.terminate();
		}, WORKER_IDLE_MS);
		idleTimer.unref();
	}

	return {
		run(bytes, now) {
			if (pending.size >= MAX_PENDING_IMPORTS) return Promise.reject(new ImportBusyError('too many imports at once'));
			if (idleTimer) clearTimeout(idleTimer);
			worker ??= start();
			const id = nextId++;
			const task: ImportTask = { id, bytes, now };
			const running = worker;
			return new Promise<BuildResult>((resolve, reject) => {
				const timer = setTimeout(() => {
					// A stuck worker holds every import behind it: stop it; the next import starts another.
					pending.delete(id);
					reject(new Error(`the import took longer than ${IMPORT_TIMEOUT_MS} ms`));
					void running.terminate();
				}, IMPORT_TIMEOUT_MS);
				pending.set(id, { resolve, reject, timer });
				running.postMessage(task, [bytes.buffer as ArrayBuffer]);
			});
		},
		async close() {
			if (idleTimer) clearTimeout(idleTimer);
			failAll(new Error('the server is shutting down'));
			await worker?.terminate();
			worker = undefined;
		}
	};
}

let shared: ImportRunner | undefined;

/** The process's import runner: one worker serves every server in the process (tests start several). */
export function sharedImportRunner(): ImportRunner {
	shared ??= createImportRunner();
	return shared;
}
