/**
 * What a participant may write into the board, as a room hook (checkUpdate): only the board's
 * own roots, and the keys that only the app's own code sets only to the values it sets them to.
 * - Unknown roots: no client code writes them; a peer that does is hostile or broken.
 * - canvasSchema: tldraw's schema, written by a client only when it creates or migrates the
 *   canvas, and always as this build's schema. Any other value (a version "from the future")
 *   would tell every browser that the diagram needs a newer tldraw: one write would lock everyone
 *   out of the canvas, persistently.
 * - meta.schemaVersion: set by migrations to this code's version; a higher one would make the
 *   server refuse the room as written by newer code.
 * Removing one of these entries (a delete without a new value) is refused likewise.
 * - Canvas records: the diagram's own types under their own ids, shapes of a bounded size and
 *   never inside themselves (shared/canvas/record-rules.ts).
 * - A dependency element (a canvas record tagged model-dependency) names another model of the
 *   system by its model ref and nothing else: a malformed ref, or anything in it that looks like
 *   a room id, a key or a room link, is refused (see systems/dependency-record.ts).
 */
import type * as Y from 'yjs';
import { BOARD_ROOTS, CANVAS_SCHEMA_KEY, canvasMap } from '#shared/board/doc';
import { SCHEMA_VERSION } from '#shared/board/schema';
import { canvasRecordProblem, shapeParentId, shapeParentsLoop } from '#shared/canvas/record-rules';
import { isCurrentCanvasSchema } from '#shared/canvas/tldraw-schema';
import { dependencyRecordProblem } from '#shared/systems/dependency-record';
import { CloseCode } from '#shared/wire/protocol';
import type { RoomHooks, WriteRefusal } from '../rooms/hooks.ts';
import { entryId, type UpdateSummary } from '../rooms/update-scan.ts';

/** Roots clients write. Others in the board (none yet) are the server's. */
const CLIENT_ROOTS = new Set<string>(Object.values(BOARD_ROOTS));

/** Entries whose value is fixed by the app: the rule for each, by root and key. */
const GUARDED: Record<string, (key: string | null, value: unknown) => boolean> = {
	[BOARD_ROOTS.canvasSchema]: (key, value) => key === CANVAS_SCHEMA_KEY && isCurrentCanvasSchema(value),
	[BOARD_ROOTS.meta]: (key, value) => key !== 'schemaVersion' || value === SCHEMA_VERSION
};

const refuse = (reason: string): WriteRefusal => ({ kind: 'reject', code: CloseCode.UpdateRefused, reason });

export function checkBoardWrite(summary: UpdateSummary): WriteRefusal | undefined {
	for (const entry of summary.written) if (!CLIENT_ROOTS.has(entry.root)) return refuse('writes outside the board');
	for (const entry of summary.deleted) if (!CLIENT_ROOTS.has(entry.root)) return refuse('writes outside the board');
	for (const { root, key, value } of summary.values) {
		const problem = root === BOARD_ROOTS.canvas ? (canvasRecordProblem(key ?? '', value) ?? dependencyRecordProblem(value)) : undefined;
		if (problem) return refuse(`writes ${problem}`);
	}
	// The values set directly under a root key (the last one per key), built only when a guarded
	// entry is written or deleted: most updates touch none.
	let setValues: Map<string, unknown> | undefined;
	const setValuesOf = () => {
		if (!setValues) {
			setValues = new Map();
			for (const { root, key, value } of summary.values) setValues.set(entryId({ root, key }), value);
		}
		return setValues;
	};
	for (const entry of summary.written) {
		const rule = GUARDED[entry.root];
		if (!rule) continue;
		const id = entryId(entry);
		const values = setValuesOf();
		// Written inside (not set as a whole) or set to a value the app never writes.
		if (!values.has(id) || !rule(entry.key, values.get(id))) return refuse(`writes ${entry.root} as only the app may`);
	}
	for (const entry of summary.deleted) {
		// An overwrite deletes the old value of the same key; a bare deletion is refused.
		const fixed = entry.root === BOARD_ROOTS.canvasSchema || (entry.root === BOARD_ROOTS.meta && entry.key !== null);
		if (fixed && !setValuesOf().has(entryId(entry))) return refuse(`removes ${entry.root} entries`);
	}
	return undefined;
}

/**
 * Shapes the update puts in a loop of parents (with what the board holds): tldraw follows parent
 * links without end, and every tab showing the canvas hangs (shared/canvas/record-rules.ts).
 */
export function checkShapeParents(board: Y.Doc, summary: UpdateSummary): WriteRefusal | undefined {
	let written: Map<string, unknown> | undefined;
	for (const { root, key, value } of summary.values) {
		if (root === BOARD_ROOTS.canvas && key !== null && shapeParentId(value) !== undefined) (written ??= new Map()).set(key, value);
	}
	if (!written) return undefined;
	const canvas = canvasMap(board);
	const parentOf = (id: string) => shapeParentId(written.has(id) ? written.get(id) : canvas.get(id));
	for (const id of written.keys()) if (shapeParentsLoop(id, parentOf)) return refuse('writes shapes inside each other in a loop');
	return undefined;
}

export const boardWriteRules: RoomHooks = {
	name: 'board-write-rules',
	checkUpdate({ room, docName, summary }) {
		if (docName !== 'board') return undefined;
		return checkBoardWrite(summary) ?? checkShapeParents(room.docs.board.doc, summary);
	}
};
