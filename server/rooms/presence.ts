/**
 * Server-owned presence for one room document. Each awareness client id belongs to the
 * connection that first announced it (nobody can overwrite or remove someone else's presence),
 * and changes are fanned out coalesced: one merged message per room per window, the window
 * growing with the room so that cursor traffic stays bounded. With peers (other instances),
 * entries owned here are published to them and theirs are applied here.
 */
import * as decoding from 'lib0/decoding';
import { encodeAwarenessMessage, type AwarenessWireEntry } from '#shared/wire/messages';
import { CloseCode, MessageType } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Connection } from './connection.ts';
import { ProtocolError } from './protocol-error.ts';

/** Owner of awareness entries announced by another instance's connections. */
const PEER = 'peer';
/** A peer's awareness entry not renewed for this long is removed (clients renew every 15 s). */
const PEER_AWARENESS_TIMEOUT_MS = 30_000;
/**
 * How long a departed client's id stays reserved. Stock y-websocket clients echo every awareness
 * message they receive, including a departed peer's last state: without the reservation, the
 * echoing connection would claim the id (and be closed with 4413 after a few departures).
 */
const DEPARTED_RESERVED_MS = 10_000;
/** Departed ids remembered at most per document (the oldest is forgotten first). */
const MAX_DEPARTED = 4_096;
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

export interface PresenceOptions {
	maxAwarenessBytes: number;
	awarenessFlushMaxMs: number;
}

interface AwarenessEntry {
	clock: number;
	/** JSON text of the state, or null once the client has left. */
	state: string | null;
	owner: Connection | typeof PEER;
	/** performance.now() of the last change or renewal; used for peers' entries. */
	seenAt: number;
	/** The participant whose id this is (set by the server, never by the client), if any. */
	holder: string | undefined;
}

/** A peer's entry that is gone or was not renewed in time; a local connection may claim its id. */
function isLapsedPeerEntry(entry: AwarenessEntry): boolean {
	return entry.owner === PEER && (entry.state === null || performance.now() - entry.seenAt > PEER_AWARENESS_TIMEOUT_MS);
}

export class Presence {
	#entries = new Map<number, AwarenessEntry>();
	/**
	 * Ids whose owner left, with their last clock and when (see DEPARTED_RESERVED_MS), and whose
	 * they were: only that participant takes the id again, however long after.
	 */
	#departed = new Map<number, { clock: number; at: number; holder: string | undefined }>();
	#dirty = new Set<number>();
	#timer: NodeJS.Timeout | null = null;
	#peerSweep: NodeJS.Timeout | null = null;
	/** Set by server/scale-out when other instances serve this room too. */
	publishToPeers: ((frame: Uint8Array) => void) | null = null;

