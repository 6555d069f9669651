/**
 * Folds stored updates into one snapshot in a worker thread (fold-worker.ts): at 10,000 notes the
 * fold took 107-150 ms of the event loop once per ~1,000 updates (issue 17); in the worker the
 * main thread only copies the bytes out and back. Small inputs are folded in place: below
 * INLINE_FOLD_BYTES the round trip costs more than the fold.
 *
 * One worker per process (tests start several servers in one), started on the first large fold
 * and stopped after a minute without one.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { createTaskWorker } from '../worker-entry.ts';
import type { FoldAnswer, FoldTask } from './fold-worker.ts';

/** Inputs smaller than this are folded on the calling thread (a few hundred microseconds). */
export const INLINE_FOLD_BYTES = 64 * 1024;
/** A fold of a document at the size limit (64 MiB) takes seconds; this is far beyond. */
const FOLD_TIMEOUT_MS = 60_000;
const WORKER_IDLE_MS = 60_000;
const WORKER_HEAP_MB = 1024;

export interface FoldRunner {
	/** The state of `updates` applied in order, encoded as one update. */
	fold(updates: readonly Uint8Array[]): Promise<Uint8Array>;
	/** The same, with the SHA-1 of the result and of the first input (hashed where it is folded). */
	foldHashed(updates: readonly Uint8Array[]): Promise<HashedFold>;
	close(): Promise<void>;
}

export interface HashedFold {
	update: Uint8Array;
	sha1: string;
	firstSha1: string | null;
}

export const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('hex');

/** The fold on this thread, hashed when asked (compaction compares snapshots by hash). */
export function foldTask(task: FoldTask): FoldAnswer {
	const update = foldInline(task.updates);
	if (!task.hash) return { update };
	return { update, sha1: sha1(update), firstSha1: task.updates.length > 0 ? sha1(task.updates[0]) : null };
}

/** The fold on this thread. */
export function foldInline(updates: readonly Uint8Array[]): Uint8Array {
	// A guid of our own: Yjs's default (lib0's uuidv4) draws 31 random numbers from the crypto
	// source, one call each, which showed as 1% of the server's CPU where rooms compact or load.
	const doc = new Y.Doc({ guid: 'fold' });
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
	const worker = createTaskWorker<FoldTask, FoldAnswer>({
		entry: { source: 'persistence/fold-worker.ts', bundled: 'fold-worker.js' },
		heapMb: WORKER_HEAP_MB,
		timeoutMs: FOLD_TIMEOUT_MS,
		idleMs: WORKER_IDLE_MS,
		name: 'compaction'
	});
	const run = (updates: readonly Uint8Array[], hash: boolean): Promise<FoldAnswer> | FoldAnswer => {
		let bytes = 0;
		for (const update of updates) bytes += update.length;
		if (bytes < inlineBelowBytes) return foldTask({ updates: [...updates], hash });
		// Copied, not transferred: stored rows may share an ArrayBuffer with other data.
		return worker.run({ updates: [...updates], hash });
	};
	return {
		async fold(updates) {
			return (await run(updates, false)).update;
		},
		async foldHashed(updates) {
			const answer = await run(updates, true);
			return { update: answer.update, sha1: answer.sha1!, firstSha1: answer.firstSha1 ?? null };
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
