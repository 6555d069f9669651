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
import { SyncStep } from '#shared/wire/protocol';
import { encodeSyncMessage } from '#shared/wire/messages';
import { createTaskWorker, perProcess } from '../worker-entry.ts';
import type { FoldAnswer, FoldTask } from './fold-worker.ts';
import { readStoredDoc } from './stored-doc.ts';

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
	/**
	 * The fold as a sync step-2 message, framed where it is folded: a fresh joiner's snapshot of
	 * a 10,000-note room (2.4 MB) cost 7-14 ms to copy into a new frame on the event loop.
	 */
	foldFramed(updates: readonly Uint8Array[]): Promise<Uint8Array>;
	close(): Promise<void>;
}

export interface HashedFold {
	update: Uint8Array;
	sha1: string;
	firstSha1: string | null;
}

export const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('hex');

/** What a fold returns besides the update: its hashes, or the update framed as a step-2 message. */
export type FoldOutput = 'update' | 'hashed' | 'framed';

/** The fold on this thread, hashed or framed when asked (compaction compares snapshots by hash). */
export function foldTask(updates: readonly Uint8Array[], output: FoldOutput): FoldAnswer {
	const update = foldInline(updates);
	if (output === 'framed') return { update: encodeSyncMessage(SyncStep.Step2, update) };
	if (output === 'update') return { update };
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
export function packUpdates(updates: readonly Uint8Array[], totalBytes: number, into?: Uint8Array): PackedUpdates {
	// Its own ArrayBuffer (never a pool slab: it is transferred), not zero-filled: every byte is
	// written. Or the caller's reused buffer (see ScratchBuffer).
	const bytes = into ? into.subarray(0, totalBytes) : Buffer.allocUnsafeSlow(totalBytes);
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
	return readStoredDoc(updates, (doc) => Y.encodeStateAsUpdate(doc), 'fold');
}

/** Largest fold input copied into the reused shared buffer; larger ones get a buffer of their own. */
export const SCRATCH_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A shared buffer the fold inputs are copied into, reused from one fold to the next. A new
 * buffer of a few MB is slow to fill the first time (each 4 KB page faults in on first touch:
 * 12 us a page on the CI machine, so 7 ms for a 2.4 MB snapshot on the event loop); a reused one
 * is filled in 0.1 ms. It serves one fold at a time: while the worker reads it, a second fold
 * gets a buffer of its own, as does an input above SCRATCH_MAX_BYTES.
 */
class ScratchBuffer {
	#buffer: SharedArrayBuffer | null = null;
	#busy = false;

	/** A view of at least `bytes` bytes to fill, or null when the buffer is taken or too small to grow to. */
	take(bytes: number): Uint8Array | null {
		if (this.#busy || bytes > SCRATCH_MAX_BYTES) return null;
		if (!this.#buffer || this.#buffer.byteLength < bytes) {
			this.#buffer = new SharedArrayBuffer(Math.min(SCRATCH_MAX_BYTES, Math.max(bytes, 2 * (this.#buffer?.byteLength ?? 0))));
		}
		this.#busy = true;
		return new Uint8Array(this.#buffer);
	}

	release(): void {
		this.#busy = false;
	}
}

export function createFoldRunner(inlineBelowBytes = INLINE_FOLD_BYTES): FoldRunner {
	const worker = createTaskWorker<FoldTask, FoldAnswer>({ source: 'persistence/fold-worker.ts', heapMb: WORKER_HEAP_MB, timeoutMs: FOLD_TIMEOUT_MS, name: 'compaction' });
	const scratch = new ScratchBuffer();
	const run = async (updates: readonly Uint8Array[], output: FoldOutput): Promise<FoldAnswer> => {
		let bytes = 0;
		for (const update of updates) bytes += update.length;
		if (bytes < inlineBelowBytes) return foldTask(updates, output);
		const reused = scratch.take(bytes);
		if (!reused) {
			const packed = packUpdates(updates, bytes);
			return worker.run({ ...packed, output }, [packed.bytes.buffer as ArrayBuffer]);
		}
		try {
			return await worker.run({ ...packUpdates(updates, bytes, reused), output });
		} finally {
			scratch.release();
		}
	};
	return {
		async fold(updates) {
			return (await run(updates, 'update')).update;
		},
		async foldHashed(updates) {
			const answer = await run(updates, 'hashed');
			return { update: answer.update, sha1: answer.sha1!, firstSha1: answer.firstSha1 ?? null };
		},
		async foldFramed(updates) {
			return (await run(updates, 'framed')).update;
		},
		close: () => worker.close()
	};
}

/** The process's fold runner. */
export const sharedFoldRunner = perProcess(() => createFoldRunner());
