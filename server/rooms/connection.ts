/**
 * One client of a room document: its role, bounded sending, message-rate budgets and a uniform
 * way to close with a named code. The socket is anything with the few methods used here (the
 * sync transport passes a `ws` WebSocket), so the room engine does not depend on the transport.
 */
import { CloseCode } from '#shared/wire/protocol';
import type { Role } from '#shared/wire/roles';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { TokenBucket } from '../rate-limit.ts';

export type { Role };

/** The part of a WebSocket a connection uses. */
export interface ConnectionSocket {
	readonly bufferedAmount: number;
	send(data: Uint8Array, options: { binary: true }): void;
	close(code: number, reason: string): void;
	terminate(): void;
}

export interface ConnectionLimits {
	maxBufferedBytes: number;
	maxMessagesPerSecond: number;
	/** Sustained bytes per second; bursts of one largest frame (or 4 s) are allowed. */
	maxBytesPerSecond?: number;
	maxMessageBytes?: number;
}

/** Bursts of this many seconds' worth of messages are allowed (a reconnect sends several at once). */
const RATE_BURST_SECONDS = 4;
/** How long a peer that ignores the close handshake may hold its socket. */
const CLOSE_GRACE_MS = 2_000;

let nextConnectionId = 1;

export class Connection {
	readonly id = nextConnectionId++;
	/** Awareness client ids this connection has claimed; nobody else may write them. */
	readonly awarenessClientIds = new Set<number>();
	alive = true;
	closed = false;
	/** Set once a write was refused as read-only, so the client is told only once. */
	toldReadOnly = false;
	/** Updates in a row that built on state the document lacks (see RoomDoc). */
	gappedUpdates = 0;
	/** The workshop participant this connection proved to be (server/rounds/identity.ts), if any. */
	participantId: string | undefined = undefined;
	readonly #buckets: TokenBucket[];

	constructor(
		readonly socket: ConnectionSocket,
		/** Who this is; features may lower it while the connection is open (a revoked key). */
		public role: Role,
		readonly roomTag: string,
		private readonly limits: ConnectionLimits,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {
		const rate = limits.maxMessagesPerSecond;
		this.#buckets = [new TokenBucket({ perSecond: rate, burst: rate * RATE_BURST_SECONDS })];
		const byteRate = limits.maxBytesPerSecond;
		if (byteRate !== undefined && Number.isFinite(byteRate)) {
			const burst = Math.max(limits.maxMessageBytes ?? 0, byteRate * RATE_BURST_SECONDS);
			this.#buckets.push(new TokenBucket({ perSecond: byteRate, burst }));
		}
	}

	/** Spends one message of this size from the budgets; false when the client is over its rate. */
	takeMessageToken(bytes = 0): boolean {
		return TokenBucket.takeAll(this.#buckets, [1, bytes]);
	}

	/**
	 * Queues a frame. A client whose socket already holds more than maxBufferedBytes is not
	 * keeping up: it is dropped (it may reconnect and resync) rather than buffered without end.
	 */
	send(message: Uint8Array): void {
		if (this.closed) return;
		if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
			this.close(CloseCode.SlowConsumer, 'send buffer full');
			return;
		}
		this.socket.send(message, { binary: true });
	}

	/** Closes with a named code and logs the reason (never message contents). */
	close(code: CloseCode, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.metrics.connectionsClosed.inc({ code: String(code) });
		const fields = { room: this.roomTag, conn: this.id, code, reason };
		if (code === CloseCode.Normal || code === CloseCode.GoingAway) this.log.debug('connection closed', fields);
		else this.log.warn('connection closed', fields);
		try {
			this.socket.close(code, reason);
		} catch {
			this.socket.terminate();
		}
		setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
	}
}
