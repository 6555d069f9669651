/**
 * A room's committed state as updates, for the export worker: from the room's own documents when
 * this instance holds it (what its joiners are sent), else straight from the store, without
 * loading the room (decoding a large board into memory was itself seconds of the event loop).
 * A room being evicted is read from the store too: everything it committed is there, and taking
 * it waited for the eviction only to load it again.
 */
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';
import type { Room } from '../rooms/room.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { RoomState } from './export-worker.ts';

/** Longest an export waits for a document's commits when its joiners' snapshot is not ready (the store failing). */
const SETTLE_TIMEOUT_MS = 10_000;

export async function committedRoomState(rooms: RoomManager, store: DocStore, record: RoomRecord): Promise<RoomState> {
	const { roomId } = record;
	if (rooms.isServing(roomId)) {
		const room = await rooms.acquire(record);
		try {
			return await loadedRoomState(room);
		} finally {
			rooms.release(roomId);
		}
	}
	const [board, control] = await Promise.all([store.loadDoc({ roomId, docName: 'board' }), store.loadDoc({ roomId, docName: 'control' })]);
	return { board: board.updates, control: control.updates };
}

/** A loaded room's committed state: what its joiners are sent, once everything applied is stored. */
export async function loadedRoomState(room: Room): Promise<RoomState> {
	const [board, control] = await Promise.all([room.docs.board.committedUpdates(SETTLE_TIMEOUT_MS), room.docs.control.committedUpdates(SETTLE_TIMEOUT_MS)]);
	return { board, control };
}
