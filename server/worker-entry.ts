/**
 * One task worker thread, shared by the import (server/import/) and compaction
 * (server/persistence/fold-runner.ts) runners: starts the worker from the sources or from the
 * bundle, runs tasks one message each with a timeout, stops the worker when idle, and fails the
 * tasks of a worker that dies (the next task starts a fresh one). Workers run below the event
 * loop's priority (lowerThisThreadPriority, at the end).
 *
 * The worker module answers each `{ id, ...task }` message with `{ id, result }` or
 * `{ id, failure }` (see answerTasks).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker, type Transferable } from 'node:worker_threads';

/** Idle time after which a worker is stopped (its heap is a few tens of MB). */
export const WORKER_IDLE_MS = 60_000;

export interface TaskWorkerOptions {
	/**
	 * Path from server/ to the worker's source module (tests, `npm run dev`); under `npm start`
	 * the bundled file of the same base name (`.js`) beside dist/server/index.js is started
	 * instead (scripts/build-server.mjs).
	 */
	source: string;
	/** Heap of the worker: a hostile input runs it out of memory, not the server. */
	heapMb: number;
	/** Longest one task may take; the worker is then stopped. */
	timeoutMs: number;
	/** Idle time after which the worker is stopped (default WORKER_IDLE_MS). */
	idleMs?: number;
	/** Short name for error messages. */
	name: string;
}

export interface TaskWorker<Task, Result> {
	/** Tasks waiting or running. */
	readonly pending: number;
	run(task: Task, transfer?: Transferable[]): Promise<Result>;
	close(): Promise<void>;
}

type Answer<Result> = { id: number; result: Result } | { id: number; failure: string; name?: string };

/** A task the worker failed: its message, and its error class's name, so a caller can tell kinds apart. */
export class WorkerTaskError extends Error {
	constructor(message: string, readonly kind: string | undefined) {
		super(message);
	}
}

interface Queued<Task, Result> {
	id: number;
	task: Task;
	transfer: Transferable[];
	resolve(result: Result): void;
	reject(error: Error): void;
}

/**
 * Under `npm start` the worker is the bundled file beside dist/server/index.js. From the sources
 * it is the .ts module, loaded through tsx's loader, which a worker must register itself (it
 * does not inherit the parent's).
 */
