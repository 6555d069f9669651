/**
 * Reading other models' boards for their system (issue 15): the live document when the room is
 * loaded on this instance, else the stored one, read into a throwaway Y.Doc and dropped, so a
 * system page or a dependency lookup never keeps fifty rooms open. Only dependency streams keep
 * the rooms they watch loaded, and only while they are open (dependency-streams.ts).
 *
 * The figures of a board are kept while the board is unchanged: decoding a stored board and
 * reading it costs milliseconds per model (a 100-threat board: ~5 ms on a quiet machine), which a
 * system page pays for every model on every refresh. A loaded board's version is counted from its
 * updates; a stored board's is its log position and its snapshot's checksum, read with it. The
 * stored boards' figures are also written to the store with their token (DocStore.systems
 * getFigures/putFigures), so a restarted server does not decode every board of a system again.
 */
import { crc32 } from 'node:zlib';
import * as Y from 'yjs';
import { ModelFigures, readModelFigures } from '#shared/systems/status';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';

export interface BoardReader {
	/**
	 * The figures of a room's board, as readModelFigures reads them with no fallback title (the
	 * title is '' when the board has none); undefined when the room does not exist.
	 */
	figures(roomId: string): Promise<ModelFigures | undefined>;
}

/** Stored boards' figures kept, at most (a system page holds up to 200 models). */
const MAX_CACHED = 2_000;

export function createBoardReader(store: DocStore, rooms: RoomManager, log: Logger): BoardReader {
	/** Live documents: updates seen since the figures were read. */
	const live = new WeakMap<Y.Doc, { version: number; figures?: ModelFigures; read?: number }>();
	const stored = new Map<string, { token: string; figures: ModelFigures }>();

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
			const doc = await store.loadDoc({ roomId, docName: 'board' });
			if (doc.updates.length === 0) return undefined;
			// The snapshot (first, when the log does not hold everything) and the log position.
			const snapshot = doc.updates.length > doc.logLength ? doc.updates[0] : undefined;
			const token = `${doc.lastSeq}:${doc.logLength}:${snapshot ? `${snapshot.byteLength}:${crc32(snapshot)}` : '-'}`;
			const cached = stored.get(roomId);
			if (cached?.token === token) return cached.figures;
			const remember = (figures: ModelFigures) => {
				stored.delete(roomId);
				if (stored.size >= MAX_CACHED) stored.delete(stored.keys().next().value!);
				stored.set(roomId, { token, figures });
				return figures;
			};
			const kept = await store.systems.getFigures(roomId);
			if (kept?.token === token) {
				const parsed = ModelFigures.safeParse(parseJson(kept.figures));
				if (parsed.success) return remember(parsed.data);
			}
			const board = new Y.Doc({ gc: true });
			let figures: ModelFigures;
			try {
				Y.applyUpdate(board, doc.updates.length === 1 ? doc.updates[0] : Y.mergeUpdates(doc.updates));
				figures = readModelFigures(board, '');
			} finally {
				board.destroy();
			}
			// A cache: a failed write costs the next reader a recomputation.
			await store.systems.putFigures(roomId, token, JSON.stringify(figures)).catch((err: unknown) => {
				log.warn('systems: figures could not be kept', { room: roomTag(roomId), error: errorMessage(err) });
			});
			return remember(figures);
		}
	};
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
