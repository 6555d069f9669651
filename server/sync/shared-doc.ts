/**
 * One live Yjs document on the server and the connections editing it.
 *
 * - Updates are applied, appended to the store (group commit), and only then broadcast.
 * - Replies to sync step 1 contain only committed state, and the full-state reply for a fresh
 *   joiner is encoded once per document version and shared by concurrent joiners.
 * - Awareness is owned per connection and fanned out coalesced: one merged message per room
 *   per window, the window growing with the room so cursor traffic stays bounded.
 * - With peers (other instances, server/scale-out), committed updates and owned awareness are
 *   also published to them; what they publish is applied and broadcast here, never stored again.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import {
	encodeAwarenessMessage,
	encodePermissionDenied,
	encodeSyncMessage,
	type AwarenessWireEntry
} from '#shared/wire/messages';
import { CloseCode, MessageType, READ_ONLY_REASON, SyncStep, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Persister } from '../persistence/persister.ts';
import type { StoredLog } from '../persistence/doc-store.ts';
import type { Connection } from './connection.ts';
import { DocSizeBudget } from './doc-size.ts';

export interface SharedDocOptions {
	maxAwarenessBytes: number;
	awarenessFlushMaxMs: number;
	compactAfterUpdates: number;
	/** MAX_DOC_BYTES: client updates that would grow the document past it are refused. */
	maxDocBytes?: number;
}

/** Where this document's committed updates and owned awareness go to other instances. */
export interface DocPeers {
	/** seqs: the store's sequence numbers of the log entries the update is made of. */
	publishUpdate(update: Uint8Array, seqs: readonly number[]): void;
	/** An awareness frame (as sent to clients) with entries owned by this instance's connections. */
	publishAwareness(frame: Uint8Array): void;
}

/** Origin of updates published by another instance: already stored, so applied and broadcast only. */
export const FROM_PEER = Symbol('from a peer instance');
/** Origin of updates read back from the store (resync, compaction): broadcast and shared with peers. */
export const FROM_STORE = Symbol('from the store');
/** Owner of awareness entries announced by another instance's connections. */
const PEER = 'peer';
/** A peer's awareness entry not renewed for this long is removed (clients renew every 15 s). */
const PEER_AWARENESS_TIMEOUT_MS = 30_000;

/**
 * Updates waiting for a failing store before writers are turned away (4503). Their clients
 * keep the edits and resend them when they reconnect, so refusing loses nothing.
 */
const MAX_UNCOMMITTED_WHILE_FAILING = 10_000;
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

/** Committed updates kept after the joiner snapshot before it is rebuilt (also capped at 1/4 of its size). */
const MAX_TAIL_UPDATES = 256;
/** A connection normally claims one awareness client id; a few allow for a recreated Y.Doc. */
const MAX_AWARENESS_IDS_PER_CONNECTION = 4;
/** Coalescing window per connected client, in ms (50 clients: 10 ms; 200 clients: 40 ms). */
const AWARENESS_WINDOW_MS_PER_CLIENT = 0.2;
/**
 * Floor of the window: at most 200 flushes per second per room. Stock y-websocket clients
 * answer every awareness message with an echo, so the flush rate is also their send rate,
 * and it must stay well inside MAX_MESSAGES_PER_SECOND however fast one client floods.
 */
const AWARENESS_WINDOW_MIN_MS = 5;

interface AwarenessEntry {
	clock: number;
	/** JSON text of the state, or null once the client has left. */
	state: string | null;
	owner: Connection | typeof PEER;
	/** performance.now() of the last change or renewal; used for peers' entries. */
	seenAt: number;
}

interface QueuedBroadcast {
	update: Uint8Array;
	origin: unknown;
	/** Store log entries the update is (none when it was read back from the store). */
	seqs: number[];
}

/** A peer's entry that is gone or was not renewed in time; a local connection may claim its id. */
function isLapsedPeerEntry(entry: AwarenessEntry): boolean {
	return entry.owner === PEER && (entry.state === null || performance.now() - entry.seenAt > PEER_AWARENESS_TIMEOUT_MS);
}

const snapshotHash = (data: Uint8Array) => createHash('sha1').update(data).digest('hex');

