/**
 * The workshop's fairness rules, held by the server against the raw protocol (issue 14): one
 * identity per person, secret ballots, private estimation picks and poll answers, recorded risk
 * decisions and silent rounds. Real server on port 0, real providers and raw sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, listNotes, notesMap, readNote, votesMap, wasNoteDeleted } from '../../src/lib/shared/board/doc.ts';
import { captureNote, restoreNote } from '../../src/lib/shared/board/restore.ts';
import { effectiveVotes } from '../../src/lib/shared/board/votes.ts';
import { controlPath, type ControlCommand } from '../../src/lib/shared/control/commands.ts';
import { readControl, writeControl } from '../../src/lib/shared/control/doc.ts';
import { readBallotRound, readEstimation, readPeople, readPoll } from '../../src/lib/shared/control/rounds.ts';
import { encodeSyncMessage } from '../../src/lib/shared/wire/messages.ts';
import { CloseCode, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, participantProtocols, rawClient, registerParticipant, synced, waitUntil, type Participant, type TestClient } from '../helpers/clients.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

let server: TestServer;
const dataDir = tempDataDir();
beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'warn' }, dataDir);
});
afterAll(async () => {
	await server.close();
});

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

async function command(roomId: string, key: string, body: ControlCommand) {
	const res = await fetch(`${server.url}${controlPath(roomId)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
}

async function asParticipant(method: string, path: string, who: Participant, body?: unknown) {
	const res = await fetch(`${server.url}${path}`, {
		method,
		headers: { 'content-type': 'application/json', authorization: `Participant ${who.participantId}.${who.secret}` },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A room with three people (Ada, Bo and a second "Ada"), each on the board and the control document. */
async function workshop() {
	const room = await createRoom(server.url);
	const ada = await registerParticipant(server.url, room.roomId, 'Ada');
	const bo = await registerParticipant(server.url, room.roomId, 'Bo');
	const otherAda = await registerParticipant(server.url, room.roomId, 'Ada');
	const clients: TestClient[] = [];
	const open = (participant: Participant, docName: 'board' | 'control') => {
		const client = connectClient(server.wsUrl, room.roomId, { participant, docName });
		clients.push(client);
		return client;
	};
	const boards = { ada: open(ada, 'board'), bo: open(bo, 'board') };
	const controls = { ada: open(ada, 'control'), bo: open(bo, 'control') };
	await Promise.all(clients.map(synced));
	const threats = Array.from({ length: 3 }, (_, n) => createNote(boards.ada.doc, { kind: 'threat', question: 2, text: `t${n}`, ...AUTHOR }));
	await waitUntil(() => listNotes(boards.bo.doc).length === 3, 'bo has the threats', { docs: [boards.bo.doc] });
	return { room, ada, bo, otherAda, boards, controls, threats, close: () => clients.forEach((c) => c.destroy()) };
}

/** Every frame a client receives from now on. */
function recordFrames(client: TestClient): Uint8Array[] {
	const frames: Uint8Array[] = [];
	client.provider.ws!.addEventListener('message', (event: MessageEvent) => frames.push(new Uint8Array(event.data as ArrayBuffer)));
	return frames;
}

const contains = (haystack: Uint8Array, needle: string) => Buffer.from(haystack).includes(Buffer.from(needle));

describe('one identity per person', () => {
	it('tells two people with the same name apart, and refuses forged or unknown identities', async () => {
		const w = await workshop();
		expect(w.ada.participantId).not.toBe(w.otherAda.participantId);
		const people = readPeople(w.controls.bo.doc);
		expect([...people.values()].filter((p) => p.name === 'Ada')).toHaveLength(2);

		// The server stamps each presence with the identity its connection proved.
		w.boards.ada.provider.awareness.setLocalState({ user: { name: 'Ada', color: '#2563eb', participantId: 'impostor123' } });
		await waitUntil(() => w.boards.bo.provider.awareness.getStates().has(w.boards.ada.doc.clientID), 'bo sees ada');
		const seen = w.boards.bo.provider.awareness.getStates().get(w.boards.ada.doc.clientID) as { user: { participantId: string } };
		expect(seen.user.participantId).toBe(w.ada.participantId);

		const forged = rawClient(`${server.wsUrl}/sync/${w.room.roomId}/board`, participantProtocols({ participantId: w.ada.participantId, secret: 'x'.repeat(43) }));
		expect((await forged.closed).code).toBe(CloseCode.Unauthorized);
		const unknown = rawClient(`${server.wsUrl}/sync/${w.room.roomId}/board`, participantProtocols({ participantId: 'nobody-here-1', secret: w.ada.secret }));
		expect((await unknown.closed).code).toBe(CloseCode.Unauthorized);
		// An observer cannot register at all.
		const observer = await fetch(`${server.url}/api/rooms/${w.room.observerId}/participants`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Eve' })
		});
		expect(observer.status).toBe(404);
		w.close();
	});
});

