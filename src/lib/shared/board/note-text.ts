/**
 * The text of a note: a Y.Text, so two people typing in one note both keep their words.
 *
 * MAX_NOTE_TEXT_LENGTH is enforced here, on local writes only. A Y.Text cannot be hard-capped:
 * concurrent honest edits can together overshoot it and a hostile peer can write anything, so
 * readers (readNote) apply the looser MAX_NOTE_TEXT_READ_LENGTH and skip notes beyond it.
 */
import * as Y from 'yjs';
import { notesMap } from './doc.ts';
import { MAX_NOTE_TEXT_LENGTH } from './schema.ts';

/**
 * The shared text of a note, for binding an editor. Insert through insertNoteText/setNoteText:
 * they enforce MAX_NOTE_TEXT_LENGTH, which a direct Y.Text insert would bypass.
 */
export function getNoteText(doc: Y.Doc, id: string): Y.Text | undefined {
	const note = notesMap(doc).get(id);
	const text = note instanceof Y.Map ? note.get('text') : undefined;
	return text instanceof Y.Text ? text : undefined;
}

/**
 * Makes the note's text equal `next` (truncated to the cap) by replacing only the changed
 * middle, so a concurrent edit elsewhere in the text survives. Suits a textarea's input event.
 */
export function setNoteText(doc: Y.Doc, id: string, next: string): boolean {
	const text = getNoteText(doc, id);
	if (!text) return false;
	const current = text.toString();
	let start = 0;
	while (start < current.length && start < next.length && current[start] === next[start]) start++;
	let end = 0;
	while (
		end < current.length - start &&
		end < next.length - start &&
		current[current.length - 1 - end] === next[next.length - 1 - end]
	) {
		end++;
	}
	// Never cut through a surrogate pair: Yjs would store each half as U+FFFD.
	if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
	if (end > 0 && isLowSurrogate(current.charCodeAt(current.length - end))) end--;
	const removed = current.length - start - end;
	const room = MAX_NOTE_TEXT_LENGTH - (current.length - removed);
	const inserted = fitText(next.slice(start, next.length - end), room);
	doc.transact(() => {
		if (removed > 0) text.delete(start, removed);
		if (inserted.length > 0) text.insert(start, inserted);
	});
	return true;
}

/** Inserts as much of `value` as fits under the cap; returns how many code units went in. */
export function insertNoteText(doc: Y.Doc, id: string, index: number, value: string): number {
	const text = getNoteText(doc, id);
	if (!text) return 0;
	const inserted = fitText(value, MAX_NOTE_TEXT_LENGTH - text.length);
	if (inserted.length > 0) text.insert(Math.max(0, Math.min(index, text.length)), inserted);
	return inserted.length;
}

function fitText(value: string, room: number): string {
	if (value.length <= room) return value;
	const cut = Math.max(0, room);
	return isHighSurrogate(value.charCodeAt(cut - 1)) ? value.slice(0, cut - 1) : value.slice(0, cut);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
