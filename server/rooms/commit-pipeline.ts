/**
 * The commit-then-broadcast pipeline of one room document: every update a client makes is
 * applied, appended to the store (group commit, server/persistence/persister.ts) and only then
 * broadcast, so nobody ever receives an update the store might still lose. It also keeps the
 * document's size budget (MAX_DOC_BYTES), folds the update log into a snapshot (compaction), and
 * exchanges committed updates with the other instances serving the room (server/scale-out).
 */
import * as Y from 'yjs';
import { encodeSyncMessage } from '#shared/wire/messages';
import { SyncStep, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { StoredLog } from '../persistence/doc-store.ts';
import { sha1, sharedFoldRunner, type FoldRunner } from '../persistence/fold-runner.ts';
import type { Persister } from '../persistence/persister.ts';
import type { StoredState } from '../scale-out/room-peering.ts';
import { unstickTransactions } from './stuck-transaction.ts';
import type { Connection } from './connection.ts';
import { DocSizeBudget } from './doc-size.ts';

/** Origin of updates published by another instance: already stored, so applied and broadcast only. */
export const FROM_PEER = Symbol('from a peer instance');
/** Origin of updates read back from the store (resync, compaction): broadcast and shared with peers. */
export const FROM_STORE = Symbol('from the store');

/** Up to this share of COMPACT_AFTER_UPDATES is taken off each document's threshold. */
const COMPACT_SPREAD = 0.25;

/**
 * The log length at which one document compacts: the configured count, less up to a quarter,
 * drawn per document. Rooms loaded together and edited at the same pace otherwise all compact in
 * the same second: in the soak bench, 50 rooms did, every 3.7 minutes, and each such minute's
 * p99 was 3 to 7 times the others'.
 */
export function compactThreshold(configured: number, random = Math.random()): number {
	return Math.max(1, configured - Math.floor(configured * COMPACT_SPREAD * random));
}

export interface CommitPipelineOptions {
	compactAfterUpdates: number;
	/** MAX_DOC_BYTES: client updates that would grow the document past it are refused. */
	maxDocBytes?: number;
	/** Folds the log into snapshots (default: the process's worker-backed runner). */
	folder?: FoldRunner;
}

/** What the pipeline needs from the document around it. */
export interface CommitTarget {
	readonly roomId: string;
	readonly docName: DocName;
	readonly roomTag: string;
	readonly doc: Y.Doc;
	/** Everyone to broadcast committed updates to. */
	readonly conns: ReadonlySet<Connection>;
	/** Writes a snapshot and trims the log; resolves false when the store refused. */
	compactor(): Promise<boolean>;
	/** Runs after an update is committed (store origin and peers' updates excluded). */
	afterCommit(update: Uint8Array, origin: unknown): void;
}

interface QueuedBroadcast {
	update: Uint8Array;
	origin: unknown;
	/** Store log entries the update is (none when it was read back from the store). */
	seqs: number[];
}

const snapshotHash = sha1;

export class CommitPipeline {
	/** Highest store sequence number committed for this document. */
	lastSeq = 0;
	/** Log entries not yet folded into a snapshot. */
	logLength = 0;
	/** This document compacts once its log is this long (see compactThreshold). */
	readonly compactAt: number;
	/** Set by server/scale-out when other instances serve this room too. */
	publishToPeers: ((update: Uint8Array, seqs: readonly number[]) => void) | null = null;

	#uncommitted = 0;
	#broadcastQueue: QueuedBroadcast[] = [];
	#committedWaiters: Array<() => void> = [];
	#compacting: Promise<void> | null = null;
	readonly #size: DocSizeBudget;
	/** Hash of the stored snapshot this document is known to contain (see foldStored). */
	#knownSnapshot: string | null = null;
	/** Store log entries (by seq) this document is known to contain: loaded, committed here, or from peers. */
	#knownSeqs = new Set<number>();
	readonly #folder: FoldRunner;

	constructor(
		private readonly target: CommitTarget,
		/** Called with each committed update, in commit order (the fresh-joiner cache). */
		private readonly onCommitted: (update: Uint8Array) => void,
		private readonly persister: Persister,
		options: CommitPipelineOptions,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {
		this.compactAt = compactThreshold(options.compactAfterUpdates);
		this.#folder = options.folder ?? sharedFoldRunner();
		this.#size = new DocSizeBudget(options.maxDocBytes ?? Infinity, () => Y.encodeStateAsUpdate(target.doc).length);
		target.doc.on('update', this.#onDocUpdate);
	}

	/** How many store log entries this document knows it holds (for tests: it must not grow for good). */
	get knownEntries(): number {
		return this.#knownSeqs.size;
	}

	/** True when no applied update is waiting for the store. */
	get settled(): boolean {
		return this.#uncommitted === 0;
	}

	/** True if an update of this many bytes may be applied without passing MAX_DOC_BYTES. */
	allows(bytes: number): boolean {
		return this.#size.allows(bytes);
	}

	/** Applies stored state without persisting or broadcasting it again. */
	loadStored(updates: Uint8Array[], lastSeq: number, logLength: number, seqs: readonly number[] = []): void {
		const { doc } = this.target;
		doc.off('update', this.#onDocUpdate);
		try {
			if (updates.length > 0) Y.applyUpdate(doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
		} finally {
			doc.on('update', this.#onDocUpdate);
		}
		this.lastSeq = lastSeq;
		this.logLength = logLength;
		for (const update of updates) this.#size.grew(update.length);
		for (const seq of seqs) this.#knownSeqs.add(seq);
		if (updates.length > logLength) this.#knownSnapshot = snapshotHash(updates[0]);
	}

	/** Applies an update another instance has stored (as the given log entries) and published. */
	applyFromPeer(update: Uint8Array, seqs: readonly number[]): void {
		try {
			Y.applyUpdate(this.target.doc, update, FROM_PEER);
			for (const seq of seqs) this.#knownSeqs.add(seq);
		} catch (err) {
			const stuck = unstickTransactions(this.target.doc);
			this.log.warn('update from a peer instance rejected', { room: this.target.roomTag, error: errorMessage(err), stuck });
		}
	}

	/**
	 * Merges a document as stored that this instance may have missed parts of (a refresh before a
	 * read that must hold everything stored, a resync after the fan-out was down); new parts are
	 * broadcast. Only what this document does not hold is applied: the log entries it has not
	 * seen, and the snapshot when another instance has folded a new one. Applying the whole stored
	 * board again cost a 2,400-threat room 0.2 s of the event loop per refresh.
	 */
	applyStored(stored: StoredState): void {
		const { updates, logLength, seqs } = stored;
		const fresh: Uint8Array[] = [];
		let snapshot: string | undefined;
		if (updates.length > logLength) {
			snapshot = snapshotHash(updates[0]);
			if (snapshot !== this.#knownSnapshot) fresh.push(updates[0]);
		}
		const firstEntry = updates.length - logLength;
		for (let i = 0; i < logLength; i++) if (!this.#knownSeqs.has(seqs[i])) fresh.push(updates[firstEntry + i]);
		this.applyFromStore(fresh);
		if (snapshot !== undefined) this.#knownSnapshot = snapshot;
		for (const seq of seqs) this.#knownSeqs.add(seq);
	}

	/** Applies stored updates as a merge: what is new is broadcast, nothing is persisted again. */
	applyFromStore(updates: Uint8Array[]): void {
		if (updates.length === 0) return;
		Y.applyUpdate(this.target.doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), FROM_STORE);
	}

	/**
	 * Compaction's fold: takes in whatever the store holds that this document lacks (entries or a
	 * snapshot written by another instance), then folds the stored snapshot and entries into the
	 * new snapshot: in a worker thread when they are large (fold-runner.ts), so a 10,000-note
	 * document no longer stalls the event loop for 100+ ms. What the document already holds is
	 * not applied again: applying a large known snapshot costs as much as loading it.
	 */
	async foldStored(stored: StoredLog): Promise<Uint8Array> {
		this.applyFromStore(stored.entries.filter((e) => !this.#knownSeqs.has(e.seq)).map((e) => e.update));
		const estimateBefore = this.#size.estimate;
		const inputs = stored.entries.map((e) => e.update);
		if (stored.snapshot) inputs.unshift(stored.snapshot);
		// Both hashes are computed where the fold runs: SHA-1 of 2.4 MB is a few ms of the loop.
		const folded = await this.#folder.foldHashed(inputs);
		if (stored.snapshot && this.#knownSnapshot !== folded.firstSha1) this.applyFromStore([stored.snapshot]);
		this.#knownSnapshot = folded.sha1;
		// No longer in the log: what was folded now, and what another instance folded before (its
		// seqs, below the last one read, were never dropped here and grew with the room's life).
		// Dropping one too many only applies it again at a refresh, which changes nothing.
		let lastRead = 0;
		for (const entry of stored.entries) lastRead = Math.max(lastRead, entry.seq);
		for (const seq of this.#knownSeqs) if (seq <= lastRead) this.#knownSeqs.delete(seq);
		// The snapshot, plus what the document took in while the worker folded.
		this.#size.measured(folded.update.length + Math.max(0, this.#size.estimate - estimateBefore));
		return folded.update;
	}

	/** Runs fn once no applied update is still waiting for the store. */
	whenCommitted(fn: () => void): void {
		if (this.#uncommitted === 0) fn();
		else this.#committedWaiters.push(fn);
	}

	#onDocUpdate = (update: Uint8Array, origin: unknown): void => {
		this.#size.grew(update.length);
		if (origin === FROM_PEER || origin === FROM_STORE) {
			// Already in the store: committed state, to be broadcast like any commit.
			if (origin === FROM_PEER) this.logLength++;
			this.onCommitted(update);
			this.#queueBroadcast(update, origin, []);
			return;
		}
		this.#uncommitted++;
		this.metrics.updates.inc();
		this.metrics.updateBytes.inc(update.length);
		const { roomId, docName } = this.target;
		this.persister.enqueue({ roomId, docName, update }, (seq) => {
			this.#uncommitted--;
			this.lastSeq = seq;
			this.logLength++;
			this.#knownSeqs.add(seq);
			this.onCommitted(update);
			this.#queueBroadcast(update, origin, [seq]);
			this.target.afterCommit(update, origin);
			if (this.#uncommitted === 0 && this.#committedWaiters.length > 0) {
				const waiters = this.#committedWaiters;
				this.#committedWaiters = [];
				for (const fn of waiters) fn();
			}
			if (this.logLength >= this.compactAt) void this.compact();
		});
	};

	/**
	 * Folds the log into a snapshot; at most one compaction runs at a time. Commits that land
	 * while one runs are folded by a follow-up, unless the store just failed (no retry storm).
	 */
	compact(): Promise<void> {
		this.#compacting ??= this.target.compactor().then((folded) => {
			this.#compacting = null;
			if (folded && this.logLength >= this.compactAt) return this.compact();
		});
		return this.#compacting;
	}

	/**
	 * Broadcasts committed updates once the current commit batch has been handed over. A batch
	 * with one update goes to everyone but its sender; several are merged into one frame per
	 * recipient (senders included: Yjs ignores what it already has). Under load batches grow,
	 * so the number of frames stops growing with the number of updates.
	 */
	#queueBroadcast(update: Uint8Array, origin: unknown, seqs: number[]): void {
		this.#broadcastQueue.push({ update, origin, seqs });
		if (this.#broadcastQueue.length === 1) queueMicrotask(this.#flushBroadcast);
	}

	#flushBroadcast = (): void => {
		const queued = this.#broadcastQueue;
		this.#broadcastQueue = [];
		this.#publishUpdates(queued);
		if (queued.length === 1) {
			const message = encodeSyncMessage(SyncStep.Update, queued[0].update);
			for (const conn of this.target.conns) if (conn !== queued[0].origin) conn.send(message);
			return;
		}
		const message = encodeSyncMessage(SyncStep.Update, Y.mergeUpdates(queued.map((q) => q.update)));
		for (const conn of this.target.conns) conn.send(message);
	};

	/** Shares committed updates with peers, except those that came from them. */
	#publishUpdates(queued: readonly QueuedBroadcast[]): void {
		if (!this.publishToPeers) return;
		const own = queued.filter((q) => q.origin !== FROM_PEER);
		if (own.length === 0) return;
		const update = own.length === 1 ? own[0].update : Y.mergeUpdates(own.map((q) => q.update));
		this.publishToPeers(update, own.flatMap((q) => q.seqs));
	}

	destroy(): void {
		this.target.doc.off('update', this.#onDocUpdate);
	}
}