/** Writes a change to the board through a raw socket of its own, as a participant. */
async function rawWrite(roomId: string, participant: Participant | null, from: Y.Doc, change: (doc: Y.Doc) => void, wsUrl = server.wsUrl) {
	// null: a connection without an identity (anyone with the link may open one).
	const raw = rawClient(`${wsUrl}/sync/${roomId}/board`, participant ? participantProtocols(participant) : undefined);
	await raw.opened;
	const mirror = new Y.Doc();
	Y.applyUpdate(mirror, Y.encodeStateAsUpdate(from));
	const updates: Uint8Array[] = [];
	mirror.on('update', (u: Uint8Array) => updates.push(u));
	mirror.transact(() => change(mirror));
	raw.send(encodeSyncMessage(SyncStep.Update, Y.mergeUpdates(updates)));
	raw.send(encodeSyncMessage(SyncStep.Step1, new Uint8Array([0])));
	return raw;
}
/** True once the write was handled and the socket is still open (refusals close it). */
const stillOpen = (raw: ReturnType<typeof rawClient>) =>
	waitUntil(() => raw.frames.filter((f) => f[0] === 0 && f[1] === SyncStep.Step2).length > 0, 'the write was handled').then(() => raw.ws.readyState === raw.ws.OPEN);

/** Moves the moment votes stopped going on the board `ms` into the past, as if the round had run that long. */
async function backdateVotesStopped(roomId: string, ms: number): Promise<void> {
	const room = await server.rooms.acquire((await server.store.getRoom(roomId))!);
	const state = readControl(room.docs.control.doc);
	writeControl(room.docs.control.doc, { ...state, voting: { ...state.voting, stoppedAt: Date.now() - ms } });
	server.rooms.release(roomId);
}

