/**
 * What a fresh joiner (a client with an empty state vector) is sent: a step-2 message with the
 * whole committed state at some moment (the snapshot), plus the updates committed since (the
 * tail). Snapshot + merged tail = the current committed state, so edits do not force
 * re-encoding the whole document for the next joiner, and concurrent joiners share one encoding.
 *
 * The snapshot is seeded from the stored snapshot bytes when the document loads (nothing to
 * encode), and a large document's snapshot is rebuilt in the fold worker from the old snapshot and
 * the tail (issue 17: encoding a 10,000-note board took tens of ms of the event loop); meanwhile
 * joiners get the old snapshot and the longer tail. Small documents re-encode on demand.
 *
 * The tail reaches a joiner in a few merged frames. Yjs's mergeUpdates re-sorts all its inputs
 * for every struct it writes, so merging a long tail at once took 5-84 ms of the event loop at
 * 250 edits/s (stalls-10000: up to 1,251 updates when a joiner came during a rebuild), and every
 * joiner did it again. So the tail is kept in merged pieces, each sent as a frame of its own: a
 * large document's tail is merged in pieces of MERGE_FAN_IN updates as they commit (about 10 us
 * per update), pieces are merged together once there are MERGE_FAN_IN of them, and a joiner
 * merges only the updates not yet in a piece. A large update (LARGE_UPDATE_BYTES) is never
 * merged here.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { encodeSyncMessage } from '#shared/wire/messages';
import { SyncStep } from '#shared/wire/protocol';
import type { FoldRunner } from '../persistence/fold-runner.ts';

/**
 * Committed updates kept after the snapshot before it is rebuilt (also capped at 1/4 of its size).
 * A rebuild of a 10,000-note snapshot costs the worker 150+ ms: at 1,024 rather than 256, the
 * server's CPU in stalls-10000 fell from 14.5-16.0 s to 8.4-10.9 s.
 */
export const MAX_TAIL_UPDATES = 1024;
/** Inputs per Y.mergeUpdates call: pieces of the tail, and rounds of mergeMany. */
const MERGE_FAN_IN = 32;
/**
 * Updates at least this large are never merged on the event loop (a board imported or pasted in
 * one go: merging a 10,000-note update, 2.4 MB, with 31 edits took 150 ms); a joiner gets each as
 * a frame of its own, and the rebuild in the worker folds it into the snapshot.
 */
const LARGE_UPDATE_BYTES = 64 * 1024;

/** Consecutive updates of the tail merged into one, or one large update. */
interface TailPiece {
	update: Uint8Array;
	large: boolean;
	/** The update framed for joiners, once one has asked: framed again per joiner, a 2.4 MB piece cost 7-14 ms. */
	frame?: Uint8Array;
}
/** Snapshot and tail at least this large are rebuilt in the worker instead of re-encoded on demand. */
export const REBUILD_IN_WORKER_BYTES = 256 * 1024;
/** While a rebuild runs the tail may grow this many times past its cap before the cache gives up. */
const REBUILD_TAIL_SLACK = 4;

export class JoinerCache {
	#snapshotMessage: Uint8Array | null = null;
	#tail: Uint8Array[] = [];
	#tailBytes = 0;
	#tailFrames: Uint8Array[] | null = null;
	/** The first `#piecesCover` updates of the tail, merged in order into a few updates. */
	#pieces: TailPiece[] = [];
	#piecesCover = 0;
	/** Bumped whenever the snapshot is replaced or dropped: a rebuild of an older one is discarded. */
	#generation = 0;
	#rebuilding = false;
	/** While rebuilding: the bytes being folded (old snapshot and tail), about the new snapshot's size. */
	#rebuildingBytes = 0;

	/**
	 * @param encodeCommitted encodes the document; only called when it holds committed state only.
	 * @param folder rebuilds large snapshots off the event loop; without one they re-encode on demand.
	 */
	constructor(
		private readonly encodeCommitted: () => Uint8Array,
		private readonly folder?: FoldRunner
	) {}

	/** True when a snapshot is cached: a fresh joiner can be answered without waiting for commits. */
	get ready(): boolean {
		return this.#snapshotMessage !== null;
	}

	/** True while a rebuild of the snapshot runs in the worker. */
	get rebuilding(): boolean {
		return this.#rebuilding;
	}

	/**
	 * Starts from committed state the caller already holds as bytes: the stored snapshot and the
	 * log entries after it, as loaded.
	 */
	seed(snapshot: Uint8Array, tail: readonly Uint8Array[]): void {
		this.#replace(encodeSyncMessage(SyncStep.Step2, snapshot));
		for (const update of tail) this.committed(update);
	}

