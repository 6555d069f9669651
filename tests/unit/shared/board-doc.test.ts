import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ZodError } from 'zod';
import {
	SCHEMA_VERSION,
	createNote,
	deleteNote,
	initBoardDoc,
	listNotes,
	metaMap,
	moveNote,
	notesMap,
	onBoardChange,
	orderKeyAt,
	readMeta,
	readNote,
	readTitle,
	setScope,
	setStrideLetter,
	setTitle,
	updateNoteFields,
	votesMap,
	type BoardChanges
} from '../../../src/lib/shared/board/doc.ts';
import { DEFAULT_NOTE_COLORS, MAX_NOTE_TEXT_READ_LENGTH, type NoteInput } from '../../../src/lib/shared/board/schema.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

/** Exchanges every missing update between the docs, as the sync server would. */
function sync(...docs: Y.Doc[]): void {
	for (const from of docs) {
		for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
	}
}

function newBoard(): Y.Doc {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'Payments API', createdAt: 1_700_000_000_000 });
	return doc;
}

function countUpdates(doc: Y.Doc, run: () => void): number {
	let updates = 0;
	const onUpdate = () => updates++;
	doc.on('update', onUpdate);
	run();
	doc.off('update', onUpdate);
	return updates;
}

describe('meta', () => {
	it('initBoardDoc writes metadata that readMeta and readTitle return', () => {
		const doc = newBoard();
		expect(readMeta(doc)).toEqual({
			title: 'Payments API',
			scope: '',
			createdAt: 1_700_000_000_000,
			schemaVersion: SCHEMA_VERSION
		});
		expect(readTitle(doc)).toBe('Payments API');
	});

	it('setTitle and setScope validate and round-trip', () => {
		const doc = newBoard();
		setTitle(doc, 'Checkout');
		setScope(doc, 'The card flow\nfrom browser to PSP');
		expect(readMeta(doc)).toMatchObject({ title: 'Checkout', scope: 'The card flow\nfrom browser to PSP' });
		expect(() => setTitle(doc, 'x'.repeat(201))).toThrow(ZodError);
		expect(() => setScope(doc, 'x'.repeat(4001))).toThrow(ZodError);
		expect(readTitle(doc)).toBe('Checkout');
	});

	it('reads hostile metadata as undefined instead of throwing', () => {
		const doc = newBoard();
		metaMap(doc).set('createdAt', 'yesterday');
		expect(readMeta(doc)).toBeUndefined();
		expect(readTitle(doc)).toBe('Payments API');
		metaMap(doc).set('title', { evil: true });
		expect(readTitle(doc)).toBeUndefined();
		expect(readTitle(new Y.Doc())).toBeUndefined();
	});
});

