/**
 * Fan-out between instances that serve the same rooms (docs/ARCHITECTURE.md §6). One instance alone
 * uses noFanout; with REDIS_URL, server/scale-out/redis-fanout.ts.
 *
 * What travels: committed updates (already in the shared store, so peers only apply and
 * broadcast them), awareness owned by each instance's connections, and resync requests. The
 * store stays the source of truth: anything lost in transit is recovered by reloading from it.
 */
import type { DocName } from '#shared/wire/protocol';

export type FanoutStatus = 'off' | 'ok' | 'down';

export interface RoomChannelHandlers {
	/** seqs: the store log entries the update is made of. */
	update(docName: DocName, update: Uint8Array, seqs: number[]): void;
	awareness(docName: DocName, frame: Uint8Array): void;
	/**
	 * This instance may have missed messages (Redis reconnected) or a peer may have: reload the
	 * room from the store and send peers our presence again. With republish, also ask the peers
	 * to do the same (they may have missed what we published).
	 */
	resync(republish: boolean): void;
}

export interface RoomChannel {
	publishUpdate(docName: DocName, update: Uint8Array, seqs: readonly number[]): void;
	publishAwareness(docName: DocName, frame: Uint8Array): void;
	/** Asks every other instance holding this room to reload it from the store. */
	requestResync(): void;
	leave(): void;
}

export interface Fanout {
	readonly enabled: boolean;
	/** 'off' (one instance), 'ok', or 'down' (Redis unreachable: serving local clients only). */
	status(): FanoutStatus;
	/**
	 * Subscribes for a room. Resolves once subscribed, or at once while Redis is down (the room
	 * is then subscribed, and resynced, when it comes back), so a Redis outage never blocks rooms.
	 */
	join(roomId: string, handlers: RoomChannelHandlers): Promise<RoomChannel>;
	close(): Promise<void>;
}

const silentChannel: RoomChannel = {
	publishUpdate() {},
	publishAwareness() {},
	requestResync() {},
	leave() {}
};

export const noFanout: Fanout = {
	enabled: false,
	status: () => 'off',
	join: async () => silentChannel,
	close: async () => {}
};
