/**
 * Connects one loaded room's documents to the instances that also serve it.
 *
 * The room joins its channel before its documents are read from the store, and messages that
 * arrive meanwhile are held and applied once they are loaded: an update committed by a peer
 * between the read and the subscription would otherwise be missed until the next resync.
 */
import { DOC_NAMES, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Fanout, RoomChannel } from './fanout.ts';

/** A document as stored: its snapshot (if any), then the log entries after it, with their sequence numbers. */
export interface StoredState {
	/** Snapshot first (if any), then log entries in commit order. */
	updates: Uint8Array[];
	/** How many of `updates` are log entries (the last ones). */
	logLength: number;
	/** The log entries' sequence numbers, in the same order. */
	seqs: number[];
}

/** Reads a document's stored state (snapshot and log). */
export type StoredReader = (docName: DocName) => Promise<StoredState>;

/** Where a document's committed updates and owned presence go to the other instances. */
export interface DocPeers {
	/** seqs: the store's sequence numbers of the log entries the update is made of. */
	publishUpdate(update: Uint8Array, seqs: readonly number[]): void;
	/** An awareness frame (as sent to clients) with entries owned by this instance's connections. */
	publishAwareness(frame: Uint8Array): void;
}

/** What peering needs of a live document (server/rooms/room-doc.ts implements it). */
export interface PeeredDoc {
	/** Applies an update another instance has stored (as the given log entries) and published. */
	applyFromPeer(update: Uint8Array, seqs: readonly number[]): void;
	applyPeerAwareness(frame: Uint8Array): void;
	/** Merges stored state this instance may have missed; new parts reach its clients. */
	applyFromStore(stored: StoredState): void;
	/** Sends peers the presence owned here again. */
	republishAwareness(): void;
	connectPeers(peers: DocPeers): void;
}

export class RoomPeering {
	#docs: Record<DocName, PeeredDoc> | null = null;
	#early: Array<(docs: Record<DocName, PeeredDoc>) => void> = [];
	#channel: RoomChannel | null = null;
	#resyncing: Promise<void> | null = null;
	#resyncAgain = false;
	#republishAfter = false;
	#left = false;

	private constructor(
		private readonly readStored: StoredReader,
		private readonly tag: string,
		private readonly log: Logger
	) {}

	/** Joins the room's channel (without delay when fan-out is off or Redis is down). */
	static async join(fanout: Fanout, roomId: string, tag: string, readStored: StoredReader, log: Logger): Promise<RoomPeering> {
		const peering = new RoomPeering(readStored, tag, log);
		if (!fanout.enabled) return peering;
		peering.#channel = await fanout.join(roomId, {
			update: (docName, update, seqs) => peering.#deliver((docs) => docs[docName].applyFromPeer(update, seqs)),
			awareness: (docName, frame) => peering.#deliver((docs) => docs[docName].applyPeerAwareness(frame)),
			resync: (republish) => peering.resync(republish)
		});
		return peering;
	}

	/** The documents are loaded: apply what arrived meanwhile and start publishing. */
	attach(docs: Record<DocName, PeeredDoc>): void {
		this.#docs = docs;
		const channel = this.#channel;
		if (!channel) return;
		for (const docName of DOC_NAMES) {
			docs[docName].connectPeers({
				publishUpdate: (update, seqs) => channel.publishUpdate(docName, update, seqs),
				publishAwareness: (frame) => channel.publishAwareness(docName, frame)
			});
		}
		const early = this.#early;
		this.#early = [];
		for (const apply of early) apply(docs);
	}

	#deliver(apply: (docs: Record<DocName, PeeredDoc>) => void): void {
		if (this.#left) return;
		if (this.#docs) apply(this.#docs);
		else this.#early.push(apply);
	}

	/**
	 * Reloads the room from the store and merges what this instance lacked (new parts reach its
	 * clients), then sends peers our presence again. With republish, peers are also asked to do
	 * the same. Runs one at a time; requests that arrive meanwhile cause one more run.
	 */
	resync(republish: boolean): Promise<void> {
		this.#republishAfter ||= republish;
		if (this.#resyncing) {
			this.#resyncAgain = true;
			return this.#resyncing;
		}
		this.#resyncing = (async () => {
			do {
				this.#resyncAgain = false;
				const docs = this.#docs;
				if (!docs || this.#left) continue; // not loaded yet: the load reads the store anyway
				const republishNow = this.#republishAfter;
				this.#republishAfter = false;
				try {
					for (const docName of DOC_NAMES) {
						const stored = await this.readStored(docName);
						if (this.#left) return;
						docs[docName].applyFromStore(stored);
					}
				} catch (err) {
					this.log.warn('room resync failed; the next reconnect retries', { room: this.tag, error: errorMessage(err) });
					continue;
				}
				// Presence goes out after every resync: a peer asking for one (its subscriber came back
				// after ours) missed what we republished when ours did.
				if (republishNow) this.#channel?.requestResync();
				for (const docName of DOC_NAMES) docs[docName].republishAwareness();
			} while (this.#resyncAgain);
		})().finally(() => {
			this.#resyncing = null;
		});
		return this.#resyncing;
	}

	leave(): void {
		this.#left = true;
		this.#early = [];
		this.#channel?.leave();
	}
}