	constructor(
		/** Everyone connected to the document: the recipients of every flush. */
		private readonly recipients: ReadonlySet<Connection>,
		private readonly options: PresenceOptions,
		private readonly roomTag: string,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {}

	/** The open connection that owns an awareness client id (who a presence entry is). */
	connectionOwning(clientId: number): Connection | undefined {
		const owner = this.#entries.get(clientId)?.owner;
		return owner && owner !== PEER && !owner.closed ? owner : undefined;
	}

	/** One message with everyone present, for a joiner or a query; null when nobody is. */
	encodePresent(): Uint8Array | null {
		return this.#encode(this.#entries.keys(), true);
	}

	/** Applies an awareness frame from a client; throws ProtocolError for a bad one. */
	handleUpdate(conn: Connection, decoder: decoding.Decoder): void {
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
				const existing = this.#entries.get(clientId);
				if (
					(existing && existing.owner !== conn && (!isLapsedPeerEntry(existing) || !mayHold(existing.holder, conn))) ||
					(!existing && (this.#isEchoOfDeparted(clientId, clock) || !mayHold(this.#departed.get(clientId)?.holder, conn)))
				) {
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
				accepted.push({ clientId, clock, state: parsed === null ? null : withRole(parsed, json, conn) });
			}
		} catch (err) {
			if (err instanceof ProtocolError) throw err;
			throw new ProtocolError(CloseCode.MalformedMessage, 'malformed awareness update');
		}

		for (const { clientId, clock, state } of accepted) {
			const existing = this.#entries.get(clientId);
			// New, or a peer's entry that lapsed (e.g. this client moved here from a dead instance).
			if (!existing || existing.owner !== conn) {
				if (conn.awarenessClientIds.size >= MAX_AWARENESS_IDS_PER_CONNECTION) {
					throw new ProtocolError(CloseCode.AwarenessTooLarge, 'too many awareness client ids');
				}
				conn.awarenessClientIds.add(clientId);
				this.#entries.set(clientId, { clock, state, owner: conn, seenAt: performance.now(), holder: conn.participantId });
				this.#markDirty(clientId);
				continue;
			}
			// Same rule as y-protocols: newer clock wins; a removal wins at an equal clock.
			if (clock > existing.clock || (clock === existing.clock && state === null && existing.state !== null)) {
				existing.clock = clock;
				existing.state = state;
				this.#markDirty(clientId);
			}
		}
	}

	/** A connection left: everyone else learns at once that its people are gone. */
	release(conn: Connection): void {
		for (const clientId of conn.awarenessClientIds) {
			const entry = this.#entries.get(clientId);
			if (!entry) continue;
			if (entry.state === null) {
				// Already announced as gone: forget it now, unless that announcement is still
				// waiting in the coalescing window (the flush forgets it after sending).
				if (!this.#dirty.has(clientId)) {
					this.#entries.delete(clientId);
					this.#rememberDeparted(clientId, entry.clock, entry.holder);
				}
				continue;
			}
			// Same clock, as y-protocols does for remote clients: receivers accept a removal at an
			// equal clock, and the client can come back by announcing itself at clock + 1.
			entry.state = null;
			this.#markDirty(clientId);
		}
	}

	/** An old state of a client that left, echoed by someone else; a rejoin comes with a newer clock. */
	#isEchoOfDeparted(clientId: number, clock: number): boolean {
		const departed = this.#departed.get(clientId);
		if (!departed || performance.now() - departed.at > DEPARTED_RESERVED_MS) return false;
		return clock <= departed.clock;
	}

	#rememberDeparted(clientId: number, clock: number, holder: string | undefined): void {
		this.#departed.delete(clientId);
		this.#departed.set(clientId, { clock, at: performance.now(), holder });
		if (this.#departed.size > MAX_DEPARTED) this.#departed.delete(this.#departed.keys().next().value as number);
	}

	#markDirty(clientId: number): void {
		this.#dirty.add(clientId);
		if (this.#timer) return;
		const windowMs = Math.min(
			this.options.awarenessFlushMaxMs,
			Math.max(AWARENESS_WINDOW_MIN_MS, this.recipients.size * AWARENESS_WINDOW_MS_PER_CLIENT)
		);
		this.#timer = setTimeout(this.#flush, windowMs);
	}

	#flush = (): void => {
		this.#timer = null;
		const dirty = this.#dirty;
		this.#dirty = new Set();
		const message = this.#encode(dirty.keys(), false);
		if (this.publishToPeers) {
			const own = [...dirty].filter((clientId) => this.#entries.get(clientId)?.owner !== PEER);
			const frame = this.#encode(own, false);
			if (frame) this.publishToPeers(frame);
		}
		// Forget people who left once everyone has been told.
		for (const clientId of dirty) {
			const entry = this.#entries.get(clientId);
			if (entry && entry.state === null && (entry.owner === PEER || entry.owner.closed)) {
				this.#entries.delete(clientId);
				this.#rememberDeparted(clientId, entry.clock, entry.holder);
				if (entry.owner !== PEER) entry.owner.awarenessClientIds.delete(clientId);
			}
		}
		if (!message) return;
		this.metrics.awarenessFlushes.inc();
		for (const conn of this.recipients) conn.send(message);
	};

	/**
	 * Applies awareness another instance published for its connections. Entries held by a
	 * connection here are left alone; peers' entries follow the y-protocols clock rule.
	 */
	applyFromPeer(frame: Uint8Array): void {
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
				const existing = this.#entries.get(clientId);
				if (json.length > this.options.maxAwarenessBytes || (existing && existing.owner !== PEER)) continue;
				if (!existing || clock > existing.clock || (clock === existing.clock && state === null && existing.state !== null)) {
					// Whose id it is, as the instance that holds the connection wrote it into the state.
					// Read once: when the id first shows, or first shows a state.
					const holder = existing
						? (existing.holder ?? (existing.state === null && state !== null ? holderInState(state) : undefined))
						: state === null
							? this.#departed.get(clientId)?.holder
							: holderInState(state);
					this.#entries.set(clientId, { clock, state, owner: PEER, seenAt: now, holder });
					this.#markDirty(clientId);
				} else if (clock === existing.clock) existing.seenAt = now;
			}
		} catch (err) {
			this.log.warn('awareness from a peer instance rejected', { room: this.roomTag, error: errorMessage(err) });
		}
		this.#peerSweep ??= setInterval(this.#sweepPeers, PEER_AWARENESS_TIMEOUT_MS / 3).unref();
	}

	/** Sends peers every present entry owned here (after a reconnect, they may have dropped them). */
	republish(): void {
		const own = [...this.#entries].filter(([, e]) => e.owner !== PEER && e.state !== null).map(([id]) => id);
		const frame = this.#encode(own, false);
		if (frame && this.publishToPeers) this.publishToPeers(frame);
	}

	/** Removes peers' entries that were not renewed: their instance may be gone. */
	#sweepPeers = (): void => {
		let peers = 0;
		for (const [clientId, entry] of this.#entries) {
			if (entry.owner !== PEER) continue;
			peers++;
			if (entry.state !== null && isLapsedPeerEntry(entry)) {
				entry.state = null;
				this.#markDirty(clientId);
			}
		}
		if (peers === 0 && this.#peerSweep) {
			clearInterval(this.#peerSweep);
			this.#peerSweep = null;
		}
	};

	/** One awareness message for the given client ids; with onlyPresent, skips departed ones. */
	#encode(clientIds: Iterable<number>, onlyPresent: boolean): Uint8Array | null {
		const chosen: AwarenessWireEntry[] = [];
		for (const clientId of clientIds) {
			const entry = this.#entries.get(clientId);
			if (entry && (!onlyPresent || entry.state !== null)) {
				chosen.push({ clientId, clock: entry.clock, json: entry.state ?? 'null' });
			}
		}
		return chosen.length === 0 ? null : encodeAwarenessMessage(chosen);
	}

	destroy(): void {
		if (this.#peerSweep) clearInterval(this.#peerSweep);
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#peerSweep = null;
	}
}

