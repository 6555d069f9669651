import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ZodError } from 'zod';
import { createNote, initBoardDoc, notesMap, votesMap, type LiveNotes } from '../../../src/lib/shared/board/doc.ts';
import {
	castVote,
	clearVotes,
	effectiveVotes,
	listVotes,
	removeVote,
	votesFor,
	votesOf,
	votesUsedBy
} from '../../../src/lib/shared/board/votes.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function fork(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

function board(noteCount = 3) {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	const notes = Array.from({ length: noteCount }, () => createNote(doc, { kind: 'threat', question: 2, ...AUTHOR }));
	return { doc, notes };
}

describe('votes', () => {
	it('casts, counts and removes dots', () => {
		const { doc, notes: [a, b] } = board();
		expect(castVote(doc, 'ann', a, 3)).toEqual({ ok: true, count: 1 });
		expect(castVote(doc, 'ann', a, 3)).toEqual({ ok: true, count: 2 });
		expect(castVote(doc, 'bob', a, 3)).toEqual({ ok: true, count: 1 });
		expect(castVote(doc, 'bob', b, 3)).toEqual({ ok: true, count: 1 });
		expect(votesFor(doc, a)).toBe(3);
		expect(votesUsedBy(doc, 'ann')).toBe(2);
		expect(votesOf(doc, 'bob')).toEqual(new Map([[a, 1], [b, 1]]));

		expect(removeVote(doc, 'ann', a)).toBe(true);
		expect(votesFor(doc, a)).toBe(2);
		expect(removeVote(doc, 'ann', a)).toBe(true);
		expect(removeVote(doc, 'ann', a)).toBe(false);
		expect(votesUsedBy(doc, 'ann')).toBe(0);
		expect(votesMap(doc).has(`ann:${a}`)).toBe(false);
	});

	it('refuses a dot over the budget, across notes', () => {
		const { doc, notes: [a, b, c] } = board();
		expect(castVote(doc, 'ann', a, 2).ok).toBe(true);
		expect(castVote(doc, 'ann', b, 2).ok).toBe(true);
		expect(castVote(doc, 'ann', c, 2)).toEqual({ ok: false, reason: 'over_budget' });
		expect(castVote(doc, 'ann', a, 2)).toEqual({ ok: false, reason: 'over_budget' });
		expect(castVote(doc, 'bob', c, 2).ok).toBe(true);
		expect(castVote(doc, 'ann', c, 0)).toEqual({ ok: false, reason: 'over_budget' });
		expect(votesUsedBy(doc, 'ann')).toBe(2);
	});

	it('refuses missing notes, bad voter ids and bad budgets', () => {
		const { doc, notes: [a] } = board();
		expect(castVote(doc, 'ann', 'missing', 3)).toEqual({ ok: false, reason: 'note_not_found' });
		expect(() => castVote(doc, 'ann:x', a, 3)).toThrow(ZodError);
		expect(() => castVote(doc, 'ann', a, -1)).toThrow(ZodError);
		expect(() => castVote(doc, 'ann', a, 1.5)).toThrow(ZodError);
		expect(votesMap(doc).size).toBe(0);
	});

	it('ignores malformed vote entries and removes them on removeVote', () => {
		const { doc, notes: [a, b] } = board();
		votesMap(doc).set(`eve:${a}`, 1_000_000);
		votesMap(doc).set(`eve:${b}`, 'lots');
		votesMap(doc).set(`eve:${a}:extra`, 1);
		votesMap(doc).set('nocolon', 1);
		votesMap(doc).set(`eve:${a}x`, 2.5);
		expect(listVotes(doc)).toEqual([]);
		expect(votesFor(doc, a)).toBe(0);
		expect(castVote(doc, 'eve', a, 1)).toEqual({ ok: true, count: 1 });
		votesMap(doc).set(`eve:${b}`, 'lots');
		expect(removeVote(doc, 'eve', b)).toBe(true);
		expect(votesMap(doc).has(`eve:${b}`)).toBe(false);
	});

	it('clears every vote in one go', () => {
		const { doc, notes: [a, b] } = board();
		castVote(doc, 'ann', a, 3);
		castVote(doc, 'bob', b, 3);
		expect(clearVotes(doc)).toBe(2);
		expect(listVotes(doc)).toEqual([]);
	});
});