function startWorker(source: string, heapMb: number): Worker {
	const options = { resourceLimits: { maxOldGenerationSizeMb: heapMb } };
	const bundled = source.slice(source.lastIndexOf('/') + 1).replace(/\.ts$/, '.js');
	if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${bundled}`, import.meta.url), options);
	// tsx's ESM API (import.meta.resolve would go through the loader thread and keep a port open).
	const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
	const url = new URL(`./${source}`, import.meta.url).href;
	const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
	return new Worker(boot, { ...options, eval: true, execArgv: [] });
}

/**
 * Tasks go to the worker one at a time, each with its own time budget from when it is handed
 * over. Handing them all over at once made the budget count the wait behind other tasks, and a
 * task that timed out or ran the worker out of memory took every task queued behind it down
 * with the worker (one hostile import failed everyone else's); now only it fails, and the next
 * task starts a fresh worker.
 */
export function createTaskWorker<Task extends object, Result>(options: TaskWorkerOptions): TaskWorker<Task, Result> {
	let worker: Worker | undefined;
	let nextId = 1;
	let idleTimer: ReturnType<typeof setTimeout> | undefined;
	const queue: Array<Queued<Task, Result>> = [];
	let running: { task: Queued<Task, Result>; worker: Worker; timer: ReturnType<typeof setTimeout> } | undefined;

	/** The running task, if it is `on`'s: it is failed, and the next one goes to a fresh worker. */
	const failRunning = (on: Worker, error: Error) => {
		if (!running || running.worker !== on) return;
		const { task, timer } = running;
		running = undefined;
		clearTimeout(timer);
		task.reject(error);
	};

	const retire = (stopping: Worker) => {
		if (worker === stopping) worker = undefined;
		void stopping.terminate();
	};

	function start(): Worker {
		const started = startWorker(options.source, options.heapMb);
		started.on('message', (answer: Answer<Result>) => {
			if (!running || running.worker !== started || running.task.id !== answer.id) return;
			const { task, timer } = running;
			running = undefined;
			clearTimeout(timer);
			if ('failure' in answer) task.reject(new WorkerTaskError(answer.failure, answer.name));
			else task.resolve(answer.result);
			pump();
		});
		started.on('error', (err) => {
			retire(started);
			failRunning(started, err);
			pump();
		});
		started.on('exit', (code) => {
			if (worker === started) worker = undefined;
			failRunning(started, new Error(`the ${options.name} worker stopped (exit code ${code})`));
			pump();
		});
		// After the listeners: an idle worker must not keep the process alive.
		started.unref();
		return started;
	}

	function pump(): void {
		if (running) return;
		const next = queue.shift();
		if (!next) {
			scheduleIdle();
			return;
		}
		if (idleTimer) clearTimeout(idleTimer);
		const on = (worker ??= start());
		const timer = setTimeout(() => {
			// A stuck worker is stopped; the tasks queued behind it go to a fresh one.
			retire(on);
			failRunning(on, new Error(`the ${options.name} took longer than ${options.timeoutMs} ms`));
			pump();
		}, options.timeoutMs);
		running = { task: next, worker: on, timer };
		on.postMessage({ ...next.task, id: next.id }, next.transfer);
	}

	function scheduleIdle(): void {
		if (idleTimer) clearTimeout(idleTimer);
		if (running || queue.length > 0) return;
		idleTimer = setTimeout(() => {
			if (!running && queue.length === 0 && worker) retire(worker);
		}, options.idleMs ?? WORKER_IDLE_MS);
		idleTimer.unref();
	}

	return {
		get pending() {
			return queue.length + (running ? 1 : 0);
		},
		run(task, transfer = []) {
			return new Promise<Result>((resolve, reject) => {
				queue.push({ id: nextId++, task, transfer, resolve, reject });
				pump();
			});
		},
		async close() {
			if (idleTimer) clearTimeout(idleTimer);
			const stopping = new Error('the server is shutting down');
			for (const task of queue.splice(0)) task.reject(stopping);
			const last = worker;
			if (running) failRunning(running.worker, stopping);
			worker = undefined;
			await last?.terminate();
		}
	};
}

/**
 * One runner per process, made on first use: tests and the dev server start several servers in
 * one process, and each worker thread should serve them all.
 */
export function perProcess<T>(create: () => T): () => T {
	let made: T | undefined;
	return () => (made ??= create());
}

/**
 * The worker side: answers each task with `work`'s result (and the buffers to transfer), or with
 * its error message and class name (never the input's content).
 */
export function answerTasks<Task, Result>(work: (task: Task) => { result: Result; transfer?: Transferable[] }, what: string): void {
	const port = parentPort;
	if (!port) throw new Error(`the ${what} worker runs as a worker thread`);
	lowerThisThreadPriority();
	port.on('message', (task: Task & { id: number }) => {
		let answer: Answer<Result>;
		let transfer: Transferable[] = [];
		try {
			const done = work(task);
			answer = { id: task.id, result: done.result };
			transfer = done.transfer ?? [];
		} catch (err) {
			answer = err instanceof Error ? { id: task.id, failure: err.message.slice(0, 300), name: err.name } : { id: task.id, failure: `${what} failed` };
		}
		port.postMessage(answer, transfer);
	});
}

// --- priority ------------------------------------------------------------------------------

/*
 * Background threads yield the CPU to the event loop. Compaction folds, joiner-snapshot rebuilds,
 * imports, figures and WAL checkpoints run in worker threads so that they do not block the event
 * loop; but on a machine with fewer free cores than busy threads (a 1-core container, or a
 * server pinned to one core) the kernel shares the core between them, and the event loop waited
 * behind a fold's time slices: merges of 300 updates while a fold ran took 4-26 ms against 1-2 ms
 * without one, on a core shared with the fold (stalls-10000, issue 17).
 *
 * On Linux the nice value is per thread, so a worker raises its own: the event loop then
 * preempts it as soon as it has work, and the worker still gets every idle cycle.
 */

/**
 * Nice value of background threads (0 is the default, 19 the lowest priority). With the server
 * pinned to one core, stalls-10000's event-loop max was 26-29 ms at 0, 13.6-15.4 ms at 10 and
 * 9.7-14.1 ms at 19. Not 19: at 10 a worker still gets a tenth of a core it shares with a busy
 * event loop or another process in its session, so compactions and imports finish under load.
 */
export const BACKGROUND_NICE = 10;

/** The calling thread's id on Linux ("<pid>/task/<tid>"), which setpriority(2) takes; else undefined. */
export function thisThreadId(): number | undefined {
	try {
		const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
		return Number.isInteger(tid) && tid > 0 ? tid : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Lowers a thread's scheduling priority to `nice` (never raises it): a thread of this process,
 * by its id. Returns false where the system has no per-thread priority (not Linux) or refuses.
 */
export function lowerThreadPriority(tid: number | undefined, nice = BACKGROUND_NICE): boolean {
	if (tid === undefined) return false;
	try {
		if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
		return true;
	} catch {
		return false;
	}
}

/** Lowers the calling thread's priority (see lowerThreadPriority). */
export function lowerThisThreadPriority(nice = BACKGROUND_NICE): boolean {
	return lowerThreadPriority(thisThreadId(), nice);
}
