/**
 * Three Node clients drive the board through the shared accessors at the same time: notes,
 * typing into one note, links, unlinks and votes. All converge and nothing is lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNote, deleteNote, linksMap, listNotes, readNote, votesMap } from '../../src/lib/shared/board/doc.ts';
import { addLink, listLinks, linksOf, removeLink } from '../../src/lib/shared/board/links.ts';
import { castVote, effectiveVotes, votesUsedBy } from '../../src/lib/shared/board/votes.ts';
import { getNoteText, insertNoteText } from '../../src/lib/shared/board/note-text.ts';
import { connectClient, registerParticipant, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

const BUDGET = 5;
let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'warn' });
});
afterAll(async () => {
	await server.close();
});

const authors = ['Ada', 'Bo', 'Cy'] as const;

/** Everything the board shows, in a canonical form. */
function boardState(c: TestClient) {
	return JSON.stringify({
		notes: listNotes(c.doc).map((n) => ({ ...n })),
		links: listLinks(c.doc).map((l) => l.id),
		votes: [...effectiveVotes(c.doc, BUDGET)].sort()
	});
}

it('three clients converge on concurrent notes, typing, links, unlinks and votes', async () => {
	const room = await createRoom(server.url);
	// Each writes as the participant they registered as: votes are keyed by participant.
	const people = await Promise.all(authors.map((name) => registerParticipant(server.url, room.roomId, name)));
	const voterOf = (author: string) => people[authors.indexOf(author as (typeof authors)[number])].participantId;
	const clients = people.map((participant) => connectClient(server.wsUrl, room.roomId, { participant }));
	await Promise.all(clients.map(synced));
	const docs = clients.map((c) => c.doc);

	// One shared note everyone will type into, created by Ada and seen by all first.
	const shared = createNote(clients[0].doc, { kind: 'threat', question: 2, author: 'Ada', authorColor: '#2563eb', text: '' });
	await waitUntil(() => clients.every((c) => readNote(c.doc, shared)), 'shared note everywhere', { docs });

	// All at once: each creates 10 threats and 3 mitigations, types into the shared note,
	// links its mitigations to threats (its own and the shared one) and votes.
	const created = clients.map((c, i) => {
		const author = authors[i];
		const threats = Array.from({ length: 10 }, (_, n) =>
			createNote(c.doc, { kind: 'threat', question: 2, author, authorColor: '#059669', text: `${author} threat ${n}`, stride: ['S'] })
		);
		const mitigations = Array.from({ length: 3 }, (_, n) =>
			createNote(c.doc, { kind: 'mitigation', question: 3, author, authorColor: '#059669', text: `${author} fix ${n}` })
		);
		insertNoteText(c.doc, shared, 0, `<${author}>`);
		for (const m of mitigations) {
			expect(addLink(c.doc, { kind: 'mitigates', a: m, b: shared }).ok).toBe(true);
			expect(addLink(c.doc, { kind: 'mitigates', a: threats[0], b: m }).ok).toBe(true);
		}
		const extra = addLink(c.doc, { kind: 'mitigates', a: threats[1], b: mitigations[0] });
		expect(extra.ok).toBe(true);
		for (let v = 0; v < BUDGET; v++) castVote(c.doc, voterOf(author), threats[v], BUDGET);
		return { threats, mitigations, extraLink: extra.ok ? extra.id : '' };
	});
	// ... and each removes one of its own links and deletes one of its notes.
	clients.forEach((c, i) => {
		expect(removeLink(c.doc, created[i].extraLink)).toBe(true);
		expect(deleteNote(c.doc, created[i].threats[9])).toBe(true);
	});

	const expectedNotes = 1 + 3 * (9 + 3);
	await waitUntil(
		() => clients.every((c) => listNotes(c.doc).length === expectedNotes) && new Set(clients.map(boardState)).size === 1,
		'all three converge',
		{ docs, timeoutMs: 15_000 }
	);

	const view = clients[0].doc;
	const text = getNoteText(view, shared)!.toString();
	for (const author of authors) expect(text).toContain(`<${author}>`);
	// 3 mitigations x 3 people linked to the shared note, plus 3 x 3 to each person's first threat.
	expect(linksOf(view, shared)).toHaveLength(9);
	expect(listLinks(view)).toHaveLength(18);
	for (const { extraLink } of created) expect(listLinks(view).some((l) => l.id === extraLink)).toBe(false);
	for (const author of authors) expect(votesUsedBy(view, voterOf(author))).toBe(BUDGET);
	for (const { threats } of created) expect(readNote(view, threats[9])).toBeUndefined();
	for (const c of clients) c.destroy();

	// And the server kept it: a fresh client sees the same board.
	const fresh = connectClient(server.wsUrl, room.roomId);
	await synced(fresh);
	expect(listNotes(fresh.doc)).toHaveLength(expectedNotes);
	fresh.destroy();
});

