/**
 * Iterations on a real server (issue 15): the facilitator freezes the room, work goes on with the
 * same ids, and the frozen iteration, its exports and the diff since it survive kill -9 on both
 * stores. Then who may do what: only a facilitator key freezes, every room link reads, and no
 * room's iterations are reachable through another room.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createNote, listNotes, updateNoteFields } from '../../src/lib/shared/board/doc.ts';
import { parseRoomExport } from '../../src/lib/shared/export/json.ts';
import type { IterationDiffResponse, IterationInfo, IterationListResponse } from '../../src/lib/shared/iterations/api.ts';
import type { CreateRoomResponse } from '../../src/lib/shared/wire/api.ts';
import { connectClient, registerParticipant, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, spawnServer, startTestServer, tempDataDir, type ChildServer, type TestServer } from '../helpers/server.ts';
import { testSchema, type TestSchema } from '../helpers/shared-services.ts';

const children: ChildServer[] = [];
const clients: TestClient[] = [];
afterEach(() => {
	for (const c of clients.splice(0)) c.destroy();
	for (const s of children.splice(0)) s.child.kill('SIGKILL');
});

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function startIteration(baseUrl: string, roomId: string, key?: string, body: unknown = {}): Promise<Response> {
	return fetch(`${baseUrl}/api/rooms/${roomId}/iterations`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
		body: JSON.stringify(body)
	});
}

async function json<T>(res: Response, status = 200): Promise<T> {
	expect(res.status, await res.clone().text()).toBe(status);
	return (await res.json()) as T;
}

async function writer(server: { url: string; wsUrl: string }, roomId: string): Promise<TestClient> {
	const participant = await registerParticipant(server.url, roomId, 'Ada');
	const client = connectClient(server.wsUrl, roomId, { participant });
	clients.push(client);
	await synced(client);
	return client;
}

const stores: Record<string, () => { env: Record<string, string>; drop(): Promise<void> }> = {
	sqlite: () => ({ env: {}, drop: async () => undefined }),
	postgres: () => {
		const schema: TestSchema = testSchema('iterations');
		return { env: schema.env(), drop: () => schema.drop() };
	}
};

describe.each(Object.keys(stores))('on %s', (name) => {
	const backend = stores[name]();
	afterAll(() => backend.drop());

	it('keeps a frozen iteration, its exports and the diff since it across kill -9', { timeout: 60_000 }, async () => {
		const dataDir = tempDataDir();
		let server = await spawnServer(dataDir, backend.env);
		children.push(server);
		const room = await createRoom(server.url, 'Checkout');
		const client = await writer(server, room.roomId);
		const threat = createNote(client.doc, { kind: 'threat', question: 2, text: 'Replay of a checkout request', ...AUTHOR, stride: ['S'] });

		// The freeze takes in what the server has received; wait until it has it (the board is the proof).
		const reader = connectClient(server.wsUrl, room.roomId);
		clients.push(reader);
		await waitUntil(() => listNotes(reader.doc).length === 1, 'note reached the server', { docs: [reader.doc] });
		const frozen = await json<IterationInfo>(await startIteration(server.url, room.roomId, room.facilitatorKey), 201);
		expect(frozen).toMatchObject({ number: 1, startedBy: 'Facilitator', counts: { threats: 1, mitigations: 0, otherNotes: 0, links: 0 } });
		expect(frozen.bytes).toBeGreaterThan(0);

		// Work goes on with the same ids: the same threat changes, a mitigation is added.
		updateNoteFields(client.doc, threat, { status: 'mitigated' });
		const mitigation = createNote(client.doc, { kind: 'mitigation', question: 3, text: 'Idempotency keys', ...AUTHOR });
		const arrived = () => listNotes(reader.doc).some((n) => n.id === mitigation) && listNotes(reader.doc).some((n) => n.kind === 'threat' && n.status === 'mitigated');
		await waitUntil(arrived, 'edits reached the server', { docs: [reader.doc] });
		client.destroy();
		reader.destroy();

		server.child.kill('SIGKILL');
		expect(await server.exited).toBe('SIGKILL');
		server = await spawnServer(dataDir, backend.env);
		children.push(server);

		const list = await json<IterationListResponse>(await fetch(`${server.url}/api/rooms/${room.roomId}/iterations`));
		expect(list).toEqual({ current: 2, iterations: [frozen] });
		const exported = parseRoomExport(await (await fetch(`${server.url}/api/rooms/${room.roomId}/iterations/1/export.json`)).text());
		expect(exported.ok && exported.snapshot.notes.map((n) => [n.id, n.kind === 'threat' && n.status])).toEqual([[threat, 'open']]);

		const { since, diff } = await json<IterationDiffResponse>(await fetch(`${server.url}/api/rooms/${room.roomId}/iterations/1/diff`));
		expect(since).toBe(1);
		expect(diff.entries.map((e) => [e.change, e.item, e.id, e.fields.map((f) => `${f.field}: ${f.before} → ${f.after}`)])).toEqual([
			['changed', 'threat', threat, ['status: Open → Mitigated']],
			['added', 'mitigation', mitigation, []]
		]);
		const report = await fetch(`${server.url}/api/rooms/${room.roomId}/iterations/1/changes.md`);
		expect(report.headers.get('content-disposition')).toMatch(/^attachment; filename="threat-model-checkout-\d{4}-\d\d-\d\d-since-iteration-1\.md"$/);
		expect(await report.text()).toContain('| Changed | T1 Replay of a checkout request | status: “Open” → “Mitigated” |');

		// The next freeze is iteration 2, numbered after the one that survived the kill.
		const second = await startIteration(server.url, room.roomId, room.facilitatorKey, { name: 'Ada' });
		expect(await json<IterationInfo>(second, 201)).toMatchObject({ number: 2, startedBy: 'Ada', counts: { threats: 1, mitigations: 1 } });
	});
});

it('freezes what another instance sharing the store has stored, though no fan-out brought it over', { timeout: 30_000 }, async () => {
	const schema = testSchema('iterations_shared');
	const instances: TestServer[] = [];
	try {
		// PostgreSQL without Redis: the instances share the store and nothing else.
		for (let i = 0; i < 2; i++) instances.push(await startTestServer({ LOG_LEVEL: 'silent', ...schema.env() }));
		const [a, b] = instances;
		const room = await createRoom(a.url, 'Shared');
		const onB = connectClient(b.wsUrl, room.roomId);
		clients.push(onB);
		await synced(onB);
		const client = await writer(a, room.roomId);
		const threat = createNote(client.doc, { kind: 'threat', question: 2, text: 'Written through instance A', ...AUTHOR });
		// A second client of A holding it means A stored it (updates are committed before they are sent).
		const reader = connectClient(a.wsUrl, room.roomId);
		clients.push(reader);
		await waitUntil(() => listNotes(reader.doc).some((n) => n.id === threat), 'A stored the note', { docs: [reader.doc] });
		expect(listNotes(onB.doc)).toEqual([]);

		await json<IterationInfo>(await startIteration(b.url, room.roomId, room.facilitatorKey), 201);
		const exported = parseRoomExport(await (await fetch(`${b.url}/api/rooms/${room.roomId}/iterations/1/export.json`)).text());
		expect(exported.ok && exported.snapshot.notes.map((n) => n.id)).toEqual([threat]);
	} finally {
		for (const server of instances) await server.close();
		await schema.drop();
	}
});

describe('who may start and read iterations', () => {
	let server: TestServer;
	let room: CreateRoomResponse;
	let other: CreateRoomResponse;
	const get = (path: string) => fetch(`${server.url}/api/rooms/${path}`);
	afterAll(() => server?.close());

	it('lets only a facilitator key freeze, and only its own room', async () => {
		server = await startTestServer({ LOG_LEVEL: 'silent' });
		[room, other] = await Promise.all([createRoom(server.url, 'Mine'), createRoom(server.url, 'Theirs')]);
		const forbidden = async (res: Response) => expect((await json<{ error: { code: string } }>(res, 403)).error.code).toBe('forbidden');
		await forbidden(await startIteration(server.url, room.roomId));
		await forbidden(await startIteration(server.url, room.roomId, 'x'.repeat(43)));
		// The other room's facilitator key is no key here.
		await forbidden(await startIteration(server.url, room.roomId, other.facilitatorKey));
		// An observer id is not a room id: nothing to freeze there.
		expect((await startIteration(server.url, room.observerId, room.facilitatorKey)).status).toBe(404);
		expect((await startIteration(server.url, 'no-such-room-000000', room.facilitatorKey)).status).toBe(404);
		expect((await json<IterationListResponse>(await get(`${room.roomId}/iterations`))).iterations).toEqual([]);
		// A plain POST without JSON is refused before anything else (a cross-site form cannot send it).
		const form = await fetch(`${server.url}/api/rooms/${room.roomId}/iterations`, { method: 'POST', headers: { authorization: `Bearer ${room.facilitatorKey}` } });
		expect(form.status).toBe(415);
		const badName = await startIteration(server.url, room.roomId, room.facilitatorKey, { name: 'x'.repeat(500), extra: true });
		expect((await json<{ error: { code: string } }>(badName, 400)).error.code).toBe('invalid_request');
		expect(await json<IterationInfo>(await startIteration(server.url, room.roomId, room.facilitatorKey), 201)).toMatchObject({ number: 1 });
	});

	it('lets the room and observer links read, refuses bad numbers, and never reaches another room', async () => {
		for (const id of [room.roomId, room.observerId]) {
			expect((await json<IterationListResponse>(await get(`${id}/iterations`))).iterations.map((i) => i.number)).toEqual([1]);
			expect((await get(`${id}/iterations/1/export.md`)).status).toBe(200);
			expect((await get(`${id}/iterations/1/diff`)).status).toBe(200);
		}
		for (const bad of ['0', 'abc', '1.5', '-1', '01', '1e3', '9999999999']) {
			expect((await get(`${room.roomId}/iterations/${bad}/diff`)).status, bad).toBe(400);
		}
		expect((await get(`${room.roomId}/iterations/2/export.json`)).status).toBe(404);
		expect((await get(`${room.roomId}/iterations/1/export.exe`)).status).toBe(404);
		// The other room has no iteration 1 of its own, and this room's is not found through it.
		expect((await get(`${other.roomId}/iterations/1/export.json`)).status).toBe(404);
		expect((await get(`${other.observerId}/iterations/1/diff`)).status).toBe(404);
		expect((await json<IterationListResponse>(await get(`${other.roomId}/iterations`))).iterations).toEqual([]);
		expect((await get('no-such-room-000000/iterations')).status).toBe(404);
		// A facilitator key is not a room link.
		expect((await get(`${room.facilitatorKey}/iterations`)).status).toBe(404);
	});
});
