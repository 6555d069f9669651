/**
 * A model's figures for a workshop's dependency elements (issue 15, item 3): the live document
 * when the room is loaded on this instance (a live dependency stream holds the rooms it watches,
 * so their changes show at once, before they are computed for the store), else the figures kept
 * in the store (model-figures.ts). A loaded board's figures are read again only after it changed,
 * from its committed updates, in the figures worker (figures-runner.ts).
 */
import type * as Y from 'yjs';
import type { ModelFigures } from '#shared/systems/status';
import type { DocStore } from '../persistence/doc-store.ts';
import type { Room } from '../rooms/room.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { sharedFiguresRunner, type FiguresRunner } from './figures-runner.ts';
import type { ModelFiguresKeeper } from './model-figures.ts';

export interface BoardReader {
	/**
	 * The figures of a room's board, as readModelFigures reads them with no fallback title (the
	 * title is '' when the board has none); undefined when the room does not exist.
	 */
	figures(roomId: string): Promise<ModelFigures | undefined>;
}

export function createBoardReader(store: DocStore, rooms: RoomManager, kept: ModelFiguresKeeper, runner: FiguresRunner = sharedFiguresRunner()): BoardReader {
	/** Live documents: updates seen since the figures were read, and the read under way. */
	const live = new WeakMap<Y.Doc, LiveEntry>();

	/**
	 * Read from the board's committed updates in the figures worker, one read at a time per board
	 * (callers meanwhile share it): read on the event loop, a 2,400-threat board's figures took
	 * a few hundred ms, again after every edit, for any observer asking for its dependencies.
	 */
	async function liveFigures(room: Room): Promise<ModelFigures> {
		const doc = room.docs.board.doc;
		let entry = live.get(doc);
		if (!entry) {
			const fresh: LiveEntry = { version: 0 };
			doc.on('update', () => fresh.version++);
			live.set(doc, (entry = fresh));
		}
		const current = entry;
		if (current.figures && current.read === current.version) return current.figures;
		// A read asked for since the last change is shared; one asked for before it is not (it
		// may have taken the board before that change): a new read follows it.
		if (current.reading?.asked === current.version) return current.reading.figures;
		const before = current.reading?.figures.catch(() => undefined);
		const asked = current.version;
		const figures = (async () => {
			await before;
			const { updates, taken } = await room.docs.board.settledUpdates(() => current.version, SETTLE_TIMEOUT_MS);
			const read = await runner.figures(updates);
			if (current.read === undefined || taken >= current.read) {
				current.figures = read;
				current.read = taken;
			}
			return read;
		})();
		const reading = { asked, figures };
		current.reading = reading;
		void figures.finally(() => {
			if (current.reading === reading) current.reading = undefined;
		}).catch(() => undefined);
		return figures;
	}

	return {
		async figures(roomId) {
			if (rooms.isServing(roomId)) {
				const record = await store.getRoom(roomId);
				if (!record) return undefined;
				const room = await rooms.acquire(record);
				try {
					return await liveFigures(room);
				} catch {
					// The board did not settle (the store failing, or edits never pausing): what the
					// store keeps for it, a little behind.
				} finally {
					rooms.release(roomId);
				}
			}
			return (await kept.read([roomId])).get(roomId)?.figures;
		}
	};
}

interface LiveEntry {
	version: number;
	figures?: ModelFigures;
	/** The version the figures were read at. */
	read?: number;
	/** The read under way, and the version when it was asked for. */
	reading?: { asked: number; figures: Promise<ModelFigures> };
}

/** Longest a live read waits for the board's commits to settle before using the kept figures. */
const SETTLE_TIMEOUT_MS = 5_000;
