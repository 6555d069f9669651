/**
 * Runs exports, diffs and iteration freezes in a worker thread (export-worker.ts), a few at a
 * time for the whole process: an export renders the whole room, and 4 exports and 4 diffs a second of one large imported board
 * (each within its room's rate limit) held the event loop half a second at a time, so that every
 * other workshop's requests waited 0.5-1.1 s. This thread now only gathers the room's committed
 * updates (room-state.ts); past MAX_PENDING_EXPORTS, or MAX_PENDING_EXPORTS_PER_ROOM for one
 * workshop, the answer is 503 at once.
 *
 * One worker per process, started on the first export and stopped after a minute without one; a
 * task that runs too long, or a worker that dies, fails that task alone.
 */
import { createTaskWorker, perProcess } from '../worker-entry.ts';
import type { ExportAnswer, ExportResult, ExportTask, FrozenIteration } from './export-worker.ts';

/** Longest one export may take; the largest board renders in about a second. */
export const EXPORT_TIMEOUT_MS = 30_000;
/** Exports waiting or running at once, for the whole process; beyond it the answer is 503. */
export const MAX_PENDING_EXPORTS = 8;
/** Exports waiting or running at once for one workshop: one link holder cannot take every slot. */
export const MAX_PENDING_EXPORTS_PER_ROOM = 3;
const WORKER_HEAP_MB = 512;

export class ExportBusyError extends Error {}

export interface ExportRunner {
	/** Runs a task for a workshop; rejects with ExportBusyError past the process's or the workshop's limit. */
	run<T extends ExportTask>(task: T, roomId: string): Promise<ExportAnswer<T>>;
	/** Whether `run` would refuse now: routes answer 503 before they gather the room. */
	busy(roomId: string): boolean;
	close(): Promise<void>;
}

export function createExportRunner(): ExportRunner {
	const worker = createTaskWorker<ExportTask, ExportResult | FrozenIteration>({ source: 'export/export-worker.ts', heapMb: WORKER_HEAP_MB, timeoutMs: EXPORT_TIMEOUT_MS, name: 'export' });
	const perRoom = new Map<string, number>();
	const busy = (roomId: string) => worker.pending >= MAX_PENDING_EXPORTS || (perRoom.get(roomId) ?? 0) >= MAX_PENDING_EXPORTS_PER_ROOM;
	return {
		busy,
		run<T extends ExportTask>(task: T, roomId: string) {
			if (busy(roomId)) return Promise.reject(new ExportBusyError('too many exports at once'));
			perRoom.set(roomId, (perRoom.get(roomId) ?? 0) + 1);
			return (worker.run(task) as Promise<ExportAnswer<T>>).finally(() => {
				const left = (perRoom.get(roomId) ?? 1) - 1;
				if (left > 0) perRoom.set(roomId, left);
				else perRoom.delete(roomId);
			});
		},
		close: () => worker.close()
	};
}

/** The process's export runner. */
export const sharedExportRunner = perProcess(createExportRunner);
