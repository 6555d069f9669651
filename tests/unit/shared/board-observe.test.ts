/**
 * changedNoteIds: what lets the board re-read only the notes a transaction touched, and
 * boardUndoScope: what an undo manager of the board covers. Against real Y.Docs.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, initBoardDoc, moveNote, notesMap, orderKeyAt, readNote, setStrideLetter } from '../../../src/lib/shared/board/doc.ts';
import { addLink, listLinks } from '../../../src/lib/shared/board/links.ts';
import { boardUndoScope, changedNoteIds, changesNotesPerQuestion } from '../../../src/lib/shared/board/observe.ts';
import { castVote, listVotes } from '../../../src/lib/shared/board/votes.ts';
import { setNoteText } from '../../../src/lib/shared/board/note-text.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function board() {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	const a = createNote(doc, { kind: 'threat', question: 2, text: 'a', ...AUTHOR });
	const b = createNote(doc, { kind: 'mitigation', question: 3, text: 'b', ...AUTHOR });
	return { doc, a, b };
}

function touched(doc: Y.Doc, write: () => void): string[] {
	let ids: string[] = [];
	const handler = (tr: Y.Transaction) => (ids = [...changedNoteIds(doc, tr)]);
	doc.on('afterTransaction', handler);
	write();
	doc.off('afterTransaction', handler);
	return ids.sort();
}

describe('changedNoteIds', () => {
	it('names the note whose text, fields or STRIDE letters changed', () => {
		const { doc, a, b } = board();
		expect(touched(doc, () => setNoteText(doc, a, 'abc'))).toEqual([a]);
		expect(touched(doc, () => setStrideLetter(doc, a, 'S', true))).toEqual([a]);
		expect(touched(doc, () => moveNote(doc, b, { question: 3, order: 'V' }))).toEqual([b]);
	});
	it('names created and deleted notes, and nothing for links or votes', () => {
		const { doc, a, b } = board();
		let created = '';
		expect(touched(doc, () => (created = createNote(doc, { kind: 'retro', question: 4, ...AUTHOR })))).toEqual([created]);
		expect(touched(doc, () => addLink(doc, { kind: 'mitigates', a, b }))).toEqual([]);
		expect(touched(doc, () => castVote(doc, 'v1', a, 5))).toEqual([]);
		expect(touched(doc, () => deleteNote(doc, a))).toEqual([a]);
		expect(notesMap(doc).size).toBe(2);
	});
	it('names every note of a remote update that carries several', () => {
		const { doc, a } = board();
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		other.transact(() => {
			setNoteText(other, a, 'remote');
			createNote(other, { kind: 'threat', question: 2, ...AUTHOR });
		});
		const ids = touched(doc, () => Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc))));
		expect(ids).toHaveLength(2);
		expect(ids).toContain(a);
	});
});

describe('boardUndoScope', () => {
	it('undoes a note with its text, a link and a vote, and not the meta', () => {
		const { doc, a, b } = board();
		const undo = new Y.UndoManager(boardUndoScope(doc), { captureTimeout: 0 });
		doc.transact(() => {
			setNoteText(doc, a, 'changed');
			addLink(doc, { kind: 'mitigates', a, b });
			castVote(doc, 'v1', a, 5);
		});
		undo.undo();
		expect(readNote(doc, a)?.text).toBe('a');
		expect(listLinks(doc)).toEqual([]);
		expect(listVotes(doc)).toEqual([]);
		undo.destroy();
	});
});

describe('changesNotesPerQuestion', () => {
	function changes(doc: Y.Doc, write: () => void): boolean {
		let result = false;
		const handler = (tr: Y.Transaction) => (result = changesNotesPerQuestion(doc, tr));
		doc.on('afterTransaction', handler);
		write();
		doc.off('afterTransaction', handler);
		return result;
	}

	it('is false for text and field edits, true for creating, deleting and moving notes', () => {
		const { doc, a, b } = board();
		expect(changes(doc, () => setNoteText(doc, a, 'typed'))).toBe(false);
		expect(changes(doc, () => setStrideLetter(doc, a, 'S', true))).toBe(false);
		expect(changes(doc, () => createNote(doc, { kind: 'threat', question: 2, ...AUTHOR }))).toBe(true);
		expect(changes(doc, () => moveNote(doc, b, { question: 4, order: orderKeyAt(doc, 4, 0) }))).toBe(true);
		expect(changes(doc, () => deleteNote(doc, a))).toBe(true);
	});
});
