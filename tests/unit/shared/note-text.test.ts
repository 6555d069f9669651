import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, initBoardDoc, readNote } from '../../../src/lib/shared/board/doc.ts';
import { getNoteText, insertNoteText, setNoteText } from '../../../src/lib/shared/board/note-text.ts';
import { MAX_NOTE_TEXT_LENGTH, MAX_NOTE_TEXT_READ_LENGTH } from '../../../src/lib/shared/board/schema.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function sync(...docs: Y.Doc[]): void {
	for (const from of docs) {
		for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
	}
}

function boardWithNote(text = ''): { doc: Y.Doc; id: string } {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	return { doc, id: createNote(doc, { kind: 'threat', question: 2, text, ...AUTHOR }) };
}

describe('note text', () => {
	it('exposes the Y.Text of a note, and nothing for a missing note', () => {
		const { doc, id } = boardWithNote('hello');
		expect(getNoteText(doc, id)).toBeInstanceOf(Y.Text);
		expect(getNoteText(doc, id)?.toString()).toBe('hello');
		expect(getNoteText(doc, 'missing')).toBeUndefined();
		deleteNote(doc, id);
		expect(setNoteText(doc, id, 'late')).toBe(false);
		expect(insertNoteText(doc, id, 0, 'late')).toBe(0);
	});

	it('merges two people typing into one note', () => {
		const { doc: alice, id } = boardWithNote('token replay');
		const bob = new Y.Doc();
		sync(alice, bob);
		insertNoteText(alice, id, 0, 'JWT ');
		insertNoteText(bob, id, 'token replay'.length, ' via logs');
		sync(alice, bob);
		expect(readNote(alice, id)?.text).toBe('JWT token replay via logs');
		expect(readNote(bob, id)?.text).toBe('JWT token replay via logs');
	});

	it('setNoteText replaces only the changed middle, so a concurrent edit survives', () => {
		const { doc: alice, id } = boardWithNote('attacker reads the logs');
		const bob = new Y.Doc();
		sync(alice, bob);
		// Alice edits the start in her textarea while Bob appends at the end.
		setNoteText(alice, id, 'insider reads the logs');
		setNoteText(bob, id, 'attacker reads the logs and backups');
		sync(alice, bob);
		expect(readNote(alice, id)?.text).toBe('insider reads the logs and backups');
		expect(readNote(bob, id)?.text).toBe(readNote(alice, id)?.text);
	});

	it('caps local writes at MAX_NOTE_TEXT_LENGTH', () => {
		const { doc, id } = boardWithNote('x'.repeat(MAX_NOTE_TEXT_LENGTH - 3));
		expect(insertNoteText(doc, id, 0, 'abcdef')).toBe(3);
		expect(getNoteText(doc, id)?.toString().startsWith('abcx')).toBe(true);
		expect(insertNoteText(doc, id, 0, 'more')).toBe(0);
		setNoteText(doc, id, 'y'.repeat(MAX_NOTE_TEXT_LENGTH * 2));
		expect(getNoteText(doc, id)?.length).toBe(MAX_NOTE_TEXT_LENGTH);
	});

	it('never splits a surrogate pair when truncating or diffing', () => {
		const { doc, id } = boardWithNote('x'.repeat(MAX_NOTE_TEXT_LENGTH - 1));
		expect(insertNoteText(doc, id, 0, '😀')).toBe(0);
		setNoteText(doc, id, 'a😀b');
		// Same high surrogate, different low one: the diff must replace the whole character.
		setNoteText(doc, id, 'a😁b');
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		expect(getNoteText(copy, id)?.toString()).toBe('a😁b');
	});

	it('still reads a note that honest concurrent typing pushed a little over the cap', () => {
		const { doc: alice, id } = boardWithNote('x'.repeat(MAX_NOTE_TEXT_LENGTH - 2));
		const bob = new Y.Doc();
		sync(alice, bob);
		expect(insertNoteText(alice, id, 0, 'ab')).toBe(2);
		expect(insertNoteText(bob, id, 0, 'cd')).toBe(2);
		sync(alice, bob);
		expect(readNote(alice, id)?.text.length).toBe(MAX_NOTE_TEXT_LENGTH + 2);
		// A hostile peer writing straight into the Y.Text past the read cap hides the note instead.
		getNoteText(bob, id)?.insert(0, 'z'.repeat(MAX_NOTE_TEXT_READ_LENGTH));
		expect(readNote(bob, id)).toBeUndefined();
	});
});