/** Thrown for frames that do not parse or break the protocol; closes only that connection. */
export class ProtocolError extends Error {
	constructor(
		readonly code: CloseCode,
		message: string
	) {
		super(message);
	}
}

/** A state vector with no clients: one zero byte, sent by a joiner that has nothing yet. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
	return stateVector.length === 1 && stateVector[0] === 0;
}

function isEmptyUpdate(update: Uint8Array): boolean {
	// An update with no structs and an empty delete set: y-websocket sends one as its sync
	// step 2 whenever it has nothing the server lacks.
	return update.length === 2 && update[0] === 0 && update[1] === 0;
}

export class SharedDoc {
	readonly doc = new Y.Doc();
	readonly conns = new Set<Connection>();
	/** Highest store sequence number committed for this document. */
	lastSeq = 0;
	/** Log entries not yet folded into a snapshot. */
	logLength = 0;
	/** This document compacts once its log is this long (see compactThreshold). */
	readonly compactAt: number;

	#uncommitted = 0;
	#broadcastQueue: QueuedBroadcast[] = [];
	#committedWaiters: Array<() => void> = [];
	/**
	 * Late-joiner cache: a step-2 message with the whole committed state at some moment, plus
	 * the updates committed since (the tail). Snapshot + merged tail = the current committed
	 * state, so edits do not force re-encoding the whole document for the next joiner.
	 */
	#snapshotMessage: Uint8Array | null = null;
	#tail: Uint8Array[] = [];
	#tailBytes = 0;
	#tailMessage: Uint8Array | null = null;
	#compacting: Promise<void> | null = null;

	#awareness = new Map<number, AwarenessEntry>();
	#awarenessDirty = new Set<number>();
	#awarenessTimer: NodeJS.Timeout | null = null;
	#peerSweep: NodeJS.Timeout | null = null;
	#size: DocSizeBudget;
	/** Hash of the stored snapshot this document is known to contain (see foldStored). */
	#knownSnapshot: string | null = null;
	/** Store log entries (by seq) this document is known to contain: loaded, committed here, or from peers. */
	#knownSeqs = new Set<number>();
	/** Set by server/scale-out when other instances serve this room too. */
	peers: DocPeers | null = null;

	constructor(
		readonly roomId: string,
		readonly docName: DocName,
		readonly roomTag: string,
		private readonly persister: Persister,
		/** Writes a snapshot and trims the log; resolves false when the store refused. */
		private readonly compactor: (doc: SharedDoc) => Promise<boolean>,
		private readonly options: SharedDocOptions,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {
		this.compactAt = compactThreshold(options.compactAfterUpdates);
		this.#size = new DocSizeBudget(options.maxDocBytes ?? Infinity, () => Y.encodeStateAsUpdate(this.doc).length);
		this.doc.on('update', this.#onDocUpdate);
	}

	/** Applies stored state without persisting or broadcasting it again. */
	loadStored(updates: Uint8Array[], lastSeq: number, logLength: number, seqs: readonly number[] = []): void {
		this.doc.off('update', this.#onDocUpdate);
		try {
			if (updates.length > 0) Y.applyUpdate(this.doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
		} finally {
			this.doc.on('update', this.#onDocUpdate);
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
			Y.applyUpdate(this.doc, update, FROM_PEER);
			for (const seq of seqs) this.#knownSeqs.add(seq);
		} catch (err) {
			this.log.warn('update from a peer instance rejected', { room: this.roomTag, error: errorMessage(err) });
		}
	}

	/** Merges stored state this instance may have missed (a resync); new parts are broadcast. */
	applyFromStore(updates: Uint8Array[]): void {
		if (updates.length === 0) return;
		Y.applyUpdate(this.doc, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), FROM_STORE);
	}

	/**
	 * Compaction's fold: takes in whatever the store holds that this document lacks (entries or a
	 * snapshot written by another instance), then returns the whole document as the new snapshot.
	 * What it already holds is skipped: applying a large known snapshot costs as much as loading it.
	 */
	foldStored(stored: StoredLog): Uint8Array {
		const missing = stored.entries.filter((e) => !this.#knownSeqs.has(e.seq)).map((e) => e.update);
		if (stored.snapshot && this.#knownSnapshot !== snapshotHash(stored.snapshot)) missing.unshift(stored.snapshot);
		this.applyFromStore(missing);
		const snapshot = Y.encodeStateAsUpdate(this.doc);
		this.#knownSnapshot = snapshotHash(snapshot);
		for (const entry of stored.entries) this.#knownSeqs.delete(entry.seq); // no longer in the log
		this.#size.measured(snapshot.length);
		return snapshot;
	}

	/** An extra rule for client writes, e.g. the board lock (server/facilitation/lock.ts). */
	writeGate: ((conn: Connection) => boolean) | null = null;

	/** True when this doc may accept client writes from this connection. */
	canWrite(conn: Connection): boolean {
		if (this.docName === 'control') return false; // written only by the server
		return conn.role !== 'observer' && (this.writeGate?.(conn) ?? true);
	}

	addConnection(conn: Connection): void {
		this.conns.add(conn);
		// Our state vector, so the client sends what we lack (its offline edits).
		conn.send(encodeSyncMessage(SyncStep.Step1, Y.encodeStateVector(this.doc)));
		const presence = this.#encodeAwareness(this.#awareness.keys(), true);
		if (presence) conn.send(presence);
	}

	removeConnection(conn: Connection): void {
		if (!this.conns.delete(conn)) return;
		// Everyone else learns at once that this connection's people left.
		for (const clientId of conn.awarenessClientIds) {
			const entry = this.#awareness.get(clientId);
			if (!entry) continue;
			if (entry.state === null) {
				// Already announced as gone: forget it now, unless that announcement is still
				// waiting in the coalescing window (the flush forgets it after sending).
				if (!this.#awarenessDirty.has(clientId)) this.#awareness.delete(clientId);
				continue;
			}
			// Same clock, as y-protocols does for remote clients: receivers accept a removal at an
			// equal clock, and the client can come back by announcing itself at clock + 1.
			entry.state = null;
			this.#markAwarenessDirty(clientId);
		}
	}

	/** Handles one frame from a client; throws ProtocolError for a bad one. */
	handleMessage(conn: Connection, message: Uint8Array): void {
		const decoder = decoding.createDecoder(message);
		let type: number;
		try {
			type = decoding.readVarUint(decoder);
		} catch {
			throw new ProtocolError(CloseCode.MalformedMessage, 'unreadable message type');
		}
		switch (type) {
			case MessageType.Sync:
				this.#handleSync(conn, decoder);
				return;
			case MessageType.Awareness:
				this.#handleAwareness(conn, decoder);
				return;
			case MessageType.QueryAwareness: {
				const presence = this.#encodeAwareness(this.#awareness.keys(), true);
				if (presence) conn.send(presence);
				return;
			}
			default:
				throw new ProtocolError(CloseCode.MalformedMessage, `unknown message type ${type}`);
		}
	}

	#handleSync(conn: Connection, decoder: decoding.Decoder): void {
		let step: number;
		let payload: Uint8Array;
		try {
			step = decoding.readVarUint(decoder);
			payload = decoding.readVarUint8Array(decoder);
		} catch {
			throw new ProtocolError(CloseCode.MalformedMessage, 'truncated sync message');
		}
		if (step === SyncStep.Step1) {
			// A fresh joiner with a cached snapshot is answered at once: the snapshot and its
			// tail hold committed updates only. Anything else waits for in-flight commits, so
			// a reply never contains an update the store might still lose.
			if (this.#snapshotMessage && isEmptyStateVector(payload)) this.#replyToStep1(conn, payload);
			else this.#whenCommitted(() => this.#replyToStep1(conn, payload));
			return;
		}
		if (step !== SyncStep.Step2 && step !== SyncStep.Update) {
			throw new ProtocolError(CloseCode.MalformedMessage, `unknown sync step ${step}`);
		}
		if (isEmptyUpdate(payload)) return;
		if (!this.canWrite(conn)) {
			this.metrics.writesDropped.inc();
			if (!conn.toldReadOnly) {
				conn.toldReadOnly = true;
				conn.send(encodePermissionDenied(READ_ONLY_REASON));
			}
			return;
		}
		if (!this.persister.healthy && this.persister.queuedCount >= MAX_UNCOMMITTED_WHILE_FAILING) {
			throw new ProtocolError(CloseCode.StorageUnavailable, 'storage unavailable');
		}
		if (!this.#size.allows(payload.length)) {
			this.metrics.writesDropped.inc();
			throw new ProtocolError(CloseCode.DocumentTooLarge, 'document size limit reached');
		}
		// Parse fully before integrating, so a corrupt update cannot half-apply.
		try {
			Y.decodeUpdate(payload);
		} catch {
			throw new ProtocolError(CloseCode.MalformedMessage, 'undecodable update');
		}
		try {
			Y.applyUpdate(this.doc, payload, conn);
		} catch (err) {
			throw new ProtocolError(CloseCode.MalformedMessage, `update rejected: ${errorMessage(err)}`);
		}
	}

	#replyToStep1(conn: Connection, stateVector: Uint8Array): void {
		if (conn.closed) return;
		if (isEmptyStateVector(stateVector)) {
			this.#sendFullState(conn);
			return;
		}
		let diff: Uint8Array;
		try {
			diff = Y.encodeStateAsUpdate(this.doc, stateVector);
		} catch {
			conn.close(CloseCode.MalformedMessage, 'undecodable state vector');
			return;
		}
		conn.send(encodeSyncMessage(SyncStep.Step2, diff));
	}

	/**
	 * The merged tail, if any, then the snapshot (encoded once, shared by every fresh joiner).
	 * The tail goes first: the joiner holds it as pending until the snapshot supplies what it
	 * builds on, so when the Step 2 marks the client synced, it already has every commit. Sent
	 * the other way round, a client reading its doc on "synced" would miss the tail.
	 */
	#sendFullState(conn: Connection): void {
		if (!this.#snapshotMessage) {
			// Only reached with no uncommitted updates, so the doc holds committed state only.
			this.#snapshotMessage = encodeSyncMessage(SyncStep.Step2, Y.encodeStateAsUpdate(this.doc));
			this.#tail = [];
			this.#tailBytes = 0;
			this.#tailMessage = null;
		}
		if (this.#tail.length > 0) {
			this.#tailMessage ??= encodeSyncMessage(
				SyncStep.Update,
				this.#tail.length === 1 ? this.#tail[0] : Y.mergeUpdates(this.#tail)
			);
			conn.send(this.#tailMessage);
		}
		conn.send(this.#snapshotMessage);
	}

	/** Extends the joiner cache with a committed update, or drops it once the tail is long. */
	#appendToTail(update: Uint8Array): void {
		if (!this.#snapshotMessage) return;
		this.#tail.push(update);
		this.#tailBytes += update.length;
		this.#tailMessage = null;
		if (this.#tail.length > MAX_TAIL_UPDATES || this.#tailBytes > this.#snapshotMessage.length / 4) {
			this.#snapshotMessage = null; // rebuilt by the next fresh joiner
			this.#tail = [];
			this.#tailBytes = 0;
		}
	}

	/** Runs fn once no applied update is still waiting for the store. */
	#whenCommitted(fn: () => void): void {
		if (this.#uncommitted === 0) fn();
		else this.#committedWaiters.push(fn);
	}

	#onDocUpdate = (update: Uint8Array, origin: unknown): void => {
		this.#size.grew(update.length);
		if (origin === FROM_PEER || origin === FROM_STORE) {
			// Already in the store: committed state, to be broadcast like any commit.
			if (origin === FROM_PEER) this.logLength++;
			this.#appendToTail(update);
			this.#queueBroadcast(update, origin, []);
			return;
		}
		this.#uncommitted++;
		this.metrics.updates.inc();
		this.metrics.updateBytes.inc(update.length);
		this.persister.enqueue({ roomId: this.roomId, docName: this.docName, update }, (seq) => {
			this.#uncommitted--;
			this.lastSeq = seq;
			this.logLength++;
			this.#knownSeqs.add(seq);
			this.#appendToTail(update);
			this.#queueBroadcast(update, origin, [seq]);
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
		this.#compacting ??= this.compactor(this).then((folded) => {
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
			for (const conn of this.conns) if (conn !== queued[0].origin) conn.send(message);
			return;
		}
		const message = encodeSyncMessage(SyncStep.Update, Y.mergeUpdates(queued.map((q) => q.update)));
		for (const conn of this.conns) conn.send(message);
	};

	/** Shares committed updates with peers, except those that came from them. */
	#publishUpdates(queued: readonly QueuedBroadcast[]): void {
		if (!this.peers) return;
		const own = queued.filter((q) => q.origin !== FROM_PEER);
		if (own.length === 0) return;
		const update = own.length === 1 ? own[0].update : Y.mergeUpdates(own.map((q) => q.update));
		this.peers.publishUpdate(update, own.flatMap((q) => q.seqs));
	}

	// --- awareness -------------------------------------------------------------------------

	#handleAwareness(conn: Connection, decoder: decoding.Decoder): void {
		// y-websocket clients re-send every awareness change they receive, other people's
		// included, so foreign entries are normal: they are skipped without decoding their
		// JSON. All entries are checked before any is applied, so a bad frame changes nothing.
		const accepted: Array<{ clientId: number; clock: number; state: string | null }> = [];
		try {
			const update = decoding.readVarUint8Array(decoder);
			const inner = decoding.createDecoder(update);
			const count = decoding.readVarUint(inner);
			for (let i = 0; i < count; i++) {
				const clientId = decoding.readVarUint(inner);
				const clock = decoding.readVarUint(inner);
				const existing = this.#awareness.get(clientId);
				if (existing && existing.owner !== conn && !isLapsedPeerEntry(existing)) {
					const length = decoding.readVarUint(inner);
					if (inner.pos + length > inner.arr.length) throw new RangeError('truncated');
					inner.pos += length;
					continue;
				}
				const json = decoding.readVarString(inner);
				if (json.length > this.options.maxAwarenessBytes) {
					throw new ProtocolError(CloseCode.AwarenessTooLarge, `awareness state of ${json.length} bytes`);
				}
				const parsed: unknown = JSON.parse(json);
				if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
					throw new ProtocolError(CloseCode.MalformedMessage, 'awareness state is not an object');
				}
				// A removal of an id this connection does not hold is an echo of someone's departure
				// (stock y-websocket clients re-send what they receive), not a claim on the id.
				if (parsed === null && existing?.owner !== conn) continue;
				accepted.push({ clientId, clock, state: parsed === null ? null : json });
			}
		} catch (err) {
			if (err instanceof ProtocolError) throw err;
			throw new ProtocolError(CloseCode.MalformedMessage, 'malformed awareness update');
		}

		for (const { clientId, clock, state } of accepted) {
			const existing = this.#awareness.get(clientId);
			// New, or a peer's entry that lapsed (e.g. this client moved here from a dead instance).
			if (!existing || existing.owner !== conn) {
				if (conn.awarenessClientIds.size >= MAX_AWARENESS_IDS_PER_CONNECTION) {
					throw new ProtocolError(CloseCode.AwarenessTooLarge, 'too many awareness client ids');
				}
				conn.awarenessClientIds.add(clientId);
				this.#awareness.set(clientId, { clock, state, owner: conn, seenAt: performance.now() });
				this.#markAwarenessDirty(clientId);
				continue;
			}
			// Same rule as y-protocols: newer clock wins; a removal wins at an equal clock.
			if (clock > existing.clock || (clock === existing.clock && state === null && existing.state !== null)) {
				existing.clock = clock;
				existing.state = state;
				this.#markAwarenessDirty(clientId);
			}
		}
	}

	#markAwarenessDirty(clientId: number): void {
		this.#awarenessDirty.add(clientId);
		if (this.#awarenessTimer) return;
		const windowMs = Math.min(
			this.options.awarenessFlushMaxMs,
			Math.max(AWARENESS_WINDOW_MIN_MS, this.conns.size * AWARENESS_WINDOW_MS_PER_CLIENT)
		);
		this.#awarenessTimer = setTimeout(this.#flushAwareness, windowMs);
	}

	#flushAwareness = (): void => {
		this.#awarenessTimer = null;
		const dirty = this.#awarenessDirty;
		this.#awarenessDirty = new Set();
		const message = this.#encodeAwareness(dirty.keys(), false);
		if (this.peers) {
			const own = [...dirty].filter((clientId) => this.#awareness.get(clientId)?.owner !== PEER);
			const frame = this.#encodeAwareness(own, false);
			if (frame) this.peers.publishAwareness(frame);
		}
		// Forget people who left once everyone has been told.
		for (const clientId of dirty) {
			const entry = this.#awareness.get(clientId);
			if (entry && entry.state === null && (entry.owner === PEER || entry.owner.closed)) {
				this.#awareness.delete(clientId);
				if (entry.owner !== PEER) entry.owner.awarenessClientIds.delete(clientId);
			}
		}
		if (!message) return;
		this.metrics.awarenessFlushes.inc();
		for (const conn of this.conns) conn.send(message);
	};

	/**
	 * Applies awareness another instance published for its connections. Entries held by a
	 * connection here are left alone; peers' entries follow the y-protocols clock rule.
	 */
	applyPeerAwareness(frame: Uint8Array): void {
		const now = performance.now();
		try {
			const decoder = decoding.createDecoder(frame);
			if (decoding.readVarUint(decoder) !== MessageType.Awareness) return;
			const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
			const count = decoding.readVarUint(inner);
			for (let i = 0; i < count; i++) {
				const clientId = decoding.readVarUint(inner);
				const clock = decoding.readVarUint(inner);
				const json = decoding.readVarString(inner);
				const state = json === 'null' ? null : json;
				const existing = this.#awareness.get(clientId);
				if (json.length > this.options.maxAwarenessBytes || (existing && existing.owner !== PEER)) continue;
				if (!existing || clock > existing.clock || (clock === existing.clock && state === null && existing.state !== null)) {
					this.#awareness.set(clientId, { clock, state, owner: PEER, seenAt: now });
					this.#markAwarenessDirty(clientId);
				} else if (clock === existing.clock) existing.seenAt = now;
			}
		} catch (err) {
			this.log.warn('awareness from a peer instance rejected', { room: this.roomTag, error: errorMessage(err) });
		}
		this.#peerSweep ??= setInterval(this.#sweepPeerAwareness, PEER_AWARENESS_TIMEOUT_MS / 3).unref();
	}

	/** Sends peers every present entry owned here (after a reconnect, they may have dropped them). */
	republishAwareness(): void {
		const own = [...this.#awareness].filter(([, e]) => e.owner !== PEER && e.state !== null).map(([id]) => id);
		const frame = this.#encodeAwareness(own, false);
		if (frame && this.peers) this.peers.publishAwareness(frame);
	}

	/** Removes peers' entries that were not renewed: their instance may be gone. */
	#sweepPeerAwareness = (): void => {
		let peers = 0;
		for (const [clientId, entry] of this.#awareness) {
			if (entry.owner !== PEER) continue;
			peers++;
			if (entry.state !== null && isLapsedPeerEntry(entry)) {
				entry.state = null;
				this.#markAwarenessDirty(clientId);
			}
		}
		if (peers === 0 && this.#peerSweep) {
			clearInterval(this.#peerSweep);
			this.#peerSweep = null;
		}
	};

	/** One awareness message for the given client ids; with onlyPresent, skips departed ones. */
	#encodeAwareness(clientIds: Iterable<number>, onlyPresent: boolean): Uint8Array | null {
		const chosen: AwarenessWireEntry[] = [];
		for (const clientId of clientIds) {
			const entry = this.#awareness.get(clientId);
			if (entry && (!onlyPresent || entry.state !== null)) {
				chosen.push({ clientId, clock: entry.clock, json: entry.state ?? 'null' });
			}
		}
		return chosen.length === 0 ? null : encodeAwarenessMessage(chosen);
	}

	destroy(): void {
		if (this.#peerSweep) clearInterval(this.#peerSweep);
		if (this.#awarenessTimer) clearTimeout(this.#awarenessTimer);
		this.#awarenessTimer = null;
		this.doc.off('update', this.#onDocUpdate);
		this.doc.destroy();
	}
}
