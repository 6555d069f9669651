/**
 * What a fresh joiner (a client with an empty state vector) is sent: a step-2 message with the
 * whole committed state at some moment (the snapshot), plus the updates committed since (the
 * tail). Snapshot + merged tail = the current committed state, so edits do not force
 * re-encoding the whole document for the next joiner, and concurrent joiners share one encoding.
 */
import * as Y from 'yjs';
import { encodeSyncMessage } from '#shared/wire/messages';
import { SyncStep } from '#shared/wire/protocol';

/** Committed updates kept after the snapshot before it is rebuilt (also capped at 1/4 of its size). */
const MAX_TAIL_UPDATES = 256;

export class JoinerCache {
	#snapshotMessage: Uint8Array | null = null;
	#tail: Uint8Array[] = [];
	#tailBytes = 0;
	#tailMessage: Uint8Array | null = null;

	/** @param encodeCommitted encodes the document; only called when it holds committed state only. */
	constructor(private readonly encodeCommitted: () => Uint8Array) {}

	/** True when a snapshot is cached: a fresh joiner can be answered without waiting for commits. */
	get ready(): boolean {
		return this.#snapshotMessage !== null;
	}

	/**
	 * The frames for a fresh joiner: the merged tail, if any, then the snapshot. The tail goes
	 * first: the joiner holds it as pending until the snapshot supplies what it builds on, so when
	 * the Step 2 marks the client synced, it already has every commit. Sent the other way round,
	 * a client reading its doc on "synced" would miss the tail. Call only when no applied update
	 * is waiting for the store (or when `ready`).
	 */
	framesForJoiner(): Uint8Array[] {
		if (!this.#snapshotMessage) {
			this.#snapshotMessage = encodeSyncMessage(SyncStep.Step2, this.encodeCommitted());
			this.#tail = [];
			this.#tailBytes = 0;
			this.#tailMessage = null;
		}
		if (this.#tail.length === 0) return [this.#snapshotMessage];
		this.#tailMessage ??= encodeSyncMessage(SyncStep.Update, this.#tail.length === 1 ? this.#tail[0] : Y.mergeUpdates(this.#tail));
		return [this.#tailMessage, this.#snapshotMessage];
	}

	/** Extends the cache with a committed update, or drops it once the tail is long. */
	committed(update: Uint8Array): void {
		if (!this.#snapshotMessage) return;
		this.#tail.push(update);
		this.#tailBytes += update.length;
		this.#tailMessage = null;
		if (this.#tail.length > MAX_TAIL_UPDATES || this.#tailBytes > this.#snapshotMessage.length / 4) this.clear();
	}

	/** Forgets the cache (rebuilt by the next fresh joiner). */
	clear(): void {
		this.#snapshotMessage = null;
		this.#tail = [];
		this.#tailBytes = 0;
		this.#tailMessage = null;
	}
}