describe('secret ballots', () => {
	it('keep every ballot from every other participant until the round closes, one budget per person', async () => {
		const w = await workshop();
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'open', hideTotals: true, budget: 3 })).status).toBe(200);
		const boFrames = recordFrames(w.boards.bo);
		const boControlFrames = recordFrames(w.controls.bo);

		const vote = (who: Participant, noteId: string, dots: number) => asParticipant('PUT', `/api/rooms/${w.room.roomId}/ballots/${noteId}`, who, { dots });
		expect((await vote(w.ada, w.threats[0], 2)).body).toMatchObject({ mine: { [w.threats[0]]: 2 }, used: 2, budget: 3 });
		// Ada's second browser holds the same identity: the same budget.
		expect((await vote(w.ada, w.threats[1], 2)).status).toBe(409);
		expect((await vote(w.ada, w.threats[1], 1)).status).toBe(200);
		expect((await vote(w.bo, w.threats[2], 3)).status).toBe(200);
		// Ballots on notes that do not exist, floods of bad values: refused, nothing stored.
		expect((await vote(w.bo, 'no-such-note', 1)).status).toBe(404);
		expect((await vote(w.bo, w.threats[0], -1)).status).toBe(400);

		// A participant writing votes straight into the board is refused while totals are hidden
		// (once the few seconds in which a browser may not have heard of the round have passed).
		await backdateVotesStopped(w.room.roomId, 60_000);
		const raw = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => votesMap(doc).set(`${w.bo.participantId}:${w.threats[0]}`, 1));
		expect((await raw.closed).code).toBe(CloseCode.UpdateRefused);

		await waitUntil(() => readBallotRound(w.controls.bo.doc).voted === 2, 'bo sees that two have voted');
		expect(readBallotRound(w.controls.bo.doc)).toMatchObject({ voted: 2, eligible: 3 });
		// What Bo received in the meantime holds nobody's ballot: no votes on the board, and
		// neither Ada's participant id with a note id nor a tally in any frame.
		expect(votesMap(w.boards.bo.doc).size).toBe(0);
		for (const frame of [...boFrames, ...boControlFrames]) expect(contains(frame, `${w.ada.participantId}:`)).toBe(false);
		// The facilitator sees the live totals; a participant does not.
		const totals = await fetch(`${server.url}/api/rooms/${w.room.roomId}/ballots`, { headers: { authorization: `Bearer ${w.room.facilitatorKey}` } });
		expect(await totals.json()).toMatchObject({ totals: { [w.threats[0]]: 2, [w.threats[1]]: 1, [w.threats[2]]: 3 }, voted: 2, eligible: 3 });
		expect((await fetch(`${server.url}/api/rooms/${w.room.roomId}/ballots`, { headers: { authorization: `Participant ${w.bo.participantId}.${w.bo.secret}` } })).status).toBe(403);

		// Closing writes the totals into the board, for everyone.
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'closed' })).status).toBe(200);
		await waitUntil(() => votesMap(w.boards.bo.doc).size === 3, 'the totals reach bo', { docs: [w.boards.bo.doc] });
		expect(Object.fromEntries(effectiveVotes(w.boards.bo.doc, 3))).toEqual({ [w.threats[0]]: 2, [w.threats[1]]: 1, [w.threats[2]]: 3 });
		expect((await vote(w.bo, w.threats[0], 1)).status).toBe(409); // after close
		w.close();
	});

	it('take a vote cast just before the voter heard that votes stopped going on the board, and only then', async () => {
		const w = await workshop();
		const ownVote = (noteId: string) => (doc: Y.Doc) => votesMap(doc).set(`${w.bo.participantId}:${noteId}`, 1);
		// The facilitator opens a round with hidden totals as Bo clicks a dot: Bo's browser sends it
		// to the board. It is taken, and Bo's connection stays open (it used to be closed for good).
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'open', hideTotals: true })).status).toBe(200);
		const early = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, ownVote(w.threats[0]));
		expect(await stillOpen(early)).toBe(true);
		await waitUntil(() => votesMap(w.boards.ada.doc).get(`${w.bo.participantId}:${w.threats[0]}`) === 1, 'the vote reaches ada', { docs: [w.boards.ada.doc] });
		early.ws.close();
		// Within those seconds too, nobody writes someone else's dots.
		const forged = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => votesMap(doc).set(`${w.ada.participantId}:${w.threats[1]}`, 1));
		expect((await forged.closed).code).toBe(CloseCode.UpdateRefused);
		// Later in the round the same write is refused.
		await backdateVotesStopped(w.room.roomId, 60_000);
		const late = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, ownVote(w.threats[1]));
		expect((await late.closed).code).toBe(CloseCode.UpdateRefused);

		// With totals shown, votes go on the board again; closing that round stops them, with the
		// same few seconds for votes in flight. (Closing a hidden round stops nothing new: votes
		// already went to the server.)
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', hideTotals: false })).status).toBe(200);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'closed' })).status).toBe(200);
		const inFlight = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, ownVote(w.threats[2]));
		expect(await stillOpen(inFlight)).toBe(true);
		inFlight.ws.close();
		await backdateVotesStopped(w.room.roomId, 60_000);
		const afterClose = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => votesMap(doc).set(`${w.bo.participantId}:${w.threats[1]}`, 2));
		expect((await afterClose.closed).code).toBe(CloseCode.UpdateRefused);

		// Once votes go on the board again (no round), nothing marks them as stopped.
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'free' })).status).toBe(200);
		await waitUntil(() => readControl(w.controls.ada.doc).voting.status === 'free', 'the free vote reaches ada', { docs: [w.controls.ada.doc] });
		expect(readControl(w.controls.ada.doc).voting.stoppedAt).toBeUndefined();
		w.close();
	});

	it('lose no ballot across a restart in the middle of a round, and leave out whom the facilitator excluded', async () => {
		const w = await workshop();
		await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'open', hideTotals: true });
		await command(w.room.roomId, w.room.facilitatorKey, { type: 'exclude-voters', participantIds: [w.otherAda.participantId] });
		const vote = (who: Participant, dots: number) => asParticipant('PUT', `/api/rooms/${w.room.roomId}/ballots/${w.threats[0]}`, who, { dots });
		expect((await vote(w.otherAda, 1)).status).toBe(403);
		expect((await vote(w.ada, 2)).status).toBe(200);
		w.close();

		await server.close();
		server = await startTestServer({ LOG_LEVEL: 'warn' }, dataDir);
		expect((await asParticipant('GET', `/api/rooms/${w.room.roomId}/ballots/mine`, w.ada)).body).toMatchObject({ mine: { [w.threats[0]]: 2 } });
		await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'closed' });
		const reader = connectClient(server.wsUrl, w.room.roomId);
		await synced(reader);
		expect(effectiveVotes(reader.doc, 5).get(w.threats[0])).toBe(2);
		// Re-opened, the round keeps its ballots.
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'reopen-voting' })).status).toBe(200);
		expect((await asParticipant('GET', `/api/rooms/${w.room.roomId}/ballots/mine`, w.ada)).body).toMatchObject({ used: 2 });
		reader.destroy();
	});
});

describe('risk estimation', () => {
	it('keeps picks private until the reveal, flags a wide spread, and records the agreed values with the picks', async () => {
		const w = await workshop();
		const boFrames = recordFrames(w.controls.bo);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'estimate', noteIds: [w.threats[0], w.threats[1]] })).status).toBe(200);
		const pick = (who: Participant, likelihood: number, impact: number) =>
			asParticipant('PUT', `/api/rooms/${w.room.roomId}/estimates/mine`, who, { likelihood, impact });
		expect((await pick(w.ada, 5, 4)).status).toBe(200);
		expect((await pick(w.bo, 2, 4)).status).toBe(200);
		expect((await pick(w.bo, 6, 1)).status).toBe(400);
		await waitUntil(() => readEstimation(w.controls.bo.doc)?.picked.length === 2, 'bo sees that two picked');
		expect(readEstimation(w.controls.bo.doc)).toMatchObject({ noteId: w.threats[0], status: 'picking', revealed: null });
		expect(boFrames.length).toBeGreaterThan(0);

		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'reveal-estimates' })).status).toBe(200);
		await waitUntil(() => readEstimation(w.controls.bo.doc)?.status === 'revealed', 'revealed to bo');
		expect(readEstimation(w.controls.bo.doc)).toMatchObject({
			wideSpread: true,
			revealed: [
				{ name: 'Ada', likelihood: 5, impact: 4 },
				{ name: 'Bo', likelihood: 2, impact: 4 }
			]
		});
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'record-estimate', likelihood: 4, impact: 4 })).status).toBe(200);
		await waitUntil(() => readNote(w.boards.bo.doc, w.threats[0])?.kind === 'threat' && (readNote(w.boards.bo.doc, w.threats[0]) as { estimate?: unknown }).estimate !== undefined, 'estimate recorded', { docs: [w.boards.bo.doc] });
		expect(readNote(w.boards.bo.doc, w.threats[0])).toMatchObject({ likelihood: 4, impact: 4, estimate: { wideSpread: true, picks: [{ likelihood: 5 }, { likelihood: 2 }] } });
		// The queue moves on to the next threat.
		await waitUntil(() => readEstimation(w.controls.bo.doc)?.noteId === w.threats[1], 'next threat up');
		w.close();
	});
});

