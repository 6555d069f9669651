/**
 * Durable storage of rooms and of their Yjs documents, as a snapshot plus an append-only log
 * of updates. Implementations: SQLite (embedded default), PostgreSQL (scale-out).
 *
 * Contract: once appendUpdates resolves, the updates survive a crash of this process.
 */
import type { DocName } from '#shared/wire/protocol';
import type { SystemStore } from './system-store.ts';

export interface RoomRecord {
	roomId: string;
	title: string;
	/** SHA-256 (hex) of the facilitator key; the key itself is never stored. */
	facilitatorKeyHash: string;
	/** SHA-256 (hex) of the observer id, which is looked up by hash. */
	observerIdHash: string;
	createdAt: number;
}

export interface DocKey {
	roomId: string;
	docName: DocName;
}

/** A document as one string: the key of maps by document. */
export function docId(key: DocKey): string {
	return `${key.roomId}\u0000${key.docName}`;
}

export interface PendingUpdate extends DocKey {
	update: Uint8Array;
}

export interface StoredDoc {
	/** Snapshot first (if any), then log entries in commit order. */
	updates: Uint8Array[];
	/** Highest log sequence number included, 0 when the log is empty. */
	lastSeq: number;
	/** Number of log entries not yet folded into the snapshot. */
	logLength: number;
	/** Sequence number of each log entry (the last logLength of updates), in the same order. */
	seqs: number[];
	/**
	 * How many updates were ever appended to the document: those folded into the snapshot and
	 * those still in the log. It grows with every append and compaction leaves it alone, so it
	 * names the document's content (server/systems/model-figures.ts keys figures by it).
	 */
	version: number;
}

/** What compaction reads: the current snapshot (if any) and the log entries after it. */
export interface StoredLog {
	snapshot: Uint8Array | null;
	entries: Array<{ seq: number; update: Uint8Array }>;
}

/**
 * A frozen iteration of a room (issue 15): the room's export snapshot at one moment, compressed
 * by server/iterations. The store keeps `summary` and `data` opaque.
 */
export interface IterationRecord {
	roomId: string;
	createdAt: number;
	/** Display name of the facilitator who started the next iteration. */
	startedBy: string;
	/** What it holds, as JSON text (counts), so a list needs no decompression. */
	summary: string;
	data: Uint8Array;
}

export interface StoredIteration extends IterationRecord {
	/** 1, 2, ...: numbered per room in the order they were frozen. */
	number: number;
}

export type IterationListing = Omit<StoredIteration, 'data'> & { bytes: number };

export interface DocStore {
	readonly kind: string;
	/**
	 * How many appendUpdates calls the group committer may have running at once, each with
	 * documents no other running call has (so every document's updates still commit in order).
	 * 1 where a call completes before it returns (SQLite); more where it waits for a database
	 * that commits concurrent transactions together (PostgreSQL).
	 */
	readonly concurrentAppends: number;
	/** Creates a room and its initial documents atomically. */
	createRoom(room: RoomRecord, initialDocs: ReadonlyArray<DocKey & { snapshot: Uint8Array }>): Promise<void>;
	getRoom(roomId: string): Promise<RoomRecord | undefined>;
	getRoomByObserverHash(observerIdHash: string): Promise<RoomRecord | undefined>;
	/** How many rooms the store holds. */
	countRooms(): Promise<number>;
	/** Free bytes on the disk holding the store, where the store can tell (SQLite); else undefined. */
	freeDiskBytes(): Promise<number | undefined>;
	loadDoc(key: DocKey): Promise<StoredDoc>;
	/** Appends a batch in one transaction; returns the sequence number given to each update. */
	appendUpdates(batch: readonly PendingUpdate[]): Promise<number[]>;
	/**
	 * appendUpdates without the promise, where a store commits before it returns (SQLite): the
	 * group committer then settles each batch in the turn it starts. Throws where appendUpdates
	 * would reject. A wrapper that changes what appendUpdates does must change or drop this too.
	 */
	appendUpdatesNow?(batch: readonly PendingUpdate[]): number[];
	/**
	 * Folds the log into the snapshot, safely with several writers (instances sharing the
	 * store): reads the stored snapshot and log entries, asks fold for a snapshot covering them
	 * (fold may take its time, e.g. in a worker thread: appends go on meanwhile), stores it and
	 * deletes exactly the entries it read. Entries appended meanwhile stay. Concurrent
	 * compactions of one document are serialised. Resolves with the number of entries folded.
	 */
	compact(key: DocKey, fold: (stored: StoredLog) => Uint8Array | Promise<Uint8Array>): Promise<number>;
	/**
	 * Stores an iteration under the room's next number, atomically with several writers; resolves
	 * with that number, or undefined when the room already holds `maxPerRoom` iterations.
	 * Durable once resolved, like appendUpdates.
	 */
	addIteration(iteration: IterationRecord, maxPerRoom: number): Promise<number | undefined>;
	/** A room's iterations without their data, oldest first. */
	listIterations(roomId: string): Promise<IterationListing[]>;
	getIteration(roomId: string, number: number): Promise<StoredIteration | undefined>;
	/** Systems and their models (issue 15), in the same database. */
	readonly systems: SystemStore;
	/** Cheap liveness probe for /healthz. */
	ping(): Promise<void>;
	close(): Promise<void>;
}
