/**
 * One live Yjs document of a room on the server, and the connections editing it: the y-websocket
 * protocol's sync and awareness messages, dispatched to its three parts:
 * - the commit-then-broadcast pipeline (commit-pipeline.ts): updates are applied, stored, then
 *   broadcast; replies to sync step 1 contain committed state only;
 * - the fresh-joiner cache (joiner-cache.ts): the whole state encoded once per document version;
 * - server-owned presence (presence.ts).
 * Who may write is decided by the room (its role rules and its features' canWrite hooks).
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { encodePermissionDenied, encodeSyncMessage } from '#shared/wire/messages';
import { CloseCode, MessageType, READ_ONLY_REASON, SyncStep, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { StoredLog } from '../persistence/doc-store.ts';
import { sharedFoldRunner } from '../persistence/fold-runner.ts';
import type { Persister } from '../persistence/persister.ts';
import type { DocPeers, PeeredDoc, StoredState } from '../scale-out/room-peering.ts';
import { CommitPipeline, type CommitPipelineOptions } from './commit-pipeline.ts';
import type { Connection } from './connection.ts';
import type { WriteRefusal } from './hooks.ts';
import { JoinerCache } from './joiner-cache.ts';
import { Presence, type PresenceOptions } from './presence.ts';
import { ProtocolError } from './protocol-error.ts';
import { unstickTransactions } from './stuck-transaction.ts';
import { scanUpdate, type UpdateSummary } from './update-scan.ts';

export type RoomDocOptions = CommitPipelineOptions & PresenceOptions;

/**
 * Updates waiting for a failing store before writers are turned away (4503). Their clients
 * keep the edits and resend them when they reconnect, so refusing loses nothing.
 */
const MAX_UNCOMMITTED_WHILE_FAILING = 10_000;

/** Gapped updates in a row a connection may send before it is closed (each is dropped). */
const MAX_GAPPED_UPDATES = 256;
/** A client sending gapped updates is asked for what it lacks on the first and every 16th. */
const ASK_AGAIN_EVERY = 16;

/** What the room decides for its documents. */
export interface RoomDocPolicy {
	/** A refusal when this connection may not write now (checked before the update is decoded). */
	checkWrite(doc: RoomDoc, conn: Connection, update: Uint8Array): WriteRefusal | undefined;
	/** A refusal when the decoded update breaks a content rule. */
	checkUpdate(doc: RoomDoc, conn: Connection, update: Uint8Array, summary: UpdateSummary): WriteRefusal | undefined;
	afterCommit(doc: RoomDoc, update: Uint8Array, origin: unknown): void;
	/** Writes a snapshot and trims the log; resolves false when the store refused. */
	compact(doc: RoomDoc): Promise<boolean>;
}

/** A read that needs every applied update committed gave up waiting (the store failing, or edits never pausing). */
export class NotSettledError extends Error {}

