/**
 * The board lock on the server: while the control document says "locked", board writes from
 * anyone but a facilitator are dropped exactly like an observer's (never stored, the client told
 * once that it is read-only). The flag is cached and refreshed on each control change, so the
 * check on every board update costs a property read.
 *
 * A dropped Yjs update leaves a gap in that client's clock, and the server parks every later
 * update of the client until the gap is filled. So on unlock the server asks each refused
 * client for what it lacks (sync step 1): the gap is filled and nothing typed is lost; what a
 * client wrote in the moment the lock arrived lands after the unlock instead.
 */
import * as Y from 'yjs';
import { onControlChange, readLock } from '#shared/control/doc';
import { encodeSyncMessage } from '#shared/wire/messages';
import { SyncStep } from '#shared/wire/protocol';
import type { LoadedRoom } from '../rooms/room-manager.ts';

const enforced = new WeakSet<LoadedRoom>();

/** Installs the lock on a loaded room's board; safe to call on every acquire. */
export function enforceBoardLock(room: LoadedRoom): void {
	if (enforced.has(room)) return;
	enforced.add(room);
	const control = room.docs.control.doc;
	let locked = readLock(control).locked;
	onControlChange(control, () => {
		const now = readLock(control).locked;
		if (locked && !now) {
			const board = room.docs.board;
			let askForGaps: Uint8Array | undefined;
			for (const conn of board.conns) {
				if (!conn.toldReadOnly || conn.role === 'observer') continue;
				conn.toldReadOnly = false; // refused again at the next lock, and told again
				askForGaps ??= encodeSyncMessage(SyncStep.Step1, Y.encodeStateVector(board.doc));
				conn.send(askForGaps);
			}
		}
		locked = now;
	});
	room.docs.board.writeGate = (conn) => conn.role === 'facilitator' || !locked;
}
