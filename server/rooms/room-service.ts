/** Creating rooms: ids, secrets (stored only as hashes) and the initial documents. */
import * as Y from 'yjs';
import { createRoomId, createSecret } from '#shared/ids';
import { initBoardDoc } from '#shared/board/doc';
import { DEFAULT_TITLE, facilitatorPath, observerPath, participantPath, type CreateRoomResponse } from '#shared/wire/api';
import { hashSecret } from '../auth/secrets.ts';
import type { DocStore } from '../persistence/doc-store.ts';

export interface CreateRoomInput {
	title?: string;
	/**
	 * The room's documents, already built (an import, server/import/): encoded Yjs updates used as
	 * their initial snapshots, and when the room was created (an imported workshop keeps its date).
	 * The board must already hold the room's metadata (initBoardDoc).
	 */
	initial?: { createdAt: number; board: Uint8Array; control?: Uint8Array };
}

export async function createRoom(store: DocStore, input: CreateRoomInput): Promise<CreateRoomResponse> {
	const roomId = createRoomId();
	const facilitatorKey = createSecret();
	const observerId = createSecret();
	const title = input.title || DEFAULT_TITLE;
	const createdAt = input.initial?.createdAt ?? Date.now();

	let board = input.initial?.board;
	if (!board) {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title, createdAt });
		board = Y.encodeStateAsUpdate(doc);
		doc.destroy();
	}
	const control = input.initial?.control;
	await store.createRoom(
		{ roomId, title, facilitatorKeyHash: hashSecret(facilitatorKey), observerIdHash: hashSecret(observerId), createdAt },
		[{ roomId, docName: 'board', snapshot: board }, ...(control ? [{ roomId, docName: 'control' as const, snapshot: control }] : [])]
	);

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
