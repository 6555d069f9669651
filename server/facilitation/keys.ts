/**
 * Which keys make someone a facilitator of a room: the creator's key (stored only as a hash in
 * the room record) unless it was handed over, and co-facilitator keys. The check is a room hook
 * (onAuthenticate): a connection that presents a valid key in its handshake becomes a facilitator.
 *
 * A co-facilitator key is derived, not stored: HMAC-SHA256 keyed with the room's facilitator
 * key hash over the grant id. The control document lists grant ids (public, harmless); only the
 * server can compute the matching key, and it hands it to the promoted person alone. Revoking a
 * grant removes its id, so its key stops working. The hash never leaves the server, and anyone
 * who could read it could read the whole store anyway.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type * as Y from 'yjs';
import { readControl } from '#shared/control/doc';
import { isSecret } from '#shared/ids';
import { CloseCode } from '#shared/wire/protocol';
import { sameSecret, secretMatches } from '../auth/secrets.ts';
import type { RoomRecord } from '../persistence/doc-store.ts';
import type { RoomHooks } from '../rooms/hooks.ts';

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

/** A participant presenting a valid facilitator key becomes a facilitator; a wrong key is refused. */
export const facilitatorKeys: RoomHooks = {
	name: 'facilitator-keys',
	onAuthenticate({ room, connection, credentials }) {
		const key = credentials.facilitatorKey;
		if (key === undefined || connection.role === 'observer') return undefined;
		if (!identifyFacilitator(room.record, room.docs.control.doc, key)) {
			return { code: CloseCode.Unauthorized, reason: 'invalid facilitator key' };
		}
		connection.role = 'facilitator';
		return undefined;
	}
};