describe('notes', () => {
	it('round-trips each kind with its defaults', () => {
		const doc = newBoard();
		const component = createNote(doc, { kind: 'component', question: 1, text: 'API gateway', ...AUTHOR, createdAt: 5 });
		const threat = createNote(doc, { kind: 'threat', question: 2, text: 'Token replay', ...AUTHOR, stride: ['S', 'R', 'S'] });
		const mitigation = createNote(doc, { kind: 'mitigation', question: 3, ...AUTHOR, owner: '  Team A ' });

		expect(readNote(doc, component)).toMatchObject({
			id: component,
			kind: 'component',
			question: 1,
			text: 'API gateway',
			author: 'Ada',
			authorColor: '#2563eb',
			color: DEFAULT_NOTE_COLORS.component,
			createdAt: 5
		});
		expect(readNote(doc, threat)).toMatchObject({
			kind: 'threat',
			stride: ['S', 'R'],
			likelihood: null,
			impact: null,
			status: 'open'
		});
		expect(readNote(doc, mitigation)).toMatchObject({ kind: 'mitigation', text: '', owner: 'Team A', status: 'proposed' });
	});

	it('survives a round trip through an encoded update into another doc', () => {
		const doc = newBoard();
		const id = createNote(doc, { kind: 'threat', question: 2, text: 'SQLi', ...AUTHOR, likelihood: 4, impact: 5 });
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		expect(readNote(copy, id)).toEqual(readNote(doc, id));
	});

	it('creates a note in a single transaction', () => {
		const doc = newBoard();
		expect(countUpdates(doc, () => createNote(doc, { kind: 'threat', question: 2, ...AUTHOR, stride: ['T'] }))).toBe(1);
	});

	it('refuses invalid local input with a ZodError and writes nothing', () => {
		const doc = newBoard();
		const bad: unknown[] = [
			{ kind: 'threat', question: 5, ...AUTHOR },
			{ kind: 'villain', question: 2, ...AUTHOR },
			{ kind: 'asset', question: 1, author: 'x'.repeat(41), authorColor: '#000000' },
			{ kind: 'asset', question: 1, ...AUTHOR, text: 'x'.repeat(10_001) },
			{ kind: 'asset', question: 1, ...AUTHOR, owner: 'not an asset field' },
			{ kind: 'threat', question: 2, ...AUTHOR, likelihood: 6 }
		];
		for (const input of bad) expect(() => createNote(doc, input as NoteInput)).toThrow(ZodError);
		expect(notesMap(doc).size).toBe(0);
	});

	it('lists valid notes sorted by question then order, appending by default', () => {
		const doc = newBoard();
		const q2a = createNote(doc, { kind: 'threat', question: 2, ...AUTHOR });
		const q1a = createNote(doc, { kind: 'asset', question: 1, ...AUTHOR });
		const q2b = createNote(doc, { kind: 'threat', question: 2, ...AUTHOR });
		const q1b = createNote(doc, { kind: 'component', question: 1, ...AUTHOR });
		expect(listNotes(doc).map((n) => n.id)).toEqual([q1a, q1b, q2a, q2b]);
		expect(listNotes(doc, { question: 2 }).map((n) => n.id)).toEqual([q2a, q2b]);
		expect(listNotes(doc, { kind: 'component' }).map((n) => n.id)).toEqual([q1b]);
	});

	it('moves a note to a position in another question', () => {
		const doc = newBoard();
		const [a, b, c] = [1, 2, 3].map(() => createNote(doc, { kind: 'asset', question: 1, ...AUTHOR }));
		const x = createNote(doc, { kind: 'question', question: 4, ...AUTHOR });
		expect(moveNote(doc, x, { question: 1, order: orderKeyAt(doc, 1, 1, x) })).toBe(true);
		expect(listNotes(doc, { question: 1 }).map((n) => n.id)).toEqual([a, x, b, c]);
		// Moving within a column: the moved note does not count itself.
		expect(moveNote(doc, a, { question: 1, order: orderKeyAt(doc, 1, Infinity, a) })).toBe(true);
		expect(listNotes(doc, { question: 1 }).map((n) => n.id)).toEqual([x, b, c, a]);
		expect(moveNote(doc, 'gone', { question: 1, order: 'V' })).toBe(false);
		expect(() => moveNote(doc, a, { question: 1, order: 'bad0' })).toThrow(ZodError);
	});

	it('updates only the fields its kind allows', () => {
		const doc = newBoard();
		const threat = createNote(doc, { kind: 'threat', question: 2, ...AUTHOR, stride: ['S'] });
		const mitigation = createNote(doc, { kind: 'mitigation', question: 3, ...AUTHOR });
		expect(updateNoteFields(doc, threat, { stride: ['T', 'E'], likelihood: 3, impact: 5, status: 'accepted' })).toBe(true);
		expect(readNote(doc, threat)).toMatchObject({ stride: ['T', 'E'], likelihood: 3, impact: 5, status: 'accepted' });
		expect(updateNoteFields(doc, threat, { likelihood: null })).toBe(true);
		expect(readNote(doc, threat)).toMatchObject({ likelihood: null, impact: 5 });

		expect(updateNoteFields(doc, mitigation, { owner: 'Bob', status: 'in_progress', color: '#ffffff' })).toBe(true);
		expect(readNote(doc, mitigation)).toMatchObject({ owner: 'Bob', status: 'in_progress', color: '#ffffff' });

		expect(() => updateNoteFields(doc, threat, { owner: 'Bob' })).toThrow(ZodError);
		expect(() => updateNoteFields(doc, mitigation, { status: 'open' } as never)).toThrow(ZodError);
		expect(() => updateNoteFields(doc, mitigation, { owner: 'x'.repeat(81) })).toThrow(ZodError);
		expect(updateNoteFields(doc, 'missing', { color: '#000000' })).toBe(false);
	});

	it('does not rewrite unchanged values (they would win races they should not)', () => {
		const doc = newBoard();
		const id = createNote(doc, { kind: 'threat', question: 2, ...AUTHOR, stride: ['S'], status: 'open' });
		expect(countUpdates(doc, () => updateNoteFields(doc, id, { stride: ['S'], status: 'open' }))).toBe(0);
	});

	it('keeps concurrent toggles of different STRIDE letters and concurrent field edits', () => {
		const alice = newBoard();
		const id = createNote(alice, { kind: 'threat', question: 2, ...AUTHOR, stride: ['S'] });
		const bob = new Y.Doc();
		sync(alice, bob);
		setStrideLetter(alice, id, 'T', true);
		updateNoteFields(bob, id, { stride: ['S', 'I'] });
		setStrideLetter(bob, id, 'S', false);
		updateNoteFields(alice, id, { likelihood: 2 });
		updateNoteFields(bob, id, { impact: 4 });
		sync(alice, bob);
		for (const doc of [alice, bob]) {
			expect(readNote(doc, id)).toMatchObject({ stride: ['T', 'I'], likelihood: 2, impact: 4 });
		}
		expect(setStrideLetter(alice, 'missing', 'S', true)).toBe(false);
	});

	it('deletes a note together with its votes, in one transaction', () => {
		const doc = newBoard();
		const id = createNote(doc, { kind: 'asset', question: 1, ...AUTHOR });
		votesMap(doc).set(`voter1:${id}`, 2);
		expect(countUpdates(doc, () => expect(deleteNote(doc, id)).toBe(true))).toBe(1);
		expect(readNote(doc, id)).toBeUndefined();
		expect(votesMap(doc).size).toBe(0);
		expect(deleteNote(doc, id)).toBe(false);
	});
});

