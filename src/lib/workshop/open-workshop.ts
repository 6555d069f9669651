/**
 * Everything that happens when a workshop page opens, before anything renders: take a
 * facilitator key or a participant identity out of the URL fragment (kept on this device, never
 * in history), update the recent-workshops entry, and start the board session with what this
 * browser holds.
 */
import type { RoomInfoResponse } from '#shared/wire/api';
import { BoardSession } from '$lib/sync/board-session.svelte.ts';
import { facilitatorKeyFromHash, isObserverId } from './links.ts';
import { participantFromHash, readParticipant, rememberParticipant } from './participant.ts';
import { readRecentWorkshops, rememberWorkshop, type RecentWorkshop } from './recent-workshops.ts';

export interface OpenedWorkshop {
	session: BoardSession;
	/** This device's entry for the workshop, as it was when the page opened. */
	entry: RecentWorkshop;
	/** The address held a fragment that must now be removed from the address bar. */
	stripFragment: boolean;
}

export function openWorkshop(id: string, info: RoomInfoResponse | undefined, hash: string): OpenedWorkshop {
	const observer = isObserverId(id);
	const keyFromLink = observer ? undefined : facilitatorKeyFromHash(hash);
	const previous = readRecentWorkshops().find((e) => e.id === id);
	const entry = rememberWorkshop({
		id,
		role: observer ? 'observer' : 'participant',
		title: info?.title ?? previous?.title,
		createdAt: info?.createdAt ?? previous?.createdAt,
		facilitatorKey: keyFromLink
	});
	// A personal link brings this person's identity from their other device.
	const participantFromLink = observer ? undefined : participantFromHash(hash);
	if (participantFromLink) rememberParticipant(id, participantFromLink);
	const participant = observer ? undefined : readParticipant(id);
	const session = new BoardSession({ id, observer, facilitatorKey: entry.facilitatorKey, participant });
	// Made co-facilitator (or handed the role): keep the key, so a reload keeps the role.
	session.onFacilitatorKey = (facilitatorKey) => rememberWorkshop({ id, role: 'participant', facilitatorKey });
	return { session, entry, stripFragment: hash.includes('facilitator=') || hash.includes('participant=') };
}