describe('risk decisions and silent rounds, through the raw protocol', () => {
	it('accept a risk only with a decider, a rationale and a review date', async () => {
		const w = await workshop();
		const noteMap = (doc: Y.Doc) => notesMap(doc).get(w.threats[0]) as Y.Map<unknown>;
		const bare = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => noteMap(doc).set('status', 'accepted'));
		expect((await bare.closed).code).toBe(CloseCode.UpdateRefused);
		const decision = { status: 'accepted', deciderId: w.ada.participantId, deciderName: 'Ada', rationale: 'Low value data; revisit after launch', reviewBy: '2027-03-01', decidedAt: Date.now() };
		const unknownDecider = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => {
			noteMap(doc).set('status', 'accepted');
			noteMap(doc).set('decision', { ...decision, deciderId: 'not-a-person' });
		});
		expect((await unknownDecider.closed).code).toBe(CloseCode.UpdateRefused);
		const noRationale = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => {
			noteMap(doc).set('status', 'accepted');
			noteMap(doc).set('decision', { ...decision, rationale: '' });
		});
		expect((await noRationale.closed).code).toBe(CloseCode.UpdateRefused);
		const recorded = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => {
			noteMap(doc).set('status', 'accepted');
			noteMap(doc).set('decision', decision);
		});
		expect(await stillOpen(recorded)).toBe(true);
		await waitUntil(() => readNote(w.boards.ada.doc, w.threats[0])?.kind === 'threat' && (readNote(w.boards.ada.doc, w.threats[0]) as { status: string }).status === 'accepted', 'ada sees it accepted', { docs: [w.boards.ada.doc] });
		expect(readNote(w.boards.ada.doc, w.threats[0])).toMatchObject({ decision: { deciderName: 'Ada', reviewBy: '2027-03-01' } });
		recorded.ws.close();
		w.close();
	});

	it('publish no new threat during a silent round, and accept one written just before it began', async () => {
		const w = await workshop();
		const record = (await server.store.getRoom(w.room.roomId))!;
		const room = await server.rooms.acquire(record);
		const startRound = (startedAt: number) => {
			const state = readControl(room.docs.control.doc);
			writeControl(room.docs.control.doc, { ...state, silent: { ...state.silent, active: true, round: state.silent.round + 1, startedAt } });
		};
		startRound(Date.now()); // just now: a threat written before the writer heard of it is fine
		const early = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => createNote(doc, { kind: 'threat', question: 2, text: 'just before', author: 'Bo', authorColor: '#059669' }));
		expect(await stillOpen(early)).toBe(true);
		early.ws.close();
		startRound(Date.now() - 60_000); // a minute in
		const leak = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => createNote(doc, { kind: 'threat', question: 2, text: 'leaked', author: 'Bo', authorColor: '#059669' }));
		expect((await leak.closed).code).toBe(CloseCode.UpdateRefused);
		// Other notes are fine in a silent round.
		let questionId = '';
		const question = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => (questionId = createNote(doc, { kind: 'question', question: 2, text: 'what about SSO?', author: 'Bo', authorColor: '#059669' })));
		expect(await stillOpen(question)).toBe(true);
		question.ws.close();
		// ...but not turned into a threat afterwards: a note's kind is set once, when it is written.
		await waitUntil(() => readNote(w.boards.bo.doc, questionId) !== undefined, 'bo has the question', { docs: [w.boards.bo.doc] });
		const turned = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => (notesMap(doc).get(questionId) as Y.Map<unknown>).set('kind', 'threat'));
		expect((await turned.closed).code).toBe(CloseCode.UpdateRefused);
		expect(readNote(w.boards.ada.doc, questionId)?.kind).toBe('question');
		server.rooms.release(w.room.roomId);
		w.close();
	});

	it('refuses a note written as someone else, or claimed afterwards', async () => {
		const w = await workshop();
		const forged = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) =>
			createNote(doc, { kind: 'threat', question: 2, text: 'not mine', author: 'Ada', authorId: w.ada.participantId, authorColor: '#2563eb' })
		);
		expect((await forged.closed).code).toBe(CloseCode.UpdateRefused);
		// Ada's threat, claimed by Bo writing his id over hers.
		const adas = w.threats[0];
		const claimed = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => (notesMap(doc).get(adas) as Y.Map<unknown>).set('authorId', w.bo.participantId));
		expect((await claimed.closed).code).toBe(CloseCode.UpdateRefused);
		// Under her name without an author id, as Bo or with no identity at all: read as Ada's,
		// refused; so is her name in look-alike letters (Cyrillic А, an accent, a fullwidth form).
		for (const [who, author] of [
			[w.bo, 'Ada'],
			[w.bo, ' ada '],
			[w.bo, '\u0410da'],
			[w.bo, 'A\u0301da'],
			[w.bo, '\uff21da'],
			[null, 'Ada']
		] as const) {
			const named = await rawWrite(w.room.roomId, who, w.boards.bo.doc, (doc) => createNote(doc, { kind: 'threat', question: 2, text: 'in her name', authorColor: '#2563eb', author }));
			expect((await named.closed).code).toBe(CloseCode.UpdateRefused);
		}
		// His own name, with or without his id (a note written before he had one), the second Ada
		// writing under the name she shares with the first, and a note under his own id with the
		// name he is renaming to (the rename may reach the server after it): all fine.
		for (const [who, fields] of [
			[w.bo, { author: 'Bo' }],
			[w.bo, { author: 'Bo', authorId: w.bo.participantId }],
			[w.otherAda, { author: 'Ada', authorId: w.otherAda.participantId }],
			[w.bo, { author: 'Ada', authorId: w.bo.participantId }]
		] as const) {
			const own = await rawWrite(w.room.roomId, who, w.boards.bo.doc, (doc) => createNote(doc, { kind: 'threat', question: 2, text: 'mine', authorColor: '#059669', ...fields }));
			expect(await stillOpen(own)).toBe(true);
			own.ws.close();
		}
		w.close();
	});

	it("brings a deleted note back as it was, not in someone else's name", async () => {
		const w = await workshop();
		// Ada's note with her dot, deleted by Bo and brought back by his undo: whole, hers, her dot.
		const adas = createNote(w.boards.ada.doc, { kind: 'asset', question: 1, text: 'Card data', author: 'Ada', authorId: w.ada.participantId, authorColor: '#2563eb' });
		votesMap(w.boards.ada.doc).set(`${w.ada.participantId}:${adas}`, 1);
		await waitUntil(() => votesMap(w.boards.bo.doc).has(`${w.ada.participantId}:${adas}`), 'bo has ada\'s note and dot', { docs: [w.boards.bo.doc] });
		const captured = captureNote(w.boards.bo.doc, adas)!;
		deleteNote(w.boards.bo.doc, adas);
		await waitUntil(() => !notesMap(w.boards.ada.doc).has(adas), 'the deletion reaches ada', { docs: [w.boards.ada.doc] });
		const undo = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => restoreNote(doc, captured));
		expect(await stillOpen(undo)).toBe(true);
		await waitUntil(() => readNote(w.boards.ada.doc, adas)?.authorId === w.ada.participantId, 'ada sees her note back', { docs: [w.boards.ada.doc] });
		expect(votesMap(w.boards.ada.doc).get(`${w.ada.participantId}:${adas}`)).toBe(1);
		undo.ws.close();

		// Bo's own note, deleted, then "brought back" as Ada's, with her dots: refused.
		const bos = createNote(w.boards.bo.doc, { kind: 'asset', question: 1, text: 'Mine', author: 'Bo', authorId: w.bo.participantId, authorColor: '#059669' });
		await waitUntil(() => notesMap(w.boards.ada.doc).has(bos), 'ada has bo\'s note', { docs: [w.boards.ada.doc] });
		const mine = captureNote(w.boards.bo.doc, bos)!;
		deleteNote(w.boards.bo.doc, bos);
		await waitUntil(() => !notesMap(w.boards.ada.doc).has(bos), 'the deletion reaches ada', { docs: [w.boards.ada.doc] });
		const forged = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) =>
			restoreNote(doc, { ...mine, note: { ...mine.note, author: 'Ada', authorId: w.ada.participantId } })
		);
		expect((await forged.closed).code).toBe(CloseCode.UpdateRefused);
		const dots = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => restoreNote(doc, { ...mine, votes: [{ key: `${w.ada.participantId}:${bos}`, count: 3 }] }));
		expect((await dots.closed).code).toBe(CloseCode.UpdateRefused);
		expect(notesMap(w.boards.ada.doc).has(bos)).toBe(false);

		// A note created and deleted in one update leaves no record of what it held: "brought back"
		// in Ada's name with her dots and an estimate, it is a new note of Bo's, and refused.
		let ghost = '';
		let ghostNote: ReturnType<typeof captureNote>;
		const hidden = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => {
			ghost = createNote(doc, { kind: 'threat', question: 2, text: 'ghost', author: 'Bo', authorId: w.bo.participantId, authorColor: '#059669' });
			ghostNote = captureNote(doc, ghost);
			deleteNote(doc, ghost);
		});
		expect(await stillOpen(hidden)).toBe(true);
		hidden.ws.close();
		await waitUntil(() => wasNoteDeleted(w.boards.bo.doc, ghost), "bo's board has the note's removal", { docs: [w.boards.bo.doc] });
		const forgedGhost = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) =>
			restoreNote(doc, { ...ghostNote!, note: { ...ghostNote!.note, author: 'Ada', authorId: w.ada.participantId }, votes: [{ key: `${w.ada.participantId}:${ghost}`, count: 5 }] })
		);
		expect((await forgedGhost.closed).code).toBe(CloseCode.UpdateRefused);
		w.close();
	});

	it('remembers what a removed note held across a restart: a forged "undo" is refused, an honest one brings the note back whole', async () => {
		// A server of its own, restarted between the removals and the undos: what the notes held
		// was kept in the server's memory, and a restore after a restart was taken on trust.
		const dir = tempDataDir();
		let own = await startTestServer({ LOG_LEVEL: 'warn' }, dir);
		try {
			const room = await createRoom(own.url);
			const ada = await registerParticipant(own.url, room.roomId, 'Ada');
			const bo = await registerParticipant(own.url, room.roomId, 'Bo');
			const adaBoard = connectClient(own.wsUrl, room.roomId, { participant: ada });
			const boBoard = connectClient(own.wsUrl, room.roomId, { participant: bo });
			await Promise.all([synced(adaBoard), synced(boBoard)]);
			const adas = createNote(adaBoard.doc, { kind: 'asset', question: 1, text: 'Card data', author: 'Ada', authorId: ada.participantId, authorColor: '#2563eb' });
			votesMap(adaBoard.doc).set(`${ada.participantId}:${adas}`, 1);
			const bos = createNote(boBoard.doc, { kind: 'asset', question: 1, text: 'Mine', author: 'Bo', authorId: bo.participantId, authorColor: '#059669' });
			await waitUntil(() => votesMap(boBoard.doc).has(`${ada.participantId}:${adas}`) && notesMap(boBoard.doc).has(bos), 'bo has both notes and the dot', { docs: [boBoard.doc] });
			const capturedAdas = captureNote(boBoard.doc, adas)!;
			const capturedBos = captureNote(boBoard.doc, bos)!;
			deleteNote(boBoard.doc, adas);
			deleteNote(boBoard.doc, bos);
			await waitUntil(() => !notesMap(adaBoard.doc).has(adas) && !notesMap(adaBoard.doc).has(bos), 'the deletions reach ada', { docs: [adaBoard.doc] });
			const before = Y.encodeStateAsUpdate(boBoard.doc);
			adaBoard.destroy();
			boBoard.destroy();
			await own.close();
			own = await startTestServer({ LOG_LEVEL: 'warn' }, dir);
			const board = new Y.Doc();
			Y.applyUpdate(board, before);

			const forged = await rawWrite(room.roomId, bo, board, (doc) => restoreNote(doc, { ...capturedBos, note: { ...capturedBos.note, author: 'Ada', authorId: ada.participantId } }), own.wsUrl);
			expect((await forged.closed).code).toBe(CloseCode.UpdateRefused);
			const dots = await rawWrite(room.roomId, bo, board, (doc) => restoreNote(doc, { ...capturedBos, votes: [{ key: `${ada.participantId}:${bos}`, count: 3 }] }), own.wsUrl);
			expect((await dots.closed).code).toBe(CloseCode.UpdateRefused);
			const renamed = await rawWrite(room.roomId, bo, board, (doc) => restoreNote(doc, { ...capturedBos, note: { ...capturedBos.note, author: 'Someone else' } }), own.wsUrl);
			expect((await renamed.closed).code).toBe(CloseCode.UpdateRefused);
			const undo = await rawWrite(room.roomId, bo, board, (doc) => restoreNote(doc, capturedAdas), own.wsUrl);
			expect(await stillOpen(undo)).toBe(true);
			undo.ws.close();
			const check = connectClient(own.wsUrl, room.roomId, { participant: ada });
			await synced(check);
			await waitUntil(() => readNote(check.doc, adas)?.authorId === ada.participantId, 'ada sees her note back', { docs: [check.doc] });
			expect(votesMap(check.doc).get(`${ada.participantId}:${adas}`)).toBe(1);
			expect(notesMap(check.doc).has(bos)).toBe(false);
			check.destroy();
		} finally {
			await own.close();
		}
	});

	it("refuses votes in someone else's name carried by an edit of the note they are on", async () => {
		const w = await workshop();
		// A dot of Ada's on the second threat, while votes go on the board.
		votesMap(w.boards.ada.doc).set(`${w.ada.participantId}:${w.threats[1]}`, 1);
		await waitUntil(() => votesMap(w.boards.bo.doc).has(`${w.ada.participantId}:${w.threats[1]}`), 'bo sees ada\'s dot', { docs: [w.boards.bo.doc] });
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'closed' })).status).toBe(200);
		const noteText = (doc: Y.Doc) => (notesMap(doc).get(w.threats[0]) as Y.Map<unknown>).get('text') as Y.Text;
		// Deleting a letter of the note's text put the note in the update's deletions, and votes on
		// a deleted note passed unchecked: Ada's dots cast while voting is closed.
		const stuffed = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => {
			noteText(doc).delete(0, 1);
			votesMap(doc).set(`${w.ada.participantId}:${w.threats[0]}`, 5);
		});
		expect((await stuffed.closed).code).toBe(CloseCode.UpdateRefused);
		expect(votesMap(w.boards.ada.doc).has(`${w.ada.participantId}:${w.threats[0]}`)).toBe(false);
		// Deleting the note itself still takes its votes with it, Ada's dot included.
		const removed = await rawWrite(w.room.roomId, w.bo, w.boards.bo.doc, (doc) => deleteNote(doc, w.threats[1]));
		expect(await stillOpen(removed)).toBe(true);
		await waitUntil(() => !votesMap(w.boards.ada.doc).has(`${w.ada.participantId}:${w.threats[1]}`), 'the dot went with the note', { docs: [w.boards.ada.doc] });
		removed.ws.close();
		w.close();
	});
});

