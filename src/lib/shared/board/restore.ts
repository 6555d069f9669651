/**
 * Bringing a deleted note back when its deletion is no longer the last thing its author did (an
 * undo manager can only undo its latest step): what deleteNote removes is captured just before,
 * and written back under the same id, so links and votes that name the note find it again.
 */
import type * as Y from 'yjs';
import { linkEndpoints, linksMap, notesMap, readNote, votesMap, writeNewNote } from './doc.ts';
import { MAX_NOTE_TEXT_LENGTH, NoteInput, parseLink, parseVote, type LinkRecord, type Note } from './schema.ts';

/** A note as it was just before it was deleted: its fields and text, its links and its votes. */
export interface DeletedNote {
	note: Note;
	links: Array<{ key: string; record: LinkRecord }>;
	votes: Array<{ key: string; count: number }>;
}

/** What deleting `id` now would remove, or undefined when there is no valid note to capture. */
export function captureNote(doc: Y.Doc, id: string): DeletedNote | undefined {
	const note = readNote(doc, id);
	if (!note) return undefined;
	const links: DeletedNote['links'] = [];
	linksMap(doc).forEach((value, key) => {
		const link = parseLink(key, value);
		if (!link || !linkEndpoints(link).includes(id)) return;
		const { id: _key, ...record } = link;
		links.push({ key, record });
	});
	const votes: DeletedNote['votes'] = [];
	votesMap(doc).forEach((value, key) => {
		const vote = parseVote(key, value);
		if (vote?.noteId === id) votes.push({ key, count: vote.count });
	});
	return { note, links, votes };
}

/**
 * Writes a captured note back, in one transaction, with the links whose other note still exists
 * and the votes (tallies still count at most each voter's budget: see effectiveVotes). Entries
 * someone wrote meanwhile are left as they are. False when a note with that id exists already
 * (e.g. the deletion was undone another way).
 */
export function restoreNote(doc: Y.Doc, deleted: DeletedNote): boolean {
	const { note } = deleted;
	if (notesMap(doc).has(note.id)) return false;
	const { id, order, createdAt, ...rest } = note;
	const fields = NoteInput.parse({ ...rest, text: note.text.slice(0, MAX_NOTE_TEXT_LENGTH) });
	doc.transact(() => {
		writeNewNote(doc, id, { ...fields, order, createdAt });
		const links = linksMap(doc);
		for (const { key, record } of deleted.links) {
			const present = linkEndpoints(record).every((end) => end === id || notesMap(doc).has(end));
			if (present && !links.has(key)) links.set(key, record);
		}
		const votes = votesMap(doc);
		for (const { key, count } of deleted.votes) if (!votes.has(key)) votes.set(key, count);
	});
	return true;
}