describe('budget in a CRDT', () => {
	it('two tabs of one voter can both succeed locally and go over budget together', () => {
		const { doc: tab1, notes: [a, b, c] } = board();
		castVote(tab1, 'ann', a, 2);
		const tab2 = fork(tab1);
		expect(castVote(tab1, 'ann', b, 2).ok).toBe(true);
		expect(castVote(tab2, 'ann', c, 2).ok).toBe(true);
		Y.applyUpdate(tab1, Y.encodeStateAsUpdate(tab2));
		expect(votesUsedBy(tab1, 'ann')).toBe(3);
		// effectiveVotes counts only the first two dots in key order (by note id for one voter).
		const counted = [a, b, c].sort().slice(0, 2);
		expect(effectiveVotes(tab1, 2)).toEqual(new Map(counted.map((id) => [id, 1])));
		// And no further dot can be cast.
		expect(castVote(tab1, 'ann', a, 2)).toEqual({ ok: false, reason: 'over_budget' });
	});

	it('effectiveVotes caps a hostile count at the budget and leaves honest voters alone', () => {
		const { doc, notes: [a, b] } = board();
		votesMap(doc).set(`eve:${a}`, 50);
		castVote(doc, 'ann', a, 3);
		castVote(doc, 'ann', b, 3);
		expect(votesFor(doc, a)).toBe(51);
		expect(effectiveVotes(doc, 3)).toEqual(new Map([[a, 4], [b, 1]]));
	});

	it('gives every client the same totals whatever order the updates arrived in', () => {
		const { doc: base, notes } = board(5);
		const clients = [fork(base), fork(base), fork(base)];
		const voters = ['ann', 'bob', 'cyd'];
		// Each voter votes from two tabs concurrently, so each ends up over budget.
		clients.forEach((doc, i) => {
			const tabA = doc;
			const tabB = fork(doc);
			notes.slice(0, 3).forEach((note) => castVote(tabA, voters[i], note, 3));
			notes.slice(2).forEach((note) => castVote(tabB, voters[i], note, 3));
			Y.applyUpdate(tabA, Y.encodeStateAsUpdate(tabB));
		});
		const updates = clients.map((doc) => Y.encodeStateAsUpdate(doc));
		const orders = [
			[0, 1, 2],
			[2, 1, 0],
			[1, 2, 0]
		];
		const merged = orders.map((order) => {
			const doc = fork(base);
			for (const i of order) Y.applyUpdate(doc, updates[i]);
			return doc;
		});
		const totals = merged.map((doc) => effectiveVotes(doc, 3));
		expect(totals[1]).toEqual(totals[0]);
		expect(totals[2]).toEqual(totals[0]);
		const sum = [...totals[0].values()].reduce((x, y) => x + y, 0);
		expect(sum).toBe(9);
		// 3 + 3 dots, but both tabs wrote count 1 under the same key for the shared note: 5.
		expect(votesUsedBy(merged[0], 'ann')).toBe(5);
	});

	it('tallies against the live notes a view passes in, without reading the notes', () => {
		const { doc, notes: [a, b] } = board();
		castVote(doc, 'ann', a, 3);
		castVote(doc, 'ann', b, 3);
		castVote(doc, 'bob', b, 3);
		let reads = 0;
		const live: LiveNotes = { get: (id) => (reads++, id === b ? { kind: 'threat' } : undefined) };
		// The document is never asked for a note: break them all to prove it.
		notesMap(doc).forEach((note) => (note as Y.Map<unknown>).set('kind', 'not a kind'));
		expect(effectiveVotes(doc, 3, live)).toEqual(new Map([[b, 2]]));
		expect(votesOf(doc, 'ann', live)).toEqual(new Map([[b, 1]]));
		expect(votesUsedBy(doc, 'bob', live)).toBe(1);
		expect(listVotes(doc, live)).toHaveLength(2);
		expect(reads).toBeGreaterThan(0);
		// Without `live`, the broken notes are read and skipped.
		expect(effectiveVotes(doc, 3).size).toBe(0);
	});

	it('checks the budget by reading only the voter’s own notes', () => {
		const { doc, notes } = board(4);
		for (const note of notes.slice(0, 3)) castVote(doc, 'bob', note, 3);
		castVote(doc, 'ann', notes[3], 3);
		// Bob's notes are broken (so his dots no longer count): Ann's budget does not depend on them.
		for (const note of notes.slice(0, 3)) (notesMap(doc).get(note) as Y.Map<unknown>).set('kind', 'x');
		expect(votesUsedBy(doc, 'ann')).toBe(1);
		expect(votesUsedBy(doc, 'bob')).toBe(0);
		expect(castVote(doc, 'bob', notes[3], 3)).toEqual({ ok: true, count: 1 });
	});
});