describe('the closing poll and workshop roles', () => {
	it('keeps answers hidden until the reveal, and shows roles beside names', async () => {
		const w = await workshop();
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'poll', action: 'open' })).status).toBe(200);
		const answer = (who: Participant, confidence: number, better: string) => asParticipant('PUT', `/api/rooms/${w.room.roomId}/poll/mine`, who, { confidence, better });
		expect((await answer(w.ada, 4, 'More time on the data store')).status).toBe(200);
		expect((await answer(w.bo, 9, '')).status).toBe(400);
		// One line of plain text: a bidi override, a NUL, an invisible character and line breaks are not kept.
		expect((await answer(w.otherAda, 3, 'fine\u202E\u0000\u200B\n\n# Ada approved everything\u2066')).status).toBe(200);
		await waitUntil(() => readPoll(w.controls.bo.doc)?.answered === 2, 'bo sees two answers counted');
		expect(readPoll(w.controls.bo.doc)?.revealed).toBeNull();
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'poll', action: 'reveal' })).status).toBe(200);
		await waitUntil(() => readPoll(w.controls.bo.doc)?.status === 'revealed', 'revealed');
		expect(readPoll(w.controls.bo.doc)?.revealed).toEqual(
			expect.arrayContaining([
				{ participantId: w.ada.participantId, name: 'Ada', confidence: 4, better: 'More time on the data store' },
				{ participantId: w.otherAda.participantId, name: 'Ada', confidence: 3, better: 'fine # Ada approved everything' }
			])
		);
		expect(readPoll(w.controls.bo.doc)?.revealed).toHaveLength(2);

		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'set-workshop-role', participantId: w.bo.participantId, role: 'product-owner' })).status).toBe(200);
		await waitUntil(() => readPeople(w.controls.bo.doc).get(w.bo.participantId)?.role === 'product-owner', 'role shown');
		w.close();
	});
});

