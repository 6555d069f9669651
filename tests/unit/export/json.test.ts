import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, initBoardDoc, listNotes, readMeta } from '../../../src/lib/shared/board/doc.ts';
import { getNoteText } from '../../../src/lib/shared/board/note-text.ts';
import { readPhaseHistory, readVoting, readWorkshopStatus } from '../../../src/lib/shared/control/doc.ts';
import { MAX_EXPORT_NOTES, snapshotRoom, type RoomSnapshot } from '../../../src/lib/shared/export/snapshot.ts';
import { importRoom, MAX_IMPORT_BYTES, parseRoomExport, toJson } from '../../../src/lib/shared/export/json.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { toCsv } from '../../../src/lib/shared/export/csv.ts';
import { MAX_NOTE_TEXT_LENGTH, type ThreatNote } from '../../../src/lib/shared/board/schema.ts';
import { readPeople, readPoll } from '../../../src/lib/shared/control/rounds.ts';
import { buildConnectedFixtureBoard, buildFixtureControl, FIXTURE_EXPORTED_AT } from '../../fixtures/export/fixture-room.ts';
import { fixtureDocs, fixtureSnapshot } from './golden.ts';

/** A fresh room as the server creates one: board metadata only. */
function newRoom(createdAt = Date.UTC(2027, 5, 1)) {
	const board = new Y.Doc();
	initBoardDoc(board, { title: 'Untitled workshop', createdAt });
	return { board, control: new Y.Doc() };
}

