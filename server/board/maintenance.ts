/**
 * Document upkeep when a room loads, as a room hook: both documents are brought up to this
 * code's schema once, here, before any client sees them, and orphaned board records are dropped;
 * the changes are persisted like any update. A document written by newer code is refused rather
 * than served to clients that would misread it.
 */
import type * as Y from 'yjs';
import { CANVAS_SCHEMA_KEY, canvasSchemaMap, pruneOrphans } from '#shared/board/doc';
import { TLDRAW_SCHEMA, canvasSchemaAge } from '#shared/canvas/tldraw-schema';
import { DocumentTooNewError, InvalidBoardDocumentError, migrateBoardDoc } from '#shared/board/migrations';
import { migrateControlDoc } from '#shared/control/migrations';
import type { Logger } from '../log.ts';
import type { RoomHooks } from '../rooms/hooks.ts';

export function createBoardMaintenance(log: Logger): RoomHooks {
	return {
		name: 'board-maintenance',
		afterLoad({ room }) {
			let done: Upkeep;
			try {
				done = upkeepDocs(room.docs.board.doc, room.docs.control.doc);
			} catch (err) {
				if (err instanceof DocumentTooNewError) log.error('board written by a newer Threatboard; refusing to serve it', { room: room.tag, found: err.found });
				throw err;
			}
			const { control, board, pruned, repaired } = done;
			if (control.from !== control.to) log.debug('control document migrated', { room: room.tag, ...control });
			if (!board) return log.warn('board has no readable metadata; served unmigrated', { room: room.tag });
			if (board.from !== board.to) log.info('board migrated', { room: room.tag, from: board.from, to: board.to });
			if (pruned.links + pruned.votes > 0) log.info('orphans pruned', { room: room.tag, ...pruned });
			if (repaired) log.warn('canvas schema repaired', { room: room.tag });
		}
	};
}

interface Upkeep {
	control: ReturnType<typeof migrateControlDoc>;
	/** Undefined when the board has no readable metadata (served unmigrated). */
	board?: ReturnType<typeof migrateBoardDoc>;
	pruned: ReturnType<typeof pruneOrphans>;
	repaired: boolean;
}

/**
 * Brings both documents up to this code's schema, drops orphaned links and votes (links and
 * votes whose note was deleted concurrently elsewhere are hidden by every reader; with the whole
 * committed document at hand they are removed) and repairs a damaged canvas schema. Run when a
 * room loads, and by the export worker on its copy of a room read from the store. Throws
 * DocumentTooNewError for a board written by newer code.
 */
export function upkeepDocs(board: Y.Doc, control: Y.Doc): Upkeep {
	const controlMigrated = migrateControlDoc(control);
	try {
		const boardMigrated = migrateBoardDoc(board);
		return { control: controlMigrated, board: boardMigrated, pruned: pruneOrphans(board), repaired: repairCanvasSchema(board) };
	} catch (err) {
		if (!(err instanceof InvalidBoardDocumentError)) throw err;
		return { control: controlMigrated, pruned: { links: 0, votes: 0 }, repaired: false };
	}
}

/**
 * A canvas schema no Threatboard wrote (one that claims a tldraw "from the future", written by a
 * hostile peer before writes were checked) would keep every browser out of the diagram with
 * "this tab is out of date". It is replaced by this build's: browsers then validate each record
 * as usual and skip any they cannot read. True when it was repaired.
 */
function repairCanvasSchema(board: Y.Doc): boolean {
	const schemas = canvasSchemaMap(board);
	const stored: unknown = schemas.get(CANVAS_SCHEMA_KEY);
	const extraKeys = [...schemas.keys()].filter((key) => key !== CANVAS_SCHEMA_KEY);
	if ((stored === undefined || canvasSchemaAge(stored) !== 'unusable') && extraKeys.length === 0) return false;
	board.transact(() => {
		for (const key of extraKeys) schemas.delete(key);
		if (stored !== undefined && canvasSchemaAge(stored) === 'unusable') schemas.set(CANVAS_SCHEMA_KEY, TLDRAW_SCHEMA);
	});
	return true;
}
