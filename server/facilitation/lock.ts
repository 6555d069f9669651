/**
 * The board lock, as a room hook: while the control document says "locked", board writes from
 * anyone but a facilitator are dropped exactly like an observer's (never stored, the client told
 * once that it is read-only). The flag is cached and refreshed on each control change, so the
 * check on every board update costs a map lookup.
 *
 * A dropped Yjs update leaves a gap in that client's clock, and the server parks every later
 * update of the client until the gap is filled. So on unlock the server asks each refused
 * client for what it lacks (sync step 1): the gap is filled and nothing typed is lost; what a
 * client wrote in the moment the lock arrived lands after the unlock instead.
 */
import { onControlChange, readLock } from '#shared/control/doc';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { Room } from '../rooms/room.ts';

interface LockState {
	locked: boolean;
	unsubscribe: () => void;
}

export function createBoardLock(): RoomHooks {
	const rooms = new Map<Room, LockState>();
	return {
		name: 'board-lock',
		afterLoad({ room }) {
			const control = room.docs.control.doc;
			const state: LockState = { locked: readLock(control).locked, unsubscribe: () => undefined };
			state.unsubscribe = onControlChange(control, () => {
				const now = readLock(control).locked;
				if (state.locked && !now) askRefusedForTheirEdits(room);
				state.locked = now;
			});
			rooms.set(room, state);
		},
		canWrite({ room, connection, docName }) {
			if (docName !== 'board' || connection.role === 'facilitator' || !rooms.get(room)?.locked) return undefined;
			return { kind: 'read-only' };
		},
		beforeUnload({ room }) {
			rooms.get(room)?.unsubscribe();
			rooms.delete(room);
		}
	};
}

function askRefusedForTheirEdits(room: Room): void {
	const board = room.docs.board;
	for (const conn of board.conns) {
		if (!conn.toldReadOnly || conn.role === 'observer') continue;
		conn.toldReadOnly = false; // refused again at the next lock, and told again
		board.askForMissing(conn);
	}
}