/**
 * Whether `conn` may take an awareness id last held by `holder`: a participant's id is theirs
 * alone. Anyone else taking it over while its owner is away (a dropped connection, a reload) hid
 * that person when they came back (their announcements were skipped as someone else's), and made
 * the facilitator's "make co-facilitator" on that person send the key to whoever held the id.
 */
function mayHold(holder: string | undefined, conn: Connection): boolean {
	return holder === undefined || holder === conn.participantId;
}

/** The participant id the server wrote into a state (`user.participantId`), if any. */
function holderInState(json: string): string | undefined {
	try {
		const id = (JSON.parse(json) as { user?: { participantId?: unknown } } | null)?.user?.participantId;
		return typeof id === 'string' ? id : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The state as others will see it, with `user.role` and `user.participantId` set to what the
 * server knows of this connection: neither is self-asserted (an observer cannot appear as the
 * facilitator, and nobody can pass for another participant with the same name).
 */
function withRole(state: object, json: string, conn: Connection): string {
	const user = (state as { user?: unknown }).user as { role?: unknown; participantId?: unknown } | null | undefined;
	if (user === null || typeof user !== 'object' || Array.isArray(user)) return json;
	if (user.role === conn.role && user.participantId === conn.participantId) return json;
	user.role = conn.role;
	if (conn.participantId === undefined) delete user.participantId;
	else user.participantId = conn.participantId;
	return JSON.stringify(state);
}