/** The snapshot with note ids replaced by their position and the fields that must change dropped. */
function normalise(snapshot: RoomSnapshot) {
	const position = new Map(snapshot.notes.map((note, i) => [note.id, `note-${i}`]));
	const id = (value: string) => position.get(value) ?? `missing:${value}`;
	return {
		...snapshot,
		room: { ...snapshot.room, createdAt: 'changes' },
		notes: snapshot.notes.map((note) => ({ ...note, id: id(note.id) })),
		links: snapshot.links
			.map((link) => {
				switch (link.kind) {
					case 'mitigates':
						return { ...link, threatId: id(link.threatId), mitigationId: id(link.mitigationId) };
					case 'endangers':
						return { ...link, threatId: id(link.threatId), assetId: id(link.assetId) };
					case 'agent':
						return { ...link, threatId: id(link.threatId), agentId: id(link.agentId) };
					case 'canvas':
						return { ...link, noteId: id(link.noteId) };
				}
			})
			.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
		votes: snapshot.votes.map((vote) => ({ ...vote, noteId: id(vote.noteId) })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
		voteTotals: Object.fromEntries(Object.entries(snapshot.voteTotals).map(([key, total]) => [id(key), total]).sort())
	};
}

function roundTrip(snapshot: RoomSnapshot) {
	const room = newRoom();
	const result = importRoom(toJson(snapshot), room.board, room.control);
	expect(result.ok).toBe(true);
	return { ...room, again: snapshotRoom(room.board, room.control, { exportedAt: snapshot.exportedAt }) };
}

describe('JSON export', () => {
	it('is versioned, with sorted keys and a final newline, and stable for the same state', () => {
		const json = toJson(fixtureSnapshot());
		const value = JSON.parse(json) as RoomSnapshot;
		expect(value.format).toBe('threatboard.room');
		expect(value.version).toBe(1);
		expect(Object.keys(value)).toEqual([...Object.keys(value)].sort());
		expect(json.endsWith('}\n')).toBe(true);
		// The same state (here a replica that got it as one update) gives the same bytes.
		const { board, control } = fixtureDocs();
		const replica = new Y.Doc();
		Y.applyUpdate(replica, Y.encodeStateAsUpdate(board));
		expect(toJson(snapshotRoom(replica, control, { exportedAt: 5 }))).toBe(toJson(snapshotRoom(board, control, { exportedAt: 5 })));
	});

	it('replaces voter ids with pseudonyms', () => {
		const snapshot = fixtureSnapshot();
		expect(new Set(snapshot.votes.map((v) => v.voterId))).toEqual(new Set(['voter-0001', 'voter-0002', 'voter-0003']));
		expect(toJson(snapshot)).not.toMatch(/voterAda|voterBjorn|voterChen/);
	});
});

describe('JSON round trip', () => {
	it('export, import, export gives the same content (ids and the room date aside)', () => {
		const first = fixtureSnapshot();
		const { again } = roundTrip(first);
		expect(normalise(again)).toEqual(normalise(first));
		// The reports, which print no ids, are byte for byte the same.
		expect(toMarkdown(again)).toBe(toMarkdown(first));
		expect(toCsv(again)).toBe(toCsv(first));
		// And a second trip changes nothing more.
		expect(normalise(roundTrip(again).again)).toEqual(normalise(first));
	});

	it('gives notes new ids and keeps the facilitation record', () => {
		const first = fixtureSnapshot();
		const { board, control } = roundTrip(first);
		const oldIds = new Set(first.notes.map((n) => n.id));
		expect(listNotes(board).some((n) => oldIds.has(n.id))).toBe(false);
		expect(readMeta(board)?.title).toBe('Payments API');
		expect(readPhaseHistory(control)).toEqual(first.control!.phases);
		expect(readWorkshopStatus(control)).toBe('ended');
		expect(readVoting(control).budget).toBe(first.voteBudget);
	});

	it('closes a visit still open at export time and does not restart the timer', () => {
		const first = fixtureSnapshot();
		const open: RoomSnapshot = {
			...first,
			control: {
				...first.control!,
				status: 'running',
				phases: [{ question: 1, startedAt: FIXTURE_EXPORTED_AT - 60_000, endedAt: null, timeboxMs: 600_000 }]
			}
		};
		const { control } = roundTrip(open);
		expect(readWorkshopStatus(control)).toBe('not-started');
		expect(readPhaseHistory(control)).toEqual([{ question: 1, startedAt: FIXTURE_EXPORTED_AT - 60_000, endedAt: FIXTURE_EXPORTED_AT, timeboxMs: 600_000 }]);
	});

	it('keeps text that concurrent typing pushed over the local cap', () => {
		const board = new Y.Doc();
		initBoardDoc(board, { title: 'Long', createdAt: 0 });
		const id = createNote(board, { kind: 'retro', question: 4, text: 'x'.repeat(MAX_NOTE_TEXT_LENGTH), author: 'A', authorColor: '#000000' });
		getNoteText(board, id)!.insert(MAX_NOTE_TEXT_LENGTH, 'y'.repeat(500)); // a peer's overshoot
		const { again } = roundTrip(snapshotRoom(board, undefined, { exportedAt: 1 }));
		expect(again.notes[0].text).toBe('x'.repeat(MAX_NOTE_TEXT_LENGTH) + 'y'.repeat(500));
	});
});

describe('parseRoomExport', () => {
	const valid = () => JSON.parse(toJson(fixtureSnapshot())) as Record<string, unknown> & RoomSnapshot;
	const refused = (input: unknown) => {
		const result = parseRoomExport(input);
		expect(result.ok).toBe(false);
		return result as Extract<typeof result, { ok: false }>;
	};

	it('accepts a valid export, as text or as a parsed value', () => {
		expect(parseRoomExport(toJson(fixtureSnapshot())).ok).toBe(true);
		expect(parseRoomExport(valid()).ok).toBe(true);
	});

	it('refuses text that is not JSON, or larger than the limit', () => {
		expect(refused('{"format":').message).toBe('export is not valid JSON');
		expect(refused(' '.repeat(MAX_IMPORT_BYTES + 1)).message).toMatch(/larger than/);
	});

	it('names a file that is not a Threatboard export', () => {
		expect(refused({ format: 'excalidraw', version: 2 }).message).toBe('not a Threatboard room export');
		expect(refused([1, 2]).message).toBe('invalid Threatboard room export');
		expect(refused({ ...valid(), version: 2 }).issues).toContainEqual({ path: 'version', message: expect.any(String) });
	});

	it('refuses unknown keys anywhere (strict schemas)', () => {
		expect(refused({ ...valid(), extra: 1 }).issues[0].message).toMatch(/unrecognized key/i);
		const file = valid();
		(file.notes[0] as unknown as Record<string, unknown>).admin = true;
		expect(refused(file).issues[0].path).toBe('notes.0');
		const room = valid();
		(room.room as unknown as Record<string, unknown>).facilitatorKey = 'x';
		expect(refused(room).issues[0].path).toBe('room');
	});

	it('refuses broken references between notes, links, votes and canvas records', () => {
		const file = valid();
		const threat = file.notes.find((n) => n.kind === 'threat')!;
		file.links.push({ kind: 'mitigates', threatId: threat.id, mitigationId: threat.id, createdAt: 1 });
		file.links.push({ kind: 'canvas', noteId: threat.id, elementId: 'shape:nowhere', createdAt: 1 });
		file.votes.push({ voterId: 'voter-9', noteId: 'gone', count: 1 });
		file.notes.push({ ...file.notes[0] });
		const messages = refused(file).issues.map((issue) => `${issue.path}: ${issue.message}`);
		expect(messages).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^notes\.\d+\.id: duplicate note id$/),
				expect.stringMatching(/^links\.\d+: link points at/),
				expect.stringMatching(/^votes\.\d+\.noteId: vote on a missing note$/)
			])
		);
		expect(messages.filter((m) => m.startsWith('links.'))).toHaveLength(2);
	});

	it('refuses oversized and malformed content', () => {
		const long = valid();
		long.notes[0].text = 'x'.repeat(2 * MAX_NOTE_TEXT_LENGTH + 1);
		expect(refused(long).issues[0].path).toBe('notes.0.text');

		const many = valid();
		many.notes = Array.from({ length: MAX_EXPORT_NOTES + 1 }, (_, i) => ({ ...many.notes[0], id: `n${i}` }));
		many.links = [];
		many.votes = [];
		many.voteTotals = {};
		expect(refused(many).issues[0].path).toBe('notes');

		let deep: unknown = 'bottom';
		for (let i = 0; i < 100; i++) deep = { nested: deep };
		const hostileCanvas = valid();
		hostileCanvas.canvas.records.push({ id: 'shape:deep', typeName: 'shape', props: deep } as never);
		expect(refused(hostileCanvas).issues[0].path).toMatch(/^canvas\.records\.\d+$/);

		const badId = valid();
		badId.canvas.records.push({ id: 'shape:<script>', typeName: 'shape' });
		expect(refused(badId).issues[0].path).toMatch(/^canvas\.records\.\d+$/);

		const badRating = valid();
		(badRating.notes.find((n) => n.kind === 'threat') as { likelihood: number }).likelihood = 9;
		expect(refused(badRating).issues[0].path).toMatch(/^notes\.\d+$|likelihood/);
	});

	it('never throws, whatever it is given', () => {
		for (const input of [undefined, null, 0, '', 'null', '[]', '{}', { format: 'threatboard.room' }, new Date(), Symbol('x')]) {
			expect(() => parseRoomExport(input)).not.toThrow();
			expect(parseRoomExport(input).ok).toBe(false);
		}
	});
});

