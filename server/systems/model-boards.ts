/**
 * Reading other models' boards for their system (issue 15): the live document when the room is
 * loaded on this instance, else the stored one, read into a throwaway Y.Doc and dropped, so a
 * system page or a dependency lookup never keeps fifty rooms open. Only dependency streams keep
 * the rooms they watch loaded, and only while they are open (dependency-streams.ts).
 */
import * as Y from 'yjs';
import type { DocStore } from '../persistence/doc-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';

export interface BoardReader {
	/** Runs `read` over the room's board; undefined when the room does not exist. */
	read<T>(roomId: string, read: (board: Y.Doc) => T): Promise<T | undefined>;
}

export function createBoardReader(store: DocStore, rooms: RoomManager): BoardReader {
	return {
		async read(roomId, read) {
			if (rooms.isLoaded(roomId)) {
				const record = await store.getRoom(roomId);
				if (!record) return undefined;
				const room = await rooms.acquire(record);
				try {
					return read(room.docs.board.doc);
				} finally {
					rooms.release(roomId);
				}
			}
			const stored = await store.loadDoc({ roomId, docName: 'board' });
			if (stored.updates.length === 0) return undefined;
			const doc = new Y.Doc({ gc: true });
			try {
				Y.applyUpdate(doc, stored.updates.length === 1 ? stored.updates[0] : Y.mergeUpdates(stored.updates));
				return read(doc);
			} finally {
				doc.destroy();
			}
		}
	};
}
