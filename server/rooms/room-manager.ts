/**
 * The room registry: rooms in memory, loaded from the store on first use (both documents,
 * completely, and their features' afterLoad hooks run, before any sync message is sent), shared
 * by concurrent users, and evicted when idle, only after everything they hold is persisted.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DOC_NAMES, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';
import type { Persister } from '../persistence/persister.ts';
import { noFanout, type Fanout } from '../scale-out/fanout.ts';
import { RoomPeering } from '../scale-out/room-peering.ts';
import { RoomHookRunner, type RoomHooks } from './hooks.ts';
import type { RoomDoc, RoomDocOptions } from './room-doc.ts';
import { Room } from './room.ts';
import { TaskSlots } from './task-slots.ts';

/**
 * Compactions that run at once in this process; the others wait their turn. Rooms that go idle
 * together (a bench run's 100 rooms, a day's workshops ending at the same hour) compact on
 * eviction, and all at once their reads and writes held up the PostgreSQL commits of the rooms
 * still in use: with 100 rooms evicted during edits-100x5-three-instances, the worst delivery of
 * that second took 444-480 ms; 37-93 ms with two compactions at a time, 39-42 ms with one. One
 * compaction takes a few ms (a 10,000-note fold 150 ms, in a worker), so one at a time keeps up
 * with any edit rate a process can take (one per ~1,000 updates per document).
 */
export const COMPACTIONS_AT_ONCE = 1;

/**
 * Time shutdown gives to compacting the rooms it writes out (closeAll). Compaction is not needed
 * for durability (the log already is) but makes the next load faster. The rest are dropped with
 * their log folded on a later load: at shutdown 2,000 documents took 632 ms to compact one after
 * another, so 10,000 rooms would take most of a container's 10 s stop grace period.
 */
export const SHUTDOWN_COMPACT_BUDGET_MS = 3_000;

interface RoomSlot {
	/** Resolves to the room once both documents are loaded. */
	ready: Promise<Room>;
	room: Room | null;
	users: number;
	evictTimer: NodeJS.Timeout | null;
	/** Set while the room is being written out and released. */
	evicting: Promise<void> | null;
}

export interface RoomManagerOptions extends RoomDocOptions {
	idleEvictMs: number;
}

export class RoomManager {
	#slots = new Map<string, RoomSlot>();
	/** Each loaded room's link to the other instances (inert without REDIS_URL). */
	#peerings = new Map<string, RoomPeering>();
	readonly #hooks: RoomHookRunner;
	readonly #compactions = new TaskSlots(COMPACTIONS_AT_ONCE);
	/** Compactions whose turn comes after this time (performance.now()) are skipped: set by closeAll. */
	#compactUntil = Infinity;

	constructor(
		private readonly store: DocStore,
		private readonly persister: Persister,
		private readonly options: RoomManagerOptions,
		private readonly log: Logger,
		private readonly metrics: Metrics,
		private readonly fanout: Fanout = noFanout,
		/** The features plugged into every room, in order (server/threatboard.ts composes them). */
		hooks: readonly RoomHooks[] = []
	) {
		this.#hooks = new RoomHookRunner(hooks, log);
	}

	get loadedCount(): number {
		return this.#slots.size;
	}

	isLoaded(roomId: string): boolean {
		return this.#slots.has(roomId);
	}

	/**
	 * Loaded and not being evicted: an acquire now takes the room as it is. A reader that could
	 * read the store instead (an export, a board's figures) asks this, so that it neither waits
	 * for the eviction nor loads the room again straight after it.
	 */
	isServing(roomId: string): boolean {
		const slot = this.#slots.get(roomId);
		return slot !== undefined && slot.evicting === null;
	}

	/**
	 * Takes a reference on a room, loading it if needed. Every acquire must be paired with a
	 * release; a room with no references is evicted after idleEvictMs.
	 */
	async acquire(record: RoomRecord): Promise<Room> {
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

	async #load(record: RoomRecord): Promise<Room> {
		const tag = roomTag(record.roomId);
		// Subscribed before reading the store, so no peer's update falls between the two.
		const readStored = (docName: DocName) => this.store.loadDoc({ roomId: record.roomId, docName });
		const peering = await RoomPeering.join(this.fanout, record.roomId, tag, readStored, this.log);
		let room: Room;
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

	async #loadDocs(record: RoomRecord, tag: string): Promise<Room> {
		const room = new Room(record, tag, {
			hooks: this.#hooks,
			persister: this.persister,
			compact: (doc) => this.#compact(doc),
			readStored: (docName) => this.store.loadDoc({ roomId: record.roomId, docName }),
			options: this.options,
			log: this.log,
			metrics: this.metrics
		});
		const logLengths = {} as Record<DocName, number>;
		try {
			for (const docName of DOC_NAMES) {
				const started = performance.now();
				const stored = await this.store.loadDoc({ roomId: record.roomId, docName });
				room.docs[docName].loadStored(stored.updates, stored.lastSeq, stored.logLength, stored.seqs);
				logLengths[docName] = stored.logLength;
				this.metrics.roomLoadSeconds.observe((performance.now() - started) / 1000);
			}
			// Features settle the loaded room (migrations, rules) before any client sees it.
			this.#hooks.afterLoad({ room });
		} catch (err) {
			for (const doc of Object.values(room.docs)) doc.destroy();
			throw err;
		}
		// A long log makes every load slow: fold it now rather than on the next update.
		for (const docName of DOC_NAMES) if (logLengths[docName] >= room.docs[docName].pipeline.compactAt) void room.docs[docName].compact();
		this.log.debug('room loaded', { room: tag });
		return room;
	}

	async #compact(doc: RoomDoc): Promise<boolean> {
		// The store hands the fold what it holds (other instances may have written entries this
		// one has not seen); the doc takes those in and becomes the snapshot.
		const { pipeline } = doc;
		if (pipeline.logLength === 0) return true;
		try {
			// Counted once its turn comes: commits made while it waited are folded too.
			const counted = await this.#compactions.run(async () => {
				// Each compaction in a turn of the event loop of its own. On SQLite a small one is
				// synchronous from end to end (about 0.3 ms), and rooms evicted together chained
				// theirs without letting anything else run: 400 rooms blocked the loop 128 ms.
				await nextTurn();
				if (performance.now() > this.#compactUntil) return null;
				const before = pipeline.logLength;
				if (before > 0) await this.store.compact({ roomId: doc.roomId, docName: doc.docName }, (stored) => doc.foldStored(stored));
				return before;
			});
			// Skipped at shutdown: not folded, and not a failure worth a log line.
			if (counted === null) return false;
			if (counted === 0) return true;
			this.metrics.compactions.inc();
			pipeline.logLength = Math.max(0, pipeline.logLength - counted);
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
				this.#hooks.beforeUnload({ room });
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

	/**
	 * Persists and releases every room; used at shutdown. Rooms are compacted for the first
	 * `compactBudgetMs`, the others keep their log (nothing is lost: it is stored).
	 */
	async closeAll(compactBudgetMs = SHUTDOWN_COMPACT_BUDGET_MS): Promise<void> {
		this.#compactUntil = performance.now() + compactBudgetMs;
		const slots = [...this.#slots.entries()];
		for (const [, slot] of slots) if (slot.evictTimer) clearTimeout(slot.evictTimer);
		await Promise.all(slots.map(([roomId, slot]) => slot.evicting ?? this.#evict(roomId, slot)));
	}
}