describe('people, decisions and estimates in the JSON export', () => {
	const threatByText = (snapshot: RoomSnapshot, start: string) =>
		snapshot.notes.find((n): n is ThreatNote => n.kind === 'threat' && n.text.startsWith(start))!;

	it('replaces participant ids with pseudonyms in join order, the same in people, authors, decisions, picks and poll answers', () => {
		const snapshot = fixtureSnapshot();
		const json = toJson(snapshot);
		expect(json).not.toMatch(/pAda|pBjorn|pChen/);
		// Join order: Ada, Björn, Chen, then the second Chen.
		expect(snapshot.control!.people).toEqual([
			{ id: 'person-0001', name: 'Ada', role: 'security', joinedAt: expect.any(Number) },
			{ id: 'person-0002', name: 'Björn', role: 'product-owner', joinedAt: expect.any(Number) },
			{ id: 'person-0003', name: 'Chen', role: 'engineering', joinedAt: expect.any(Number) },
			{ id: 'person-0004', name: 'Chen', role: 'operations', joinedAt: expect.any(Number) }
		]);
		expect(threatByText(snapshot, 'Customer disputes').decision).toMatchObject({ deciderId: 'person-0002', deciderName: 'Björn' });
		expect(threatByText(snapshot, 'Attacker replays').estimate!.picks.map((p) => p.participantId)).toEqual([
			'person-0001',
			'person-0002',
			'person-0003',
			'person-0004'
		]);
		expect(threatByText(snapshot, 'Attacker replays').authorId).toBe('person-0001');
		expect(snapshot.control!.closingPoll!.results.map((r) => [r.participantId, r.name])).toEqual([
			['person-0001', 'Ada'],
			['person-0002', 'Björn'],
			['person-0004', 'Chen']
		]);
		// Voters keep a numbering of their own: the file does not tie ballots to people.
		expect(snapshot.votes.every((v) => v.voterId.startsWith('voter-'))).toBe(true);
	});

	it('round-trips people with their roles, decisions, estimates and the revealed poll exactly', () => {
		const first = fixtureSnapshot();
		const { control, again } = roundTrip(first);
		expect(again.control!.people).toEqual(first.control!.people);
		expect(again.control!.closingPoll).toEqual(first.control!.closingPoll);
		expect(threatByText(again, 'Customer disputes').decision).toEqual(threatByText(first, 'Customer disputes').decision);
		expect(threatByText(again, 'Attacker replays').estimate).toEqual(threatByText(first, 'Attacker replays').estimate);
		// The imported room keeps the pseudonyms as its ids, so decisions still name a person of the room.
		expect(readPeople(control).get('person-0002')).toMatchObject({ name: 'Björn', role: 'product-owner' });
		expect(readPoll(control)).toMatchObject({ status: 'revealed', answered: 3 });
		// Everything else too, and a second trip changes nothing more (links and votes follow the new note ids).
		expect(normalise(again)).toEqual(normalise(first));
		expect(normalise(roundTrip(again).again)).toEqual(normalise(first));
	});

	it('round-trips threat agents and the endangers and agent links exactly, with reports byte for byte the same', () => {
		const board = new Y.Doc();
		const control = new Y.Doc();
		buildConnectedFixtureBoard(board);
		buildFixtureControl(control);
		const first = snapshotRoom(board, control, { exportedAt: FIXTURE_EXPORTED_AT });
		expect(first.links.filter((l) => l.kind === 'agent')).toHaveLength(3);
		expect(first.links.filter((l) => l.kind === 'endangers')).toHaveLength(3);
		const { again } = roundTrip(first);
		expect(normalise(again)).toEqual(normalise(first));
		expect(toMarkdown(again)).toBe(toMarkdown(first));
		expect(toCsv(again)).toBe(toCsv(first));
	});

	it('keeps exports made before threat agents and asset links existed importable, with the new sections empty', () => {
		const file = JSON.parse(toJson(fixtureSnapshot())) as RoomSnapshot;
		file.links = file.links.filter((link) => link.kind === 'mitigates' || link.kind === 'canvas');
		const parsed = parseRoomExport(file);
		expect(parsed.ok).toBe(true);
		const { again } = roundTrip((parsed as { snapshot: RoomSnapshot }).snapshot);
		const markdown = toMarkdown(again);
		expect(markdown).toContain('| Card numbers in transit | _none_ |   |');
		expect(markdown).toContain('### Threat agents\n\n_No threat agents._');
	});

	it('keeps exports made before people and polls existed importable', () => {
		const file = JSON.parse(toJson(fixtureSnapshot())) as RoomSnapshot;
		delete file.control!.people;
		delete file.control!.closingPoll;
		const parsed = parseRoomExport(file);
		expect(parsed.ok).toBe(true);
		const { control, again } = roundTrip((parsed as { snapshot: RoomSnapshot }).snapshot);
		expect(readPeople(control).size).toBe(0);
		expect(readPoll(control)).toBeNull();
		expect(again.control!.people).toEqual([]);
		expect(again.control!.closingPoll).toBeNull();
	});

	it('refuses a malformed decision, estimate, author id or person, naming where, instead of importing without it', () => {
		const valid = () => JSON.parse(toJson(fixtureSnapshot())) as RoomSnapshot;
		const firstIssue = (file: RoomSnapshot) => {
			const result = parseRoomExport(file);
			expect(result.ok).toBe(false);
			return (result as Extract<typeof result, { ok: false }>).issues[0];
		};
		const threatIndex = (file: RoomSnapshot, start: string) => file.notes.findIndex((n) => n.kind === 'threat' && n.text.startsWith(start));

		const noRationale = valid();
		const t4 = threatIndex(noRationale, 'Customer disputes');
		(noRationale.notes[t4] as ThreatNote).decision!.rationale = '  ';
		expect(firstIssue(noRationale).path).toBe(`notes.${t4}.decision.rationale`);

		const badPick = valid();
		const t1 = threatIndex(badPick, 'Attacker replays');
		(badPick.notes[t1] as ThreatNote).estimate!.picks[0].likelihood = 9;
		expect(firstIssue(badPick).path).toBe(`notes.${t1}.estimate.picks.0.likelihood`);

		const badAuthor = valid();
		badAuthor.notes[0].authorId = 'not an id!';
		expect(firstIssue(badAuthor).path).toBe('notes.0.authorId');

		const badRole = valid();
		(badRole.control!.people![0] as { role: string }).role = 'admin';
		expect(firstIssue(badRole).path).toBe('control.people.0.role');

		const withSecret = valid();
		(withSecret.control!.people![0] as Record<string, unknown>).secretHash = 'f'.repeat(64);
		expect(firstIssue(withSecret)).toMatchObject({ path: 'control.people.0', message: expect.stringMatching(/unrecognized key/i) });

		const twice = valid();
		twice.control!.people![1].id = twice.control!.people![0].id;
		expect(firstIssue(twice)).toEqual({ path: 'control.people.1.id', message: 'duplicate person id' });
	});
});
