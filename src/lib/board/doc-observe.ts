/**
 * The two places the board needs the document's Yjs types rather than snapshots, kept in one
 * small file so they can move into src/lib/shared as accessors (`changedNoteIds`,
 * `boardUndoScope`) without the rest of the board noticing. Both only read type identities; no
 * record is read or written here.
 */
import * as Y from 'yjs';
import { linksMap, notesMap, votesMap } from '#shared/board-doc';

/**
 * Ids of the notes a transaction touched (created, deleted, or changed at any depth: text,
 * STRIDE letters, fields), found by walking each changed type up to the `notes` map. This is what
 * lets a keystroke re-read one note instead of the whole board.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types vary in their event type
type YType = Y.AbstractType<any>;

export function changedNoteIds(doc: Y.Doc, transaction: Y.Transaction): Set<string> {
	const notes: YType = notesMap(doc);
	const ids = new Set<string>();
	for (const [type, keys] of transaction.changed) {
		if (type === notes) {
			for (const key of keys) if (key !== null) ids.add(key);
			continue;
		}
		const id = noteIdAbove(type, notes);
		if (id !== undefined) ids.add(id);
	}
	return ids;
}

function noteIdAbove(type: YType, notes: YType): string | undefined {
	let current: YType | null = type;
	while (current?._item) {
		const parent: unknown = current._item.parent;
		if (parent === notes) return current._item.parentSub ?? undefined;
		current = parent instanceof Y.AbstractType ? parent : null;
	}
	return undefined;
}

/** The roots an undo manager covers: notes (with their text), links and votes. */
export function boardUndoScope(doc: Y.Doc): YType[] {
	return [notesMap(doc), linksMap(doc), votesMap(doc)];
}
