/**
 * Folds stored updates into one snapshot in a worker thread (fold-worker.ts): at 10,000 notes the
 * fold took 107-150 ms of the event loop once per ~1,000 updates (issue 17); in the worker the
 * main thread only copies the bytes into one buffer, which is transferred (packUpdates). Small inputs are folded in place: below
 * INLINE_FOLD_BYTES the round trip costs more than the fold.
 *
 * One worker per process (tests start several servers in one), started on the first large fold
 * and stopped after a minute without one.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { createTaskWorker, perProcess } from '../worker-entry.ts';
import type { FoldAnswer, FoldTask } from './fold-worker.ts';

/** Inputs smaller than this are folded on the calling thread (a few hundred microseconds). */
export const INLINE_FOLD_BYTES = 64 * 1024;
/** A fold of a document at the size limit (64 MiB) takes seconds; this is far beyond. */
const FOLD_TIMEOUT_MS = 60_000;
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
export function foldTask(updates: readonly Uint8Array[], hash: boolean): FoldAnswer {
	const update = foldInline(updates);
	if (!hash) return { update };
	return { update, sha1: sha1(update), firstSha1: updates.length > 0 ? sha1(updates[0]) : null };
}

/** Updates laid end to end in one buffer of their own, which can be transferred. */
export interface PackedUpdates {
	bytes: Uint8Array;
	/** Where each update ends in `bytes`. */
	ends: Uint32Array;
}

/**
 * Copies the updates into one new buffer. Posting the updates themselves would clone each one's
 * whole ArrayBuffer: stored rows and received frames are views into 8 KB pool slabs and 64 KB
 * socket chunks, so the 1,000 small updates of a log cost 8-64 MB of copying on the event loop
 * (77 ms against 1.6 ms packed, measured for a 2.4 MB snapshot and 1,000 row-sized updates).
 */
export function packUpdates(updates: readonly Uint8Array[], totalBytes: number): PackedUpdates {
	// Its own ArrayBuffer (never a pool slab: it is transferred), not zero-filled: every byte is written.
	const bytes = Buffer.allocUnsafeSlow(totalBytes);
	const ends = new Uint32Array(updates.length);
	let at = 0;
	for (let i = 0; i < updates.length; i++) {
		bytes.set(updates[i], at);
		at += updates[i].length;
		ends[i] = at;
	}
	return { bytes, ends };
}

/** The updates of a packed buffer (views, not copies). */
export function unpackUpdates({ bytes, ends }: PackedUpdates): Uint8Array[] {
	const updates: Uint8Array[] = [];
	let from = 0;
	for (const end of ends) {
		updates.push(bytes.subarray(from, end));
		from = end;
	}
	return updates;
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
	const worker = createTaskWorker<FoldTask, FoldAnswer>({ source: 'persistence/fold-worker.ts', heapMb: WORKER_HEAP_MB, timeoutMs: FOLD_TIMEOUT_MS, name: 'compaction' });
	const run = (updates: readonly Uint8Array[], hash: boolean): Promise<FoldAnswer> | FoldAnswer => {
		let bytes = 0;
		for (const update of updates) bytes += update.length;
		if (bytes < inlineBelowBytes) return foldTask(updates, hash);
		const packed = packUpdates(updates, bytes);
		return worker.run({ ...packed, hash }, [packed.bytes.buffer as ArrayBuffer]);
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

/** The process's fold runner. */
export const sharedFoldRunner = perProcess(() => createFoldRunner());
