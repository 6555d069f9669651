/**
 * Folds stored updates into one snapshot in a worker thread (fold-worker.ts): at 10,000 notes the
 * fold took 107-150 ms of the event loop once per ~1,000 updates (issue 17); in the worker the
 * main thread only copies the bytes out and back. Small inputs are folded in place: below
 * INLINE_FOLD_BYTES the round trip costs more than the fold.
 *
 * One worker per process (tests start several servers in one), started on the first large fold
 * and stopped after a minute without one.
 */
import * as Y from 'yjs';
import { createTaskWorker } from '../worker-entry.ts';
import type { FoldTask } from './fold-worker.ts';

/** Inputs smaller than this are folded on the calling thread (a few hundred microseconds). */
export const INLINE_FOLD_BYTES = 64 * 1024;
/** A fold of a document at the size limit (64 MiB) takes seconds; this is far beyond. */
const FOLD_TIMEOUT_MS = 60_000;
const WORKER_IDLE_MS = 60_000;
const WORKER_HEAP_MB = 1024;

export interface FoldRunner {
	/** The state of `updates` applied in order, encoded as one update. */
	fold(updates: readonly Uint8Array[]): Promise<Uint8Array>;
	close(): Promise<void>;
}

/** The fold on this thread. */
export function foldInline(updates: readonly Uint8Array[]): Uint8Array {
	const doc = new Y.Doc();
	try {
		doc.transact(() => {
			for (const update of updates) Y.applyUpdate(doc, update);
		});
		return Y.encodeStateAsUpdate(doc);
	} finally {
		doc.destroy();
	}
}

export function createFoldRunner(inlineBelowBytes = INLINE_FOLD_BYTES): FoldRunner {
	const worker = createTaskWorker<FoldTask, Uint8Array>({
		entry: { source: 'persistence/fold-worker.ts', bundled: 'fold-worker.js' },
		heapMb: WORKER_HEAP_MB,
		timeoutMs: FOLD_TIMEOUT_MS,
		idleMs: WORKER_IDLE_MS,
		name: 'compaction'
	});
	return {
		async fold(updates) {
			let bytes = 0;
			for (const update of updates) bytes += update.length;
			if (bytes < inlineBelowBytes) return foldInline(updates);
			// Copied, not transferred: stored rows may share an ArrayBuffer with other data.
			return worker.run({ updates: [...updates] });
		},
		close: () => worker.close()
	};
}

let shared: FoldRunner | undefined;

/** The process's fold runner. */
export function sharedFoldRunner(): FoldRunner {
	shared ??= createFoldRunner();
	return shared;
}
