/**
 * Rooms in memory: loaded from the store on first use (both documents, completely, before any
 * sync message is sent), shared by concurrent connections, and evicted when idle, only after
 * everything they hold has been persisted.
 */
import { pruneOrphans } from '#shared/board/doc';
import { DocumentTooNewError, InvalidBoardDocumentError, migrateBoardDoc } from '#shared/board/migrations';
import { DOC_NAMES, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';
import type { Persister } from '../persistence/persister.ts';
import { noFanout, type Fanout } from '../scale-out/fanout.ts';
import { RoomPeering } from '../scale-out/room-peering.ts';
import { SharedDoc, type SharedDocOptions } from '../sync/shared-doc.ts';

export interface LoadedRoom {
	record: RoomRecord;
	tag: string;
	docs: Record<DocName, SharedDoc>;
}

interface RoomSlot {
	/** Resolves to the room once both documents are loaded. */
	ready: Promise<LoadedRoom>;
	room: LoadedRoom | null;
	users: number;
	evictTimer: NodeJS.Timeout | null;
	/** Set while the room is being written out and released. */
	evicting: Promise<void> | null;
}

export interface RoomManagerOptions extends SharedDocOptions {
	idleEvictMs: number;
}

export class RoomManager {
	#slots = new Map<string, RoomSlot>();
	/** Each loaded room's link to the other instances (inert without REDIS_URL). */
	#peerings = new Map<string, RoomPeering>();

	constructor(
		private readonly store: DocStore,
		private readonly persister: Persister,
		private readonly options: RoomManagerOptions,
		private readonly log: Logger,
		private readonly metrics: Metrics,
		private readonly fanout: Fanout = noFanout
	) {}

	get loadedCount(): number {
		return this.#slots.size;
	}

	isLoaded(roomId: string): boolean {
		return this.#slots.has(roomId);
	}

	/**
	 * Takes a reference on a room, loading it if needed. Every acquire must be paired with a
	 * release; a room with no references is evicted after idleEvictMs.
	 */
	async acquire(record: RoomRecord): Promise<LoadedRoom> {
		for (;;) {
			const slot = this.#slots.get(record.roomId);
			if (slot?.evicting) {
				await slot.evicting;
				continue;
			}
			if (slot) {
				slot.users++;
				if (slot.evictTimer) {
					clearTimeout(slot.evictTimer);
					slot.evictTimer = null;
				}
				try {
					return await slot.ready;
				} catch (err) {
					slot.users--;
					throw err;
				}
			}
			const fresh: RoomSlot = { ready: this.#load(record), room: null, users: 1, evictTimer: null, evicting: null };
			this.#slots.set(record.roomId, fresh);
			this.metrics.roomsLoaded.set(this.#slots.size);
			try {
				fresh.room = await fresh.ready;
				return fresh.room;
			} catch (err) {
				this.#slots.delete(record.roomId);
				this.metrics.roomsLoaded.set(this.#slots.size);
				throw err;
			}
		}
	}

	release(roomId: string): void {
		const slot = this.#slots.get(roomId);
		if (!slot) return;
		slot.users--;
		if (slot.users > 0 || slot.evicting) return;
		if (slot.evictTimer) clearTimeout(slot.evictTimer);
		slot.evictTimer = setTimeout(() => {
			slot.evictTimer = null;
			if (slot.users === 0) void this.#evict(roomId, slot);
		}, this.options.idleEvictMs);
	}

	async #load(record: RoomRecord): Promise<LoadedRoom> {
		const tag = roomTag(record.roomId);
		// Subscribed before reading the store, so no peer's update falls between the two.
		const readStored = async (docName: DocName) => (await this.store.loadDoc({ roomId: record.roomId, docName })).updates;
		const peering = await RoomPeering.join(this.fanout, record.roomId, tag, readStored, this.log);
		let room: LoadedRoom;
		try {
			room = await this.#loadDocs(record, tag);
		} catch (err) {
			peering.leave();
			throw err;
		}
		peering.attach(room.docs);
		this.#peerings.set(record.roomId, peering);
		return room;
	}

	async #loadDocs(record: RoomRecord, tag: string): Promise<LoadedRoom> {
		const docs = {} as Record<DocName, SharedDoc>;
		for (const docName of DOC_NAMES) {
			const started = performance.now();
			const stored = await this.store.loadDoc({ roomId: record.roomId, docName });
			const shared = new SharedDoc(
				record.roomId,
				docName,
				tag,
				this.persister,
				(doc) => this.#compact(doc),
				this.options,
				this.log,
				this.metrics
			);
			shared.loadStored(stored.updates, stored.lastSeq, stored.logLength, stored.seqs);
			if (docName === 'board') this.#migrate(shared, tag);
			this.metrics.roomLoadSeconds.observe((performance.now() - started) / 1000);
			docs[docName] = shared;
			// A long log makes every load slow: fold it now rather than on the next update.
			if (stored.logLength >= shared.compactAt) void shared.compact();
		}
		this.log.debug('room loaded', { room: tag });
		return { record, tag, docs };
	}

	/**
	 * Brings a board up to this code's schema once, here, before any client sees it, and drops
	 * orphaned records; the changes are persisted like any update. A board written by newer
	 * code is refused rather than served to clients that would misread it.
	 */
	#migrate(shared: SharedDoc, tag: string): void {
		try {
			const { from, to } = migrateBoardDoc(shared.doc);
			if (from !== to) this.log.info('board migrated', { room: tag, from, to });
			// Links and votes whose note was deleted concurrently elsewhere are hidden by every
			// reader; here, with the whole committed document at hand, they are removed.
			const pruned = pruneOrphans(shared.doc);
			if (pruned.links + pruned.votes > 0) this.log.info('orphans pruned', { room: tag, ...pruned });
		} catch (err) {
			if (err instanceof DocumentTooNewError) {
				this.log.error('board written by a newer Threatboard; refusing to serve it', { room: tag, found: err.found });
				throw err;
			}
			if (!(err instanceof InvalidBoardDocumentError)) throw err;
			this.log.warn('board has no readable metadata; served unmigrated', { room: tag });
		}
	}

	async #compact(doc: SharedDoc): Promise<boolean> {
		// The store hands the fold what it holds (other instances may have written entries this
		// one has not seen); the doc takes those in and becomes the snapshot.
		const counted = doc.logLength;
		if (counted === 0) return true;
		try {
			await this.store.compact({ roomId: doc.roomId, docName: doc.docName }, (stored) => doc.foldStored(stored));
			doc.logLength = Math.max(0, doc.logLength - counted);
			return true;
		} catch (err) {
			this.metrics.storeFailures.inc();
			this.log.error('compaction failed; the log is kept', { room: doc.roomTag, error: errorMessage(err) });
			return false;
		}
	}

	async #evict(roomId: string, slot: RoomSlot): Promise<void> {
		slot.evicting = (async () => {
			const room = await slot.ready.catch(() => null);
			// Peers' later updates are in the store; this copy is going away.
			this.#peerings.get(roomId)?.leave();
			this.#peerings.delete(roomId);
			if (room) {
				await this.persister.drain();
				for (const doc of Object.values(room.docs)) {
					await doc.compact();
					doc.destroy();
				}
			}
			this.#slots.delete(roomId);
			this.metrics.roomsLoaded.set(this.#slots.size);
			this.log.debug('room evicted', { room: room?.tag });
		})();
		await slot.evicting;
	}

	/** Persists and releases every room; used at shutdown. */
	async closeAll(): Promise<void> {
		const slots = [...this.#slots.entries()];
		for (const [, slot] of slots) if (slot.evictTimer) clearTimeout(slot.evictTimer);
		await Promise.all(slots.map(([roomId, slot]) => slot.evicting ?? this.#evict(roomId, slot)));
	}
}