describe('hostile or invalid note records', () => {
	/** Writes a raw note record as a peer could, bypassing the accessors. */
	function plant(doc: Y.Doc, id: string, fields: Record<string, unknown>): void {
		const note = new Y.Map<unknown>();
		notesMap(doc).set(id, note);
		for (const [key, value] of Object.entries(fields)) note.set(key, value);
	}
	const valid = () => ({
		kind: 'asset',
		question: 1,
		text: new Y.Text('ok'),
		author: 'Eve',
		authorColor: '#000000',
		color: '#ffffff',
		order: 'V',
		createdAt: 1
	});

	it('a note whose order key leaves no room after it does not stop others adding notes to its question', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'T', createdAt: 1 });
		// A valid key of the longest length: nothing fits after it.
		plant(doc, 'last', { ...valid(), order: 'z'.repeat(256) });
		const id = createNote(doc, { kind: 'asset', question: 1, text: 'still added', author: 'Ada', authorColor: '#2563eb' });
		expect(listNotes(doc, { question: 1 }).map((n) => n.id)).toEqual([id, 'last']);
	});
	it('a new note goes after every note of its question, a malformed one with the largest key included', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'T', createdAt: 1 });
		const shown = createNote(doc, { kind: 'asset', question: 1, text: 'shown', author: 'Ada', authorColor: '#2563eb' });
		plant(doc, 'hidden', { ...valid(), kind: 'villain', order: 'y' });
		createNote(doc, { kind: 'threat', question: 2, text: 'another lane', author: 'Ada', authorColor: '#2563eb' });
		const added = createNote(doc, { kind: 'asset', question: 1, text: 'added', author: 'Ada', authorColor: '#2563eb' });
		expect(listNotes(doc, { question: 1 }).map((n) => n.id)).toEqual([shown, added]);
		expect(readNote(doc, added)!.order > 'y').toBe(true);
	});
	const strideOf = (letters: string) => {
		const map = new Y.Map<unknown>();
		for (const letter of letters) map.set(letter, true);
		return map;
	};
	const cases: Array<[string, () => Record<string, unknown>]> = [
		['unknown kind', () => ({ ...valid(), kind: 'villain' })],
		['question as a string', () => ({ ...valid(), question: '1' })],
		['question out of range', () => ({ ...valid(), question: 9 })],
		['text as a plain string', () => ({ ...valid(), text: 'plain' })],
		['text over the read cap', () => ({ ...valid(), text: new Y.Text('x'.repeat(MAX_NOTE_TEXT_READ_LENGTH + 1)) })],
		['huge author', () => ({ ...valid(), author: 'x'.repeat(100_000) })],
		['author with control characters', () => ({ ...valid(), author: 'Eve\u0007' })],
		['colour not hex', () => ({ ...valid(), color: 'red; background: url(x)' })],
		['order with a trailing zero', () => ({ ...valid(), order: 'V0' })],
		['order too long', () => ({ ...valid(), order: 'V'.repeat(1000) })],
		['createdAt negative', () => ({ ...valid(), createdAt: -1 })],
		['threat without stride', () => ({ ...valid(), kind: 'threat', status: 'open' })],
		['threat stride as a string', () => ({ ...valid(), kind: 'threat', stride: 'STRIDE', status: 'open' })],
		['threat likelihood 7', () => ({ ...valid(), kind: 'threat', stride: strideOf('S'), likelihood: 7, status: 'open' })],
		['threat with a mitigation status', () => ({ ...valid(), kind: 'threat', stride: strideOf(''), status: 'done' })],
		['mitigation owner too long', () => ({ ...valid(), kind: 'mitigation', owner: 'x'.repeat(81), status: 'done' })],
		['mitigation without status', () => ({ ...valid(), kind: 'mitigation', owner: '' })]
	];

	it.each(cases)('skips a note with %s', (_name, fields) => {
		const doc = newBoard();
		const good = createNote(doc, { kind: 'asset', question: 1, ...AUTHOR });
		plant(doc, 'hostile', fields());
		expect(readNote(doc, 'hostile')).toBeUndefined();
		expect(listNotes(doc).map((n) => n.id)).toEqual([good]);
		expect(updateNoteFields(doc, 'hostile', { color: '#000000' })).toBe(false);
	});

	it('skips values that are not maps and ids that are not record ids', () => {
		const doc = newBoard();
		notesMap(doc).set('scalar', 42);
		notesMap(doc).set('array', new Y.Array());
		plant(doc, 'bad:id|x', valid());
		plant(doc, 'fine', valid());
		expect(readNote(doc, 'scalar')).toBeUndefined();
		expect(readNote(doc, 'bad:id|x')).toBeUndefined();
		expect(listNotes(doc).map((n) => n.id)).toEqual(['fine']);
	});

	it('ignores fields of other kinds and keys it does not know', () => {
		const doc = newBoard();
		plant(doc, 'extra', { ...valid(), owner: 'leftover', stride: 'junk', __proto__x: 1 });
		expect(readNote(doc, 'extra')).toMatchObject({ id: 'extra', kind: 'asset', text: 'ok' });
		expect(readNote(doc, 'extra')).not.toHaveProperty('owner');
	});
});

