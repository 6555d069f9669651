/**
 * What a transaction changed on the board, for views that re-read only what changed, and the
 * types an undo manager of the board covers. Both only compare type identities: no record is
 * read or written here.
 */
import * as Y from 'yjs';
import { linksMap, notesMap, votesMap } from './doc.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types vary in their event type
type YType = Y.AbstractType<any>;

/**
 * Ids of the notes a transaction touched (created, deleted, or changed at any depth: text,
 * STRIDE letters, fields), found by walking each changed type up to the `notes` map. This is what
 * lets a keystroke re-read one note instead of the whole board.
 */
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

/**
 * Whether a transaction added or removed notes or moved one to another question: what changes
 * who has written in which question. Text edits (most transactions) do not.
 */
export function changesNotesPerQuestion(doc: Y.Doc, transaction: Y.Transaction): boolean {
	const notes: YType = notesMap(doc);
	for (const [type, keys] of transaction.changed) {
		if (type === notes) return true;
		if (type._item?.parent === notes && keys.has('question')) return true;
	}
	return false;
}

/** The roots an undo manager of the board covers: notes (with their text), links and votes. */
export function boardUndoScope(doc: Y.Doc): YType[] {
	return [notesMap(doc), linksMap(doc), votesMap(doc)];
}
