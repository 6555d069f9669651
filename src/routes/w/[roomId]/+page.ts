/**
 * The workshop page runs in the browser only: it needs IndexedDB, WebSockets and the URL
 * fragment. Before mounting we ask the API whether the room exists, but an unreachable server
 * is not fatal: the board then opens from this device's offline copy and reconnects later.
 */
import { RoomInfoResponse } from '#shared/wire/api';
import { isRoomId, isSecret } from '#shared/ids';
import { preloadCanvas } from '$lib/canvas/preload.ts';
import type { PageLoad } from './$types';

export const ssr = false;
export const prerender = false;

export type RoomLookup =
	| { kind: 'found'; info: RoomInfoResponse }
	| { kind: 'not-found' }
	/** Offline, or the server failed: carry on from the local copy. */
	| { kind: 'unreachable' };

export const load: PageLoad = async ({ params, fetch }) => {
	const id = params.roomId;
	if (!isRoomId(id) && !isSecret(id)) return { id, lookup: { kind: 'not-found' } satisfies RoomLookup };
	// tldraw is the page's biggest download: start fetching it while we look the room up.
	preloadCanvas();
	let lookup: RoomLookup;
	try {
		const response = await fetch(`/api/rooms/${id}`);
		// Always read the body: an unread one keeps the request open (and the page never idle).
		const body: unknown = await response.json().catch(() => undefined);
		const info = RoomInfoResponse.safeParse(body);
		if (response.status === 404) lookup = { kind: 'not-found' };
		else lookup = response.ok && info.success ? { kind: 'found', info: info.data } : { kind: 'unreachable' };
	} catch {
		lookup = { kind: 'unreachable' };
	}
	return { id, lookup };
};
