/**
 * Runs exports, diffs and iteration freezes in a worker thread (export-worker.ts), a few at a
 * time for the whole process: an export renders the whole room, and 4 exports and 4 diffs a second of one large imported board
 * (each within its room's rate limit) held the event loop half a second at a time, so that every
 * other workshop's requests waited 0.5-1.1 s. This thread now only gathers the room's committed
 * updates (room-state.ts); past MAX_PENDING_EXPORTS, or 3 for one workshop or one client address
 * (one client with several workshops filled every slot), the answer is 503 at once.
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
/** Exports waiting or running at once for one client address: nor can one client with several workshops. */
export const MAX_PENDING_EXPORTS_PER_ADDRESS = 3;
const WORKER_HEAP_MB = 512;

export class ExportBusyError extends Error {}

/** Who an export is for: the workshop and the client address asking (server/auth/client-address.ts). */
export interface ExportClaim {
	roomId: string;
	/** The key the client counts under for per-address limits (client-address.ts addressLimitKey). */
	network: string;
}

export interface ExportRunner {
	/**
	 * Runs a task; rejects with ExportBusyError past the process's, the workshop's or the address's
	 * limit. A facilitator's task (freezing an iteration: facilitator key, rate-limited per room) is
	 * not held to them and waits its turn: anyone with the link could otherwise keep the limits
	 * full of exports and stop the facilitator from starting the next iteration.
	 */
	run<T extends ExportTask>(task: T, claim: ExportClaim | 'facilitator'): Promise<ExportAnswer<T>>;
	/** Whether `run` would refuse now: routes answer 503 before they gather the room. */
	busy(claim: ExportClaim): boolean;
	close(): Promise<void>;
}

export function createExportRunner(): ExportRunner {
	const worker = createTaskWorker<ExportTask, ExportResult | FrozenIteration>({ source: 'export/export-worker.ts', heapMb: WORKER_HEAP_MB, timeoutMs: EXPORT_TIMEOUT_MS, name: 'export' });
	const perRoom = new PendingCounts();
	const perAddress = new PendingCounts();
	const full = (roomId: string, network: string) =>
		worker.pending >= MAX_PENDING_EXPORTS || perRoom.of(roomId) >= MAX_PENDING_EXPORTS_PER_ROOM || perAddress.of(network) >= MAX_PENDING_EXPORTS_PER_ADDRESS;
	return {
		busy: ({ roomId, network }) => full(roomId, network),
		run<T extends ExportTask>(task: T, claim: ExportClaim | 'facilitator') {
			if (claim === 'facilitator') return worker.run(task) as Promise<ExportAnswer<T>>;
			const { roomId, network } = claim;
			if (full(roomId, network)) return Promise.reject(new ExportBusyError('too many exports at once'));
			perRoom.add(roomId);
			perAddress.add(network);
			return (worker.run(task) as Promise<ExportAnswer<T>>).finally(() => {
				perRoom.remove(roomId);
				perAddress.remove(network);
			});
		},
		close: () => worker.close()
	};
}

/** Tasks waiting or running, by key; a key with none is not kept. */
class PendingCounts {
	readonly #counts = new Map<string, number>();
	of(key: string): number {
		return this.#counts.get(key) ?? 0;
	}
	add(key: string): void {
		this.#counts.set(key, this.of(key) + 1);
	}
	remove(key: string): void {
		const left = this.of(key) - 1;
		if (left > 0) this.#counts.set(key, left);
		else this.#counts.delete(key);
	}
}

/** The process's export runner. */
export const sharedExportRunner = perProcess(createExportRunner);
