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
import { createTaskWorker, perProcess } from '../worker-entry.ts';
import type { BuildResult } from './build-room.ts';
import type { ImportTask } from './import-worker.ts';

/** Longest an import may take; a real 8 MiB model builds in about a second. */
export const IMPORT_TIMEOUT_MS = 30_000;
/** Imports waiting or running at once; beyond it the server answers 503 at once. */
export const MAX_PENDING_IMPORTS = 4;
/** Heap of the worker: a hostile file runs it out of memory, not the server. */
const WORKER_HEAP_MB = 512;

export class ImportBusyError extends Error {}

export interface ImportRunner {
	run(bytes: Uint8Array, now: number): Promise<BuildResult>;
	/** Whether `run` would refuse now: the route answers 503 before it reads the body. */
	readonly busy: boolean;
	close(): Promise<void>;
}

export function createImportRunner(): ImportRunner {
	const worker = createTaskWorker<ImportTask, BuildResult>({ source: 'import/import-worker.ts', heapMb: WORKER_HEAP_MB, timeoutMs: IMPORT_TIMEOUT_MS, name: 'import' });
	return {
		get busy() {
			return worker.pending >= MAX_PENDING_IMPORTS;
		},
		run(bytes, now) {
			if (this.busy) return Promise.reject(new ImportBusyError('too many imports at once'));
			return worker.run({ bytes, now }, [bytes.buffer as ArrayBuffer]);
		},
		close: () => worker.close()
	};
}

/** The process's import runner. */
export const sharedImportRunner = perProcess(createImportRunner);