describe('removing a participant', () => {
	it('signs them out everywhere, frees their name, keeps their notes, and leaves everyone else alone', async () => {
		const w = await workshop();
		const removal = rawClient(`${server.wsUrl}/sync/${w.room.roomId}/board`, participantProtocols(w.bo));
		await removal.opened;
		// Before the removal, Bo is named decider of an accepted risk.
		const decideOn = (noteId: string, decider: Participant, name: string, options: { withStatus?: boolean } = {}) =>
			rawWrite(w.room.roomId, w.ada, w.boards.ada.doc, (doc) => {
				const note = notesMap(doc).get(noteId) as Y.Map<unknown>;
				note.set('decision', { status: 'accepted', deciderId: decider.participantId, deciderName: name, rationale: 'Low value', reviewBy: '2027-06-30', decidedAt: Date.now() });
				if (options.withStatus !== false) note.set('status', 'accepted');
			});
		expect(await stillOpen(await decideOn(w.threats[1], w.bo, 'Bo'))).toBe(true);
		await waitUntil(() => (readNote(w.boards.ada.doc, w.threats[1]) as { status?: string }).status === 'accepted', 'ada has the decision', { docs: [w.boards.ada.doc] });
		// Bo votes in a hidden round, picks in an estimation round and answers the poll.
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'open', hideTotals: true, budget: 3 })).status).toBe(200);
		expect((await asParticipant('PUT', `/api/rooms/${w.room.roomId}/ballots/${w.threats[0]}`, w.bo, { dots: 3 })).status).toBe(200);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'estimate', noteIds: [w.threats[0]] })).status).toBe(200);
		expect((await asParticipant('PUT', `/api/rooms/${w.room.roomId}/estimates/mine`, w.bo, { likelihood: 3, impact: 3 })).status).toBe(200);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'poll', action: 'open' })).status).toBe(200);
		expect((await asParticipant('PUT', `/api/rooms/${w.room.roomId}/poll/mine`, w.bo, { confidence: 5, better: 'nothing' })).status).toBe(200);
		await waitUntil(() => readBallotRound(w.controls.ada.doc).voted === 1 && readEstimation(w.controls.ada.doc)?.picked.length === 1 && readPoll(w.controls.ada.doc)?.answered === 1, 'bo counted in the rounds');
		expect(readBallotRound(w.controls.ada.doc).eligible).toBe(3);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'remove-participant', participantId: w.bo.participantId })).status).toBe(200);
		// Bo's open connections close, and say why.
		const closed = await removal.closed;
		expect(closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'participant removed by a facilitator' });
		await waitUntil(() => readPeople(w.controls.ada.doc).get(w.bo.participantId)?.removedAt !== undefined, 'ada sees bo removed');
		// Bo's identity signs in nowhere again: not on the board, not through the API.
		const again = rawClient(`${server.wsUrl}/sync/${w.room.roomId}/board`, participantProtocols(w.bo));
		expect((await again.closed).code).toBe(CloseCode.Unauthorized);
		expect((await asParticipant('PUT', `/api/rooms/${w.room.roomId}/participants/me`, w.bo, { name: 'Bob' })).status).toBe(401);
		// What Bo handed in to open rounds counts no more.
		await waitUntil(() => readBallotRound(w.controls.ada.doc).voted === 0 && readEstimation(w.controls.ada.doc)?.picked.length === 0 && readPoll(w.controls.ada.doc)?.answered === 0, 'bo withdrawn from the rounds');
		expect(readBallotRound(w.controls.ada.doc).eligible).toBe(2);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'voting', status: 'closed' })).status).toBe(200);
		await waitUntil(() => readControl(w.controls.ada.doc).voting.status === 'closed', 'round closed');
		expect(effectiveVotes(w.boards.ada.doc, 3).get(w.threats[0]) ?? 0).toBe(0);
		// A removed person decides no risk, and their name is free.
		expect(await stillOpen(await decideOn(w.threats[0], w.otherAda, 'Ada'))).toBe(true);
		await waitUntil(() => (readNote(w.boards.ada.doc, w.threats[0]) as { status?: string }).status === 'accepted', 'ada has the second decision', { docs: [w.boards.ada.doc] });
		// The decision alone, on a risk already accepted, names someone who never joined: refused.
		const nobody = { participantId: 'nobody-here-1', secret: w.bo.secret };
		expect((await (await decideOn(w.threats[0], nobody, 'Nobody', { withStatus: false })).closed).code).toBe(CloseCode.UpdateRefused);
		// The risk Bo accepted before, deleted and brought back by undo, comes back with his decision.
		const captured = captureNote(w.boards.ada.doc, w.threats[1])!;
		const removedNote = await rawWrite(w.room.roomId, w.ada, w.boards.ada.doc, (doc) => deleteNote(doc, w.threats[1]));
		expect(await stillOpen(removedNote)).toBe(true);
		await waitUntil(() => !notesMap(w.boards.ada.doc).has(w.threats[1]), 'the deletion reaches ada', { docs: [w.boards.ada.doc] });
		expect(await stillOpen(await rawWrite(w.room.roomId, w.ada, w.boards.ada.doc, (doc) => restoreNote(doc, captured)))).toBe(true);
		const newBo = await registerParticipant(server.url, w.room.roomId, 'B0');
		expect(newBo.participantId).not.toBe(w.bo.participantId);
		// The notes Bo wrote stay, and Ada carries on.
		await waitUntil(() => listNotes(w.boards.ada.doc).length === 3, 'ada has all three threats', { docs: [w.boards.ada.doc] });
		expect(await stillOpen(await rawWrite(w.room.roomId, w.ada, w.boards.ada.doc, (doc) => createNote(doc, { kind: 'threat', question: 2, text: 'after', ...AUTHOR, authorId: w.ada.participantId })))).toBe(true);
		// Unknown ids are refused; removing twice is no harm.
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'remove-participant', participantId: 'nobody-here-1' })).status).toBe(409);
		expect((await command(w.room.roomId, w.room.facilitatorKey, { type: 'remove-participant', participantId: w.bo.participantId })).status).toBe(200);
		// Only a facilitator removes anyone.
		const byParticipant = await fetch(`${server.url}${controlPath(w.room.roomId)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Participant ${w.ada.participantId}.${w.ada.secret}` },
			body: JSON.stringify({ type: 'remove-participant', participantId: w.otherAda.participantId })
		});
		expect(byParticipant.status).toBe(401);
		expect((await command(w.room.roomId, 'x'.repeat(43), { type: 'remove-participant', participantId: w.otherAda.participantId })).status).toBe(403);
		expect(readPeople(w.controls.ada.doc).get(w.otherAda.participantId)?.removedAt).toBeUndefined();
		w.close();
	});
});
