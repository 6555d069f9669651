/**
 * A model's figures for a workshop's dependency elements (issue 15, item 3): the live document
 * when the room is loaded on this instance (a live dependency stream holds the rooms it watches,
 * so their changes show at once, before they are computed for the store), else the figures kept
 * in the store (model-figures.ts). A loaded board's figures are read again only after it changed.
 */
import type * as Y from 'yjs';
import { readModelFigures, type ModelFigures } from '#shared/systems/status';
import type { DocStore } from '../persistence/doc-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { ModelFiguresKeeper } from './model-figures.ts';

export interface BoardReader {
	/**
	 * The figures of a room's board, as readModelFigures reads them with no fallback title (the
	 * title is '' when the board has none); undefined when the room does not exist.
	 */
	figures(roomId: string): Promise<ModelFigures | undefined>;
}

export function createBoardReader(store: DocStore, rooms: RoomManager, kept: ModelFiguresKeeper): BoardReader {
	/** Live documents: updates seen since the figures were read. */
	const live = new WeakMap<Y.Doc, { version: number; figures?: ModelFigures; read?: number }>();

	function liveFigures(doc: Y.Doc): ModelFigures {
		let entry = live.get(doc);
		if (!entry) {
			const fresh: { version: number; figures?: ModelFigures; read?: number } = { version: 0 };
			doc.on('update', () => fresh.version++);
			live.set(doc, (entry = fresh));
		}
		if (entry.figures && entry.read === entry.version) return entry.figures;
		entry.figures = readModelFigures(doc, '');
		entry.read = entry.version;
		return entry.figures;
	}

	return {
		async figures(roomId) {
			if (rooms.isLoaded(roomId)) {
				const record = await store.getRoom(roomId);
				if (!record) return undefined;
				const room = await rooms.acquire(record);
				try {
					return liveFigures(room.docs.board.doc);
				} finally {
					rooms.release(roomId);
				}
			}
			return (await kept.read([roomId])).get(roomId)?.figures;
		}
	};
}
