/** Creating rooms: ids, secrets (stored only as hashes) and the initial documents. */
import * as Y from 'yjs';
import { createRoomId, createSecret } from '#shared/ids';
import { initBoardDoc } from '#shared/board/doc';
import { DEFAULT_TITLE, facilitatorPath, observerPath, participantPath, type CreateRoomResponse } from '#shared/wire/api';
import { hashSecret } from '../auth/secrets.ts';
import type { DocStore } from '../persistence/doc-store.ts';

export async function createRoom(store: DocStore, input: { title?: string }): Promise<CreateRoomResponse> {
	const roomId = createRoomId();
	const facilitatorKey = createSecret();
	const observerId = createSecret();
	const title = input.title || DEFAULT_TITLE;
	const createdAt = Date.now();

	const board = new Y.Doc();
	initBoardDoc(board, { title, createdAt });
	await store.createRoom(
		{ roomId, title, facilitatorKeyHash: hashSecret(facilitatorKey), observerIdHash: hashSecret(observerId), createdAt },
		[{ roomId, docName: 'board', snapshot: Y.encodeStateAsUpdate(board) }]
	);
	board.destroy();

	return {
		roomId,
		title,
		createdAt,
		facilitatorKey,
		observerId,
		links: {
			participant: participantPath(roomId),
			facilitator: facilitatorPath(roomId, facilitatorKey),
			observer: observerPath(observerId)
		}
	};
}
