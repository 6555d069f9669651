/**
 * Room lifecycle hooks: how features plug into rooms (the board's migrations, the board lock,
 * facilitator keys, and the workshop rules to come), in the vocabulary Hocuspocus made familiar.
 * A feature is a RoomHooks object given to the room registry at composition time
 * (server/threatboard.ts); one payload type per hook. Hooks run in registration order.
 *
 * - afterLoad: once per load, after both documents are read from the store and before any
 *   client is served. Changes made here are persisted like any update. Throwing refuses the room.
 * - onAuthenticate: for each new connection, with what it presented in the handshake. A hook may
 *   raise the connection's role (a valid facilitator key) or refuse it.
 * - canWrite: before a client's update is even decoded: may this connection write now? Return a
 *   refusal to drop it (read-only: the client is told once, and may be asked again later) or to
 *   close that connection.
 * - checkUpdate: after the update is decoded and checked (server/rooms/update-scan.ts), with a
 *   summary of the root entries it writes and deletes: the place for content rules. Return a
 *   refusal to drop it or close the connection.
 * - afterCommit: after an update made on this instance (by a client, a command or a hook) is
 *   stored, before it is broadcast.
 * - onConnect / onDisconnect: a connection joined or left one of the room's documents.
 * - beforeUnload: the room is about to be written out and dropped from memory.
 */
import { CloseCode, type DocName, type SyncDocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Connection } from './connection.ts';
import type { Room } from './room.ts';
import type { UpdateSummary } from './update-scan.ts';

export interface RoomPayload {
	room: Room;
}

export interface AuthenticatePayload extends RoomPayload {
	connection: Connection;
	docName: SyncDocName;
	/** What the client presented in the handshake (never logged): a facilitator key, a participant's `<id>.<secret>`. */
	credentials: { facilitatorKey?: string; participant?: string };
}

export interface CanWritePayload extends RoomPayload {
	connection: Connection;
	docName: DocName;
	/** The update as received: not yet decoded (a refused write costs nothing more). */
	update: Uint8Array;
}

export interface CheckUpdatePayload extends CanWritePayload {
	/** Which root entries the update writes and deletes, and the values it sets under root keys. */
	summary: UpdateSummary;
}

export interface AfterCommitPayload extends RoomPayload {
	docName: DocName;
	update: Uint8Array;
	/** The transaction origin: the writing Connection, or a symbol of the server module. */
	origin: unknown;
}

export interface ConnectionPayload extends RoomPayload {
	connection: Connection;
	docName: SyncDocName;
}

/** Refuses a connection at the handshake: it is closed with this code. */
export interface AuthRefusal {
	code: CloseCode;
	reason: string;
}

/**
 * A refused write. read-only: dropped, never stored, the client told once (it is the client's
 * role or the room's state, not a fault). reject: the connection is closed with the code.
 */
export type WriteRefusal = { kind: 'read-only' } | { kind: 'reject'; code: CloseCode; reason: string };

export interface RoomHooks {
	/** Names the feature in logs. */
	name: string;
	afterLoad?(payload: RoomPayload): void;
	onAuthenticate?(payload: AuthenticatePayload): AuthRefusal | undefined;
	canWrite?(payload: CanWritePayload): WriteRefusal | undefined;
	checkUpdate?(payload: CheckUpdatePayload): WriteRefusal | undefined;
	afterCommit?(payload: AfterCommitPayload): void;
	onConnect?(payload: ConnectionPayload): void;
	onDisconnect?(payload: ConnectionPayload): void;
	beforeUnload?(payload: RoomPayload): void;
}

/** Runs a list of hooks. Only afterLoad may throw (it refuses the room); other failures are logged. */
export class RoomHookRunner {
	constructor(
		private readonly hooks: readonly RoomHooks[],
		private readonly log: Logger
	) {}

	afterLoad(payload: RoomPayload): void {
		for (const hooks of this.hooks) hooks.afterLoad?.(payload);
	}

	onAuthenticate(payload: AuthenticatePayload): AuthRefusal | undefined {
		for (const hooks of this.hooks) {
			if (!hooks.onAuthenticate) continue;
			const refusal = this.#guard(hooks, 'onAuthenticate', payload.room, () => hooks.onAuthenticate!(payload));
			if (refusal) return refusal;
		}
		return undefined;
	}

	canWrite(payload: CanWritePayload): WriteRefusal | undefined {
		return this.#firstRefusal('canWrite', payload.room, (hooks) => hooks.canWrite?.(payload));
	}

	checkUpdate(payload: CheckUpdatePayload): WriteRefusal | undefined {
		return this.#firstRefusal('checkUpdate', payload.room, (hooks) => hooks.checkUpdate?.(payload));
	}

	#firstRefusal(name: string, room: Room, ask: (hooks: RoomHooks) => WriteRefusal | undefined): WriteRefusal | undefined {
		for (const hooks of this.hooks) {
			let refusal: WriteRefusal | undefined;
			try {
				refusal = ask(hooks);
			} catch (err) {
				// A rule that cannot decide must not let the write through.
				this.log.error('room hook failed', { hook: `${hooks.name}.${name}`, room: room.tag, error: errorMessage(err) });
				return { kind: 'reject', code: CloseCode.UpdateRefused, reason: 'update could not be checked' };
			}
			if (refusal) return refusal;
		}
		return undefined;
	}

	afterCommit(payload: AfterCommitPayload): void {
		// Called for every commit: no closure per hook, as #guard would take.
		for (const hooks of this.hooks) {
			if (!hooks.afterCommit) continue;
			try {
				hooks.afterCommit(payload);
			} catch (err) {
				this.#failed(hooks, 'afterCommit', payload.room, err);
			}
		}
	}

	onConnect(payload: ConnectionPayload): void {
		for (const hooks of this.hooks) if (hooks.onConnect) this.#guard(hooks, 'onConnect', payload.room, () => hooks.onConnect!(payload));
	}

	onDisconnect(payload: ConnectionPayload): void {
		for (const hooks of this.hooks) if (hooks.onDisconnect) this.#guard(hooks, 'onDisconnect', payload.room, () => hooks.onDisconnect!(payload));
	}

	beforeUnload(payload: RoomPayload): void {
		for (const hooks of this.hooks) if (hooks.beforeUnload) this.#guard(hooks, 'beforeUnload', payload.room, () => hooks.beforeUnload!(payload));
	}

	#guard<T>(hooks: RoomHooks, name: string, room: Room, fn: () => T): T | undefined {
		try {
			return fn();
		} catch (err) {
			this.#failed(hooks, name, room, err);
			return undefined;
		}
	}

	#failed(hooks: RoomHooks, name: string, room: Room, err: unknown): void {
		this.log.error('room hook failed', { hook: `${hooks.name}.${name}`, room: room.tag, error: errorMessage(err) });
	}
}