/** The update a sync message of ours carries (message type, step, then the update). */
function syncPayload(frame: Uint8Array): Uint8Array {
	const decoder = decoding.createDecoder(frame);
	decoding.readVarUint(decoder);
	decoding.readVarUint(decoder);
	return decoding.readVarUint8Array(decoder);
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

export class RoomDoc implements PeeredDoc {
	/** Named rather than given a random guid (see foldInline); no sub-documents ever use it. */
	readonly doc: Y.Doc;
	readonly conns = new Set<Connection>();
	readonly pipeline: CommitPipeline;
	readonly presence: Presence;
	readonly #joiners: JoinerCache;

	constructor(
		readonly roomId: string,
		readonly docName: DocName,
		readonly roomTag: string,
		private readonly policy: RoomDocPolicy,
		private readonly persister: Persister,
		options: RoomDocOptions,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {
		this.doc = new Y.Doc({ guid: `${roomId}/${docName}` });
		this.#joiners = new JoinerCache(() => Y.encodeStateAsUpdate(this.doc), options.folder ?? sharedFoldRunner());
		this.pipeline = new CommitPipeline(
			{
				roomId,
				docName,
				roomTag,
				doc: this.doc,
				conns: this.conns,
				compactor: () => policy.compact(this),
				afterCommit: (update, origin) => policy.afterCommit(this, update, origin)
			},
			(update) => this.#joiners.committed(update),
			persister,
			options,
			log,
			metrics
		);
		this.presence = new Presence(this.conns, options, roomTag, log, metrics);
	}

	// --- state from the store and from peers (see server/scale-out/room-peering.ts) ----------

	/** Applies stored state without persisting or broadcasting it again. */
	loadStored(updates: Uint8Array[], lastSeq: number, logLength: number, seqs: readonly number[] = []): void {
		this.pipeline.loadStored(updates, lastSeq, logLength, seqs);
		// The stored snapshot and log are committed state already encoded: the first joiner of a
		// large board need not wait for the whole document to be encoded again.
		if (updates.length > logLength) this.#joiners.seed(updates[0], updates.slice(1));
	}

	applyFromPeer(update: Uint8Array, seqs: readonly number[]): void {
		this.pipeline.applyFromPeer(update, seqs);
	}

	applyFromStore(stored: StoredState): void {
		this.pipeline.applyStored(stored);
	}

	foldStored(stored: StoredLog): Promise<Uint8Array> {
		return this.pipeline.foldStored(stored);
	}

	applyPeerAwareness(frame: Uint8Array): void {
		this.presence.applyFromPeer(frame);
	}

	republishAwareness(): void {
		this.presence.republish();
	}

	connectPeers(peers: DocPeers): void {
		this.pipeline.publishToPeers = (update, seqs) => peers.publishUpdate(update, seqs);
		this.presence.publishToPeers = (frame) => peers.publishAwareness(frame);
	}

	compact(): Promise<void> {
		return this.pipeline.compact();
	}

	// --- connections --------------------------------------------------------------------------

	addConnection(conn: Connection): void {
		this.conns.add(conn);
		// Our state vector, so the client sends what we lack (its offline edits).
		conn.send(encodeSyncMessage(SyncStep.Step1, Y.encodeStateVector(this.doc)));
		const present = this.presence.encodePresent();
		if (present) conn.send(present);
	}

	/** False when the connection was not here. */
	removeConnection(conn: Connection): boolean {
		if (!this.conns.delete(conn)) return false;
		this.presence.release(conn);
		return true;
	}

	/** Asks a client for what this document lacks (sync step 1), e.g. after refusing its writes. */
	askForMissing(conn: Connection): void {
		conn.send(encodeSyncMessage(SyncStep.Step1, Y.encodeStateVector(this.doc)));
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
				this.presence.handleUpdate(conn, decoder);
				return;
			case MessageType.QueryAwareness: {
				const present = this.presence.encodePresent();
				if (present) conn.send(present);
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
			if (this.#joiners.ready && isEmptyStateVector(payload)) this.#replyToStep1(conn, payload);
			else this.pipeline.whenCommitted(() => this.#replyToStep1(conn, payload));
			return;
		}
		if (step !== SyncStep.Step2 && step !== SyncStep.Update) {
			throw new ProtocolError(CloseCode.MalformedMessage, `unknown sync step ${step}`);
		}
		if (isEmptyUpdate(payload)) return;
		this.#applyClientUpdate(conn, payload);
	}

	#applyClientUpdate(conn: Connection, update: Uint8Array): void {
		// Who may write is checked first: a refused write costs nothing more.
		if (this.#refused(conn, this.policy.checkWrite(this, conn, update))) return;
		if (!this.persister.healthy && this.persister.queuedCount >= MAX_UNCOMMITTED_WHILE_FAILING) {
			throw new ProtocolError(CloseCode.StorageUnavailable, 'storage unavailable');
		}
		if (!this.pipeline.allows(update.length)) {
			this.metrics.writesDropped.inc();
			throw new ProtocolError(CloseCode.DocumentTooLarge, 'document size limit reached');
		}
		// Parsed fully and checked before integrating: a corrupt or hostile update never half-applies.
		const scan = scanUpdate(this.doc, update);
		if (!scan.ok) {
			this.metrics.writesDropped.inc();
			if (scan.gap) return this.#gapped(conn);
			throw new ProtocolError(scan.reason === 'undecodable update' ? CloseCode.MalformedMessage : CloseCode.UpdateRefused, scan.reason);
		}
		conn.gappedUpdates = 0;
		// What is checked is what is applied: the update, or the part of it the document lacks.
		if (this.#refused(conn, this.policy.checkUpdate(this, conn, scan.update, scan.summary))) return;
		try {
			Y.applyUpdate(this.doc, scan.update, conn);
		} catch (err) {
			this.#unstick(err);
			throw new ProtocolError(CloseCode.MalformedMessage, `update rejected: ${errorMessage(err)}`);
		} finally {
			this.#dropParked();
		}
	}

	/** After Yjs threw: a document left stuck mid-cleanup would store and relay nothing more (stuck-transaction.ts). */
	#unstick(err: unknown): void {
		if (!unstickTransactions(this.doc)) return;
		this.log.error('an update left the document stuck in its cleanup; what it applied is stored and relayed', {
			room: this.roomTag,
			doc: this.docName,
			error: errorMessage(err)
		});
	}

	/** Applies a refusal: drops the write (telling the client once) or closes the connection. */
	#refused(conn: Connection, refusal: WriteRefusal | undefined): boolean {
		if (!refusal) return false;
		this.metrics.writesDropped.inc();
		if (refusal.kind === 'reject') throw new ProtocolError(refusal.code, refusal.reason);
		if (!conn.toldReadOnly) {
			conn.toldReadOnly = true;
			conn.send(encodePermissionDenied(READ_ONLY_REASON));
		}
		return true;
	}

	/**
	 * An update that builds on something this document lacks (an earlier update of the client was
	 * refused, say) is not kept: the client is asked for everything we lack, which fills the gap
	 * and brings this update again. A client that keeps sending gapped updates without ever
	 * filling the gap is closed.
	 */
	#gapped(conn: Connection): void {
		conn.gappedUpdates++;
		if (conn.gappedUpdates > MAX_GAPPED_UPDATES) {
			throw new ProtocolError(CloseCode.UpdateRefused, 'updates keep building on state it never sent');
		}
		if (conn.gappedUpdates % ASK_AGAIN_EVERY === 1) this.askForMissing(conn);
	}

	/**
	 * Nothing may stay parked: the scan lets through only updates that integrate completely, so
	 * this is a guard against a case it missed, never a queue (parked updates are held in memory
	 * unstored and uncounted, and retried on every later update).
	 */
	#dropParked(): void {
		const store = this.doc.store;
		if (store.pendingStructs === null && store.pendingDs === null) return;
		store.pendingStructs = null;
		store.pendingDs = null;
		this.log.warn('dropped a parked update part', { room: this.roomTag, doc: this.docName });
	}

	/**
	 * The document's committed state as updates (the joiners' snapshot and its tail, already
	 * encoded: nothing is encoded here unless a small document's snapshot was dropped), for work
	 * done off the event loop on the whole document (exports). Like a fresh joiner's answer, it
	 * holds committed updates only.
	 */
	async committedUpdates(timeoutMs: number): Promise<Uint8Array[]> {
		if (this.#joiners.ready) return this.#joiners.framesForJoiner().map(syncPayload);
		return (await this.settledUpdates(() => undefined, timeoutMs)).updates;
	}

	/**
	 * The whole document as updates, taken at a moment nothing is in flight (every update applied
	 * is committed), with what `atTake` returns in that same moment: a caller caching something
	 * derived from the document learns exactly which state it derived it from.
	 */
	settledUpdates<T>(atTake: () => T, timeoutMs: number): Promise<{ updates: Uint8Array[]; taken: T }> {
		return new Promise((resolve, reject) => {
			let done = false;
			// While the store fails, or under edits that never leave a moment with none in flight,
			// the caller is told rather than kept waiting (and the room held) for good.
			const timer = setTimeout(() => {
				done = true;
				reject(new NotSettledError('the document did not settle in time'));
			}, timeoutMs);
			this.pipeline.whenCommitted(() => {
				if (done) return;
				clearTimeout(timer);
				resolve({ updates: this.#joiners.framesForJoiner().map(syncPayload), taken: atTake() });
			});
		});
	}

	#replyToStep1(conn: Connection, stateVector: Uint8Array): void {
		if (conn.closed) return;
		if (isEmptyStateVector(stateVector)) {
			for (const frame of this.#joiners.framesForJoiner()) conn.send(frame);
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

	destroy(): void {
		this.presence.destroy();
		this.pipeline.destroy();
		this.doc.destroy();
	}
}
