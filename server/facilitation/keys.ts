/**
 * Which keys make someone a facilitator of a room: the creator's key (stored only as a hash in
 * the room record) unless it was handed over, and co-facilitator keys.
 *
 * A co-facilitator key is derived, not stored: HMAC-SHA256 keyed with the room's facilitator
 * key hash over the grant id. The control document lists grant ids (public, harmless); only the
 * server can compute the matching key, and it hands it to the promoted person alone. Revoking a
 * grant removes its id, so its key stops working. The hash never leaves the server, and anyone
 * who could read it could read the whole store anyway.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type * as Y from 'yjs';
import { onControlChange, readControl, type ControlState } from '#shared/control/doc';
import { isSecret } from '#shared/ids';
import { CloseCode } from '#shared/wire/protocol';
import { sameSecret, secretMatches } from '../auth/secrets.ts';
import type { RoomRecord } from '../persistence/doc-store.ts';
import type { Connection } from '../rooms/connection.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { Room } from '../rooms/room.ts';

const GRANT_KEY_CONTEXT = 'threatboard.co-facilitator.v1:';

/** Who a valid key belongs to. */
export type FacilitatorIdentity = { kind: 'creator' } | { kind: 'co-facilitator'; grantId: string };

export function createGrantId(): string {
	return randomBytes(16).toString('base64url');
}

/** The co-facilitator key for a grant: 43 base64url characters, like every other secret. */
export function grantKey(record: RoomRecord, grantId: string): string {
	return createHmac('sha256', Buffer.from(record.facilitatorKeyHash, 'hex'))
		.update(GRANT_KEY_CONTEXT + grantId)
		.digest('base64url');
}

/** The identity a key proves for this room, given its control document; undefined if none. */
export function identifyFacilitator(record: RoomRecord, control: Y.Doc, key: string): FacilitatorIdentity | undefined {
	if (!isSecret(key)) return undefined;
	const state = readControl(control);
	if (!state.primaryKeyRevoked && secretMatches(key, record.facilitatorKeyHash)) return { kind: 'creator' };
	for (const grant of state.grants) {
		if (sameSecret(key, grantKey(record, grant.grantId))) return { kind: 'co-facilitator', grantId: grant.grantId };
	}
	return undefined;
}

/**
 * The facilitator-key rules as room hooks: a participant presenting a valid key in the handshake
 * becomes a facilitator, a wrong key is refused, and a key that stops being valid (its grant
 * revoked, or the role handed over) closes the sockets opened with it at once (4401): the browser
 * then offers to continue as a participant. Without this, a socket opened before the revocation
 * would keep facilitator rights, writing through a board lock, until it reconnected.
 */
export function createFacilitatorKeys(): RoomHooks {
	const identities = new Map<Connection, FacilitatorIdentity>();
	const unsubscribes = new Map<Room, () => void>();
	return {
		name: 'facilitator-keys',
		afterLoad({ room }) {
			const control = room.docs.control.doc;
			unsubscribes.set(
				room,
				onControlChange(control, () => {
					const state = readControl(control);
					for (const connection of room.connections()) {
						const identity = identities.get(connection);
						if (identity && !stillValid(identity, state)) {
							identities.delete(connection);
							connection.close(CloseCode.Unauthorized, 'facilitator key revoked');
						}
					}
				})
			);
		},
		onAuthenticate({ room, connection, credentials }) {
			const key = credentials.facilitatorKey;
			if (key === undefined || connection.role === 'observer') return undefined;
			const identity = identifyFacilitator(room.record, room.docs.control.doc, key);
			if (!identity) return { code: CloseCode.Unauthorized, reason: 'invalid facilitator key' };
			connection.role = 'facilitator';
			identities.set(connection, identity);
			return undefined;
		},
		onDisconnect({ connection }) {
			identities.delete(connection);
		},
		beforeUnload({ room }) {
			unsubscribes.get(room)?.();
			unsubscribes.delete(room);
		}
	};
}

function stillValid(identity: FacilitatorIdentity, state: Pick<ControlState, 'primaryKeyRevoked' | 'grants'>): boolean {
	return identity.kind === 'creator' ? !state.primaryKeyRevoked : state.grants.some((g) => g.grantId === identity.grantId);
}