	/**
	 * The frames for a fresh joiner: the merged tail, if any, then the snapshot. The tail goes
	 * first: the joiner holds it as pending until the snapshot supplies what it builds on, so when
	 * the Step 2 marks the client synced, it already has every commit. Sent the other way round,
	 * a client reading its doc on "synced" would miss the tail. Call only when no applied update
	 * is waiting for the store (or when `ready`). The tail is a frame per piece (at most a few
	 * dozen), each large update one of them.
	 */
	framesForJoiner(): Uint8Array[] {
		if (!this.#snapshotMessage) this.#replace(encodeSyncMessage(SyncStep.Step2, this.encodeCommitted()));
		const snapshotMessage = this.#snapshotMessage!;
		if (this.#tail.length === 0) return [snapshotMessage];
		this.#tailFrames ??= this.#tailPieces().map((piece) => (piece.frame ??= encodeSyncMessage(SyncStep.Update, piece.update)));
		return [...this.#tailFrames, snapshotMessage];
	}

	/**
	 * The tail as its pieces, the updates not yet in one merged into one more. The pieces are not
	 * merged together for a joiner: with the tail at 900 updates that took 4-9 ms per joiner, and
	 * a joiner takes a few dozen frames before the snapshot as easily as one.
	 */
	#tailPieces(): readonly TailPiece[] {
		this.#addPieces(1);
		return this.#pieces;
	}

	/**
	 * Turns the tail's updates not yet in a piece into pieces, once there are at least `least`:
	 * each run of small ones merged into one, each large one a piece of its own. Many pieces are
	 * merged in turn.
	 */
	#addPieces(least: number): void {
		// Checked before slicing: a large document's every commit asks.
		if (this.#tail.length - this.#piecesCover < least) return;
		const loose = this.#tail.slice(this.#piecesCover);
		this.#pieces.push(...mergeRuns(loose.map((update) => ({ update, large: update.length >= LARGE_UPDATE_BYTES }))));
		this.#piecesCover = this.#tail.length;
		if (this.#pieces.length >= MERGE_FAN_IN) this.#pieces = mergeRuns(this.#pieces);
	}

	/** Extends the cache with a committed update; a long tail rebuilds or drops the snapshot. */
	committed(update: Uint8Array): void {
		if (!this.#snapshotMessage) return;
		this.#tail.push(update);
		this.#tailBytes += update.length;
		this.#tailFrames = null;
		const snapshotBytes = this.#snapshotMessage.length;
		const slack = this.#rebuilding ? REBUILD_TAIL_SLACK : 1;
		// During a rebuild the tail is measured against the snapshot on its way: against the old one,
		// a small snapshot given a large update would be dropped by the next commit, and the next
		// joiner would encode the whole document on the event loop.
		const baseBytes = this.#rebuilding ? this.#rebuildingBytes : snapshotBytes;
		const newTailBytes = this.#tailBytes - (this.#rebuilding ? this.#rebuildingBytes - snapshotBytes : 0);
		if (this.#tail.length <= MAX_TAIL_UPDATES * slack && newTailBytes <= (baseBytes / 4) * slack) {
			// A small document's tail is short (a quarter of a small snapshot): merged when asked.
			if (baseBytes >= REBUILD_IN_WORKER_BYTES) this.#addPieces(MERGE_FAN_IN);
			return;
		}
		// By the size of what the rebuild folds: a small snapshot with a large tail (a board
		// imported or pasted in one go) is a large document, which the next joiner would otherwise
		// encode on the event loop (48 ms at 10,000 notes, seen in the stalls-10000 profile).
		if (this.#rebuilding || !this.folder || snapshotBytes + this.#tailBytes < REBUILD_IN_WORKER_BYTES) this.clear();
		else this.#rebuild(this.folder);
	}

	/** Forgets the cache (rebuilt by the next fresh joiner). */
	clear(): void {
		this.#snapshotMessage = null;
		this.#tail = [];
		this.#tailBytes = 0;
		this.#tailFrames = null;
		this.#pieces = [];
		this.#piecesCover = 0;
		this.#generation++;
	}

	#replace(snapshotMessage: Uint8Array): void {
		this.clear();
		this.#snapshotMessage = snapshotMessage;
	}

	/** Folds the snapshot and the tail so far into a new snapshot, in the worker. */
	#rebuild(folder: FoldRunner): void {
		const generation = this.#generation;
		const covered = this.#tail.length;
		this.#rebuilding = true;
		this.#rebuildingBytes = this.#snapshotMessage!.length + this.#tailBytes;
		// Framed in the worker: a 2.4 MB snapshot copied into a new frame here cost 7-14 ms of the loop.
		folder.foldFramed([step2Payload(this.#snapshotMessage!), ...this.#tail]).then(
			(snapshotMessage) => {
				this.#rebuilding = false;
				if (generation !== this.#generation) return;
				const rest = this.#tail.slice(covered);
				this.#replace(snapshotMessage);
				for (const update of rest) this.committed(update);
			},
			() => {
				// The worker failed (or the server is stopping): re-encode on demand instead.
				this.#rebuilding = false;
				if (generation === this.#generation) this.clear();
			}
		);
	}
}

/**
 * The updates merged into one, as Y.mergeUpdates would (the result is the same bytes), in rounds
 * of MERGE_FAN_IN inputs: one call with n inputs costs about n * n * log n (it re-sorts its
 * inputs for every struct written), so 1,024 edits took 23 ms in one call and 6 ms in rounds.
 */
export function mergeMany(updates: readonly Uint8Array[]): Uint8Array {
	let round = updates;
	while (round.length > 1) {
		const next: Uint8Array[] = [];
		for (let i = 0; i < round.length; i += MERGE_FAN_IN) {
			const part = round.slice(i, i + MERGE_FAN_IN);
			next.push(part.length === 1 ? part[0] : Y.mergeUpdates(part));
		}
		round = next;
	}
	return round[0] ?? Y.mergeUpdates([]);
}

/** The pieces with each run of consecutive small ones merged into one (mergeMany); large ones stay. */
function mergeRuns(pieces: readonly TailPiece[]): TailPiece[] {
	const merged: TailPiece[] = [];
	let run: Uint8Array[] = [];
	const endRun = () => {
		if (run.length > 0) merged.push({ update: mergeMany(run), large: false });
		run = [];
	};
	for (const piece of pieces) {
		if (!piece.large) {
			run.push(piece.update);
			continue;
		}
		endRun();
		merged.push(piece);
	}
	endRun();
	return merged;
}

/** The update inside a step-2 message (a view, not a copy). */
function step2Payload(message: Uint8Array): Uint8Array {
	const decoder = decoding.createDecoder(message);
	decoding.readVarUint(decoder); // message type
	decoding.readVarUint(decoder); // sync step
	return decoding.readVarUint8Array(decoder);
}
