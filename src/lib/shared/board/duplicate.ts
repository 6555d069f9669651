/**
 * Duplicating a note: a new note right after it, with its text, colour and fields, concerning the
 * same diagram elements and linked to the same mitigations, assets and agents (a duplicate is a
 * variant of the threat, so it starts with the same connections). Votes, authorship and recorded
 * decisions and estimates stay with the original.
 */
import type * as Y from 'yjs';
import type { Person } from '../person.ts';
import { authorFields, createNote, linksMap, listNotes, readNote } from './doc.ts';
import { linksOf } from './links.ts';
import { orderKeyBetween } from './ordering.ts';
import { MAX_NOTE_TEXT_LENGTH, linkId, type LinkRecord, type Note, type NoteInput } from './schema.ts';

/** Creates the duplicate in one transaction and returns its id; undefined when there is no such note. */
export function duplicateNote(doc: Y.Doc, id: string, author: Person, now = Date.now()): string | undefined {
	const note = readNote(doc, id);
	if (!note) return undefined;
	let copy: string | undefined;
	doc.transact(() => {
		const column = listNotes(doc, { question: note.question });
		const next = column[column.findIndex((other) => other.id === id) + 1];
		const order = orderKeyBetween(note.order, next && next.order > note.order ? next.order : null);
		copy = createNote(doc, { ...copiedFields(note, authorFields(author)), order, createdAt: now });
		const links = linksMap(doc);
		for (const link of linksOf(doc, id)) {
			const record = retarget(link, id, copy, now);
			const key = linkId(record);
			if (!links.has(key)) links.set(key, record);
		}
	});
	return copy;
}

function copiedFields(note: Note, author: ReturnType<typeof authorFields>): NoteInput {
	const base = { ...author, question: note.question, text: note.text.slice(0, MAX_NOTE_TEXT_LENGTH), color: note.color };
	switch (note.kind) {
		case 'threat':
			// Accepted and Transferred stand for a recorded decision, which the copy does not have.
			return {
				...base,
				kind: 'threat',
				stride: note.stride,
				likelihood: note.likelihood,
				impact: note.impact,
				status: note.status === 'accepted' || note.status === 'transferred' ? 'open' : note.status
			};
		case 'mitigation':
			return { ...base, kind: 'mitigation', owner: note.owner, status: note.status };
		case 'agent':
			return { ...base, kind: 'agent', motivation: note.motivation, capability: note.capability };
		default:
			return { ...base, kind: note.kind };
	}
}

/** The same link with the copy in place of the original. */
function retarget(link: LinkRecord, from: string, to: string, now: number): LinkRecord {
	const swap = (end: string) => (end === from ? to : end);
	switch (link.kind) {
		case 'canvas':
			return { kind: 'canvas', noteId: to, elementId: link.elementId, createdAt: now };
		case 'mitigates':
			return { kind: 'mitigates', threatId: swap(link.threatId), mitigationId: swap(link.mitigationId), createdAt: now };
		case 'endangers':
			return { kind: 'endangers', threatId: swap(link.threatId), assetId: swap(link.assetId), createdAt: now };
		case 'agent':
			return { kind: 'agent', threatId: swap(link.threatId), agentId: swap(link.agentId), createdAt: now };
	}
}