describe('onBoardChange', () => {
	it('reports once per transaction which roots changed, local or remote, until unsubscribed', () => {
		const doc = newBoard();
		const seen: BoardChanges[] = [];
		const stop = onBoardChange(doc, (changes) => seen.push(changes));
		const id = createNote(doc, { kind: 'asset', question: 1, ...AUTHOR });
		setTitle(doc, 'Renamed');
		const remote = new Y.Doc();
		sync(doc, remote);
		updateNoteFields(remote, id, { color: '#123456' });
		sync(doc, remote);
		stop();
		setTitle(doc, 'Ignored');
		expect(seen).toEqual([
			{ meta: false, notes: true, links: false, votes: false },
			{ meta: true, notes: false, links: false, votes: false },
			{ meta: false, notes: true, links: false, votes: false }
		]);
	});
});

describe('display names', () => {
	it('refuse direction-changing and invisible characters, and keep emoji sequences', async () => {
		const { DisplayName } = await import('../../../src/lib/shared/person.ts');
		expect(DisplayName.safeParse('Al\u202eex').success).toBe(false);
		expect(DisplayName.safeParse('Al\u200bex').success).toBe(false);
		expect(DisplayName.safeParse('Al\ufeffex').success).toBe(false); // at the ends it is trimmed, like a space
		expect(DisplayName.safeParse('Ada 👩🏽‍💻').success).toBe(true);
		expect(DisplayName.safeParse('مریم‌ها').success).toBe(true); // a zero-width non-joiner, as Persian writes it
	});
});