it('two tabs of one voter cannot exceed the budget in the totals everyone sees', async () => {
	const room = await createRoom(server.url);
	const ada = await registerParticipant(server.url, room.roomId, 'Ada');
	// Two tabs (or browsers) of Ada hold the same identity: one budget across both.
	const [tab1, tab2, other] = [ada, ada, await registerParticipant(server.url, room.roomId, 'Bo')].map((participant) =>
		connectClient(server.wsUrl, room.roomId, { participant })
	);
	await Promise.all([tab1, tab2, other].map(synced));
	const notes = Array.from({ length: 6 }, (_, n) =>
		createNote(tab1.doc, { kind: 'threat', question: 2, author: 'Ada', authorColor: '#2563eb', text: `t${n}` })
	);
	await waitUntil(() => listNotes(tab2.doc).length === 6, 'tab 2 has the notes', { docs: [tab2.doc] });

	// Both tabs spend the full budget on different notes before hearing of each other.
	tab1.provider.disconnect();
	for (const id of notes.slice(0, 5)) expect(castVote(tab1.doc, ada.participantId, id, BUDGET).ok).toBe(true);
	for (const id of notes.slice(1, 6)) expect(castVote(tab2.doc, ada.participantId, id, BUDGET).ok).toBe(true);
	tab1.provider.connect();

	const total = (c: TestClient) => [...effectiveVotes(c.doc, BUDGET).values()].reduce((a, b) => a + b, 0);
	await waitUntil(
		() => [tab1, tab2, other].every((c) => total(c) === BUDGET) && new Set([tab1, tab2, other].map(boardState)).size === 1,
		'everyone counts the same five votes',
		{ docs: [tab1.doc, tab2.doc, other.doc] }
	);
	for (const c of [tab1, tab2, other]) c.destroy();
});

it('prunes links and votes orphaned by a concurrent delete when the room next loads', async () => {
	const evicting = await startTestServer({ LOG_LEVEL: 'info', IDLE_EVICT_MS: '20' });
	const room = await createRoom(evicting.url);
	const ada = await registerParticipant(evicting.url, room.roomId, 'Ada');
	const a = connectClient(evicting.wsUrl, room.roomId, { participant: ada });
	const b = connectClient(evicting.wsUrl, room.roomId);
	await Promise.all([synced(a), synced(b)]);
	const threat = createNote(a.doc, { kind: 'threat', question: 2, author: 'Ada', authorColor: '#2563eb', text: 't' });
	const fix = createNote(a.doc, { kind: 'mitigation', question: 3, author: 'Ada', authorColor: '#2563eb', text: 'm' });
	await waitUntil(() => readNote(b.doc, threat) !== undefined && readNote(b.doc, fix) !== undefined, 'b has both', {
		docs: [b.doc]
	});

	// B deletes the threat while A, offline, links and votes on it: the merge leaves orphans.
	a.provider.disconnect();
	expect(deleteNote(b.doc, threat)).toBe(true);
	expect(addLink(a.doc, { kind: 'mitigates', a: threat, b: fix }).ok).toBe(true);
	expect(castVote(a.doc, ada.participantId, threat, BUDGET).ok).toBe(true);
	a.provider.connect();
	await waitUntil(() => readNote(a.doc, threat) === undefined, 'a learns of the delete', { docs: [a.doc] });
	expect(linksMap(a.doc).size).toBe(1); // stored, though every reader hides it
	expect(listLinks(a.doc)).toHaveLength(0);
	a.destroy();
	b.destroy();

	await waitUntil(() => !evicting.rooms.isLoaded(room.roomId), 'room evicted');
	const fresh = connectClient(evicting.wsUrl, room.roomId);
	await synced(fresh);
	expect(linksMap(fresh.doc).size).toBe(0);
	expect(votesMap(fresh.doc).size).toBe(0);
	expect(evicting.logs.some((l) => l.msg === 'orphans pruned' && l.links === 1 && l.votes === 1)).toBe(true);
	fresh.destroy();
	await evicting.close();
});
