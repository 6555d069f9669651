/**
 * The store re-reads only the notes a transaction touched. Runs the rune class under vitest
 * (Svelte compiles .svelte.ts modules for the test), against a real Y.Doc.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, initBoardDoc, moveNote, notesMap, setStrideLetter } from '#shared/board-doc';
import { addLink } from '#shared/board-links';
import { castVote } from '#shared/board-votes';
import { setNoteText } from '#shared/note-text';
import { changedNoteIds } from './doc-observe.ts';

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
