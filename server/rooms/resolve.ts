/**
 * What a room link opens: a room id makes its holder a participant, an observer id (looked up by
 * its hash: the id itself is never stored) an observer. The one place ids are resolved, for the
 * sync handshake, the room lookup and the exports alike.
 */
import { isRoomId, isSecret } from '#shared/ids';
import { hashSecret } from '../auth/secrets.ts';
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';

export interface ResolvedRoom {
	record: RoomRecord;
	/** What the link grants; a facilitator key can raise a participant further (room hooks). */
	access: 'participant' | 'observer';
}

/** The room an id opens, or undefined for unknown and malformed ids. Store errors propagate. */
export async function resolveRoom(store: DocStore, id: string): Promise<ResolvedRoom | undefined> {
	if (isRoomId(id)) {
		const record = await store.getRoom(id);
		return record && { record, access: 'participant' };
	}
	if (isSecret(id)) {
		const record = await store.getRoomByObserverHash(hashSecret(id));
		return record && { record, access: 'observer' };
	}
	return undefined;
}
