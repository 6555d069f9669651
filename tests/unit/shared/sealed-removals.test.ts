/**
 * What removed notes held, in the sealed document: read back as written, replaced by a later removal,
 * and trimmed to the newest MAX_REMEMBERED_REMOVALS, so a participant deleting notes in a loop
 * cannot grow the room's sealed document without bound.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { countRemovedNotes, MAX_REMEMBERED_REMOVALS, readRemovedNote, rememberRemovedNotes, type RemovedNote } from '../../../src/lib/shared/sealed/doc.ts';

const held = (at: number, authorId: string | null = 'ada'): RemovedNote => ({ author: 'Ada', authorId, estimate: null, votes: { [`ada:n${at}`]: 2 }, at });

describe('removed notes in the sealed document', () => {
	it('reads back what was written, and nothing for a note never removed', () => {
		const doc = new Y.Doc();
		rememberRemovedNotes(doc, new Map([['n1', { ...held(1), estimate: { likelihood: 2, impact: 3 } }]]));
		expect(readRemovedNote(doc, 'n1')).toEqual({ author: 'Ada', authorId: 'ada', estimate: { likelihood: 2, impact: 3 }, votes: { 'ada:n1': 2 }, at: 1 });
		expect(readRemovedNote(doc, 'n2')).toBeUndefined();
	});

	it('a later removal of the same note replaces its record', () => {
		const doc = new Y.Doc();
		rememberRemovedNotes(doc, new Map([['n1', held(1)]]));
		rememberRemovedNotes(doc, new Map([['n1', held(5, null)]]));
		expect(readRemovedNote(doc, 'n1')).toMatchObject({ authorId: null, at: 5 });
		expect(countRemovedNotes(doc)).toBe(1);
	});

	it(`keeps the newest ${MAX_REMEMBERED_REMOVALS.toLocaleString('en')} records, forgetting the oldest`, () => {
		const doc = new Y.Doc();
		const total = MAX_REMEMBERED_REMOVALS * 2;
		for (let i = 0; i < total; i++) rememberRemovedNotes(doc, new Map([[`n${i}`, held(i)]]));
		expect(countRemovedNotes(doc)).toBeLessThanOrEqual(MAX_REMEMBERED_REMOVALS * 1.1 + 1);
		expect(readRemovedNote(doc, `n${total - 1}`)).toBeDefined();
		expect(readRemovedNote(doc, `n${total - MAX_REMEMBERED_REMOVALS}`)).toBeDefined();
		expect(readRemovedNote(doc, 'n0')).toBeUndefined();
	});
});
