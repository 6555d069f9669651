/**
 * One client socket: role, bounded sending, a message-rate budget and a uniform way to close
 * with a named code. Nothing here knows about Yjs.
 */
import type { WebSocket } from 'ws';
import { CloseCode } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export type Role = 'facilitator' | 'participant' | 'observer';

export interface ConnectionLimits {
	maxBufferedBytes: number;
	maxMessagesPerSecond: number;
	/** Sustained bytes per second; bursts of one largest frame (or 4 s) are allowed. */
	maxBytesPerSecond?: number;
	maxMessageBytes?: number;
}

/** Bursts of this many seconds' worth of messages are allowed (a reconnect sends several at once). */
const RATE_BURST_SECONDS = 4;

let nextConnectionId = 1;

export class Connection {
	readonly id = nextConnectionId++;
	/** Awareness client ids this connection has claimed; nobody else may write them. */
	readonly awarenessClientIds = new Set<number>();
	alive = true;
	closed = false;
	/** Set once a write was refused, so the client is told only once. */
	toldReadOnly = false;
	#tokens: number;
	#byteTokens: number;
	#byteBurst: number;
	#tokensAt = performance.now();

	constructor(
		readonly ws: WebSocket,
		readonly role: Role,
		readonly roomTag: string,
		private readonly limits: ConnectionLimits,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {
		this.#tokens = limits.maxMessagesPerSecond * RATE_BURST_SECONDS;
		const byteRate = limits.maxBytesPerSecond ?? Infinity;
		this.#byteBurst = Math.max(limits.maxMessageBytes ?? 0, byteRate * RATE_BURST_SECONDS);
		this.#byteTokens = this.#byteBurst;
	}

	/** Spends one message of this size from the budgets; false when the client is over its rate. */
	takeMessageToken(bytes = 0): boolean {
		const now = performance.now();
		const elapsedSeconds = (now - this.#tokensAt) / 1000;
		const rate = this.limits.maxMessagesPerSecond;
		this.#tokens = Math.min(rate * RATE_BURST_SECONDS, this.#tokens + elapsedSeconds * rate);
		const byteRate = this.limits.maxBytesPerSecond ?? Infinity;
		this.#byteTokens = Math.min(this.#byteBurst, this.#byteTokens + elapsedSeconds * byteRate);
		this.#tokensAt = now;
		if (this.#tokens < 1 || this.#byteTokens < bytes) return false;
		this.#tokens -= 1;
		this.#byteTokens -= bytes;
		return true;
	}

	/**
	 * Queues a frame. A client whose socket already holds more than maxBufferedBytes is not
	 * keeping up: it is dropped (it may reconnect and resync) rather than buffered without end.
	 */
	send(message: Uint8Array): void {
		if (this.closed) return;
		if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
			this.close(CloseCode.SlowConsumer, 'send buffer full');
			return;
		}
		this.ws.send(message, { binary: true });
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
			this.ws.close(code, reason);
		} catch {
			this.ws.terminate();
		}
		// A peer that ignores the close handshake must not hold the socket open.
		setTimeout(() => this.ws.terminate(), 2_000).unref();
	}
}
