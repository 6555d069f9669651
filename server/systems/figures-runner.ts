/**
 * Reads a stored board's figures (readModelFigures) in a worker thread (figures-worker.ts):
 * decoding a 100-threat board and reading it took 5 ms of the event loop on a quiet machine and
 * 45 ms on a busy one, a 1,000-threat board 270 ms (bench/system-page.ts, issue 15). Only boards
 * under INLINE_FIGURES_BYTES, as a new workshop's, are read in place.
 *
 * One worker per process, started on the first large board and stopped after a minute idle.
 */
import { readModelFigures, type ModelFigures } from '#shared/systems/status';
import { readStoredDoc } from '../persistence/stored-doc.ts';
import { createTaskWorker, perProcess } from '../worker-entry.ts';
import type { FiguresTask } from './figures-worker.ts';

/** Boards smaller than this are read on the calling thread (a new workshop's board: ~1 KB). */
export const INLINE_FIGURES_BYTES = 4 * 1024;
/** A board at the size limit (64 MiB) takes seconds; this is far beyond. */
const FIGURES_TIMEOUT_MS = 60_000;
const WORKER_HEAP_MB = 1024;

export interface FiguresRunner {
	/** The figures of a board stored as these updates (a snapshot, then log entries); title '' when it has none. */
	figures(updates: readonly Uint8Array[]): Promise<ModelFigures>;
	close(): Promise<void>;
}

/** The figures on this thread, from a throwaway document. */
export function readStoredFigures(updates: readonly Uint8Array[]): ModelFigures {
	return readStoredDoc(updates, (board) => readModelFigures(board, ''));
}

export function createFiguresRunner(inlineBelowBytes = INLINE_FIGURES_BYTES): FiguresRunner {
	const worker = createTaskWorker<FiguresTask, ModelFigures>({ source: 'systems/figures-worker.ts', heapMb: WORKER_HEAP_MB, timeoutMs: FIGURES_TIMEOUT_MS, name: 'figures' });
	return {
		async figures(updates) {
			let bytes = 0;
			for (const update of updates) bytes += update.length;
			if (bytes < inlineBelowBytes) return readStoredFigures(updates);
			// Copied, not transferred: stored rows may share an ArrayBuffer with other data.
			return worker.run({ updates: [...updates] });
		},
		close: () => worker.close()
	};
}

/** The process's figures runner. */
export const sharedFiguresRunner = perProcess(() => createFiguresRunner());
