/**
 * Two instances sharing PostgreSQL and Redis (each test run in its own schema and channel
 * prefix): clients split across them converge, compaction by both loses nothing, rooms are
 * subscribed only while loaded, and Redis without PostgreSQL is refused at start-up.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { DocName } from '../../src/lib/shared/wire/protocol.ts';
import { createPostgresStore } from '../../server/persistence/postgres-store.ts';
import { createNote, votesMap } from '../../src/lib/shared/board/doc.ts';
import { controlPath } from '../../src/lib/shared/control/commands.ts';
import { readControl } from '../../src/lib/shared/control/doc.ts';
import { encodeSyncMessage } from '../../src/lib/shared/wire/messages.ts';
import { CloseCode, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { canonicalJson, connectClient, participantProtocols, rawClient, registerParticipant, seedSharedText, sharedText, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, spawnServer, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testSchema, type TestSchema } from '../helpers/shared-services.ts';

let schema: TestSchema;
const servers: TestServer[] = [];
const clients: TestClient[] = [];

beforeAll(() => {
	schema = testSchema('scale');
});
afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	for (const server of servers.splice(0)) await server.close();
});
afterAll(() => schema.drop());

async function instance(env: Record<string, string> = {}): Promise<TestServer> {
	const server = await startTestServer({ LOG_LEVEL: 'warn', ...schema.env(TEST_REDIS_URL), ...env });
	servers.push(server);
	return server;
}

function client(server: TestServer, roomId: string, docName?: DocName): TestClient {
	const c = connectClient(server.wsUrl, roomId, { docName });
	clients.push(c);
	return c;
}

const allSame = (docs: TestClient[]) => docs.every((c) => canonicalJson(c.doc) === canonicalJson(docs[0].doc));

it('converges a room whose clients are split across two instances, edits and presence', async () => {
	const [a, b] = [await instance(), await instance()];
	expect(a.fanout.status()).toBe('ok');
	const room = await createRoom(a.url);
	const onA = [0, 1, 2].map(() => client(a, room.roomId));
	const onB = [0, 1, 2].map(() => client(b, room.roomId));
	const everyone = [...onA, ...onB];
	await Promise.all(everyone.map(synced));
	await seedSharedText(everyone);

	everyone.forEach((c, i) => {
		for (let k = 0; k < 20; k++) c.doc.getMap('notes').set(`c${i}-k${k}`, k);
		sharedText(c.doc).insert(0, `[${i}]`);
	});
	await waitUntil(
		() => allSame(everyone) && onA[0].doc.getMap('notes').size === 121,
		'all six clients hold the same 120 notes and text',
		{ docs: everyone.map((c) => c.doc), timeoutMs: 15_000 }
	);
	expect(sharedText(onB[2].doc).toString()).toHaveLength(18);

	onB[0].provider.awareness.setLocalState({ user: { name: 'Bea on B', color: '#2563eb' } });
	onA[0].provider.awareness.setLocalState({ user: { name: 'Al on A', color: '#16a34a' } });
	const nameSeenBy = (viewer: TestClient, subject: TestClient) =>
		(viewer.provider.awareness.getStates().get(subject.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name;
	await waitUntil(
		() => nameSeenBy(onA[1], onB[0]) === 'Bea on B' && nameSeenBy(onB[1], onA[0]) === 'Al on A',
		'presence crosses instances both ways'
	);
	// Leaving on one instance is seen on the other.
	onB[0].destroy();
	await waitUntil(() => !onA[1].provider.awareness.getStates().has(onB[0].doc.clientID), 'departure crosses instances');

	// What they converged on is what is stored: a third instance without Redis loads the same.
	const reader = client(await instance({ REDIS_URL: '' }), room.roomId);
	await synced(reader);
	expect(canonicalJson(reader.doc)).toBe(canonicalJson(onA[0].doc));
});

it('loses nothing when both instances compact the same document while both write', { timeout: 60_000 }, async () => {
	const [a, b] = [await instance({ COMPACT_AFTER_UPDATES: '7' }), await instance({ COMPACT_AFTER_UPDATES: '7' })];
	const room = await createRoom(a.url);
	const writers = [client(a, room.roomId), client(b, room.roomId), client(a, room.roomId), client(b, room.roomId)];
	await Promise.all(writers.map(synced));
	for (let round = 0; round < 60; round++) {
		writers.forEach((w, i) => w.doc.getMap('notes').set(`w${i}-${round}`, round));
		// Let each round go out as its own updates, interleaved across instances.
		await waitUntil(() => writers.every((w) => w.doc.getMap('notes').size >= (round + 1) * 2), 'round reached a peer');
	}
	await waitUntil(() => allSame(writers) && writers[0].doc.getMap('notes').size === 240, 'writers converged', {
		docs: writers.map((w) => w.doc),
		timeoutMs: 20_000
	});
	for (const w of writers) w.destroy();
	clients.splice(0);
	for (const s of servers.splice(0)) await s.close();

	const store = createPostgresStore({ connectionString: TEST_DATABASE_URL, schema: schema.schema, poolSize: 2 });
	try {
		const stored = await store.loadDoc({ roomId: room.roomId, docName: 'board' });
		expect(stored.logLength).toBeLessThan(60); // compacted along the way (240 writes)
	} finally {
		await store.close();
	}
	const reader = client(await instance({ REDIS_URL: '' }), room.roomId);
	await synced(reader);
	expect(reader.doc.getMap('notes').size).toBe(240);
});

it('compacts without losing what another instance stored, even when it never heard of it', { timeout: 60_000 }, async () => {
	// No Redis: each instance's copy lacks the other's edits, which exist only in the shared log.
	const env = { REDIS_URL: '', COMPACT_AFTER_UPDATES: '5' };
	const [a, b] = [await instance(env), await instance(env)];
	const room = await createRoom(a.url);
	const [onA, watchA, onB, watchB] = [client(a, room.roomId), client(a, room.roomId), client(b, room.roomId), client(b, room.roomId)];
	await Promise.all([onA, watchA, onB, watchB].map(synced));
	for (let i = 0; i < 40; i++) {
		onA.doc.getMap('notes').set(`a${i}`, i);
		onB.doc.getMap('notes').set(`b${i}`, i);
		// Received by a second client on the same instance: committed. One log entry per edit, so
		// compactions run on both sides as the log grows.
		await waitUntil(() => watchA.doc.getMap('notes').has(`a${i}`) && watchB.doc.getMap('notes').has(`b${i}`), `edit ${i} stored`);
	}
	for (const c of clients.splice(0)) c.destroy();
	for (const s of servers.splice(0)) await s.close();

	const reader = client(await instance({ REDIS_URL: '' }), room.roomId);
	await synced(reader);
	const keys = [...reader.doc.getMap('notes').keys()];
	expect(keys.filter((k) => k.startsWith('a'))).toHaveLength(40);
	expect(keys.filter((k) => k.startsWith('b'))).toHaveLength(40);
});

it("signs a removed participant out of another instance's connections too", async () => {
	const [a, b] = [await instance(), await instance()];
	const room = await createRoom(a.url);
	const bo = await registerParticipant(a.url, room.roomId, 'Bo');
	const onB = rawClient(`${b.wsUrl}/sync/${room.roomId}/board`, participantProtocols(bo));
	await onB.opened;
	onB.send(encodeSyncMessage(SyncStep.Step1, new Uint8Array([0])));
	await waitUntil(() => onB.frames.some((f) => f[0] === 0 && f[1] === SyncStep.Step2), 'bo is in on instance b');
	const command = (body: unknown) =>
		fetch(`${a.url}${controlPath(room.roomId)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${room.facilitatorKey}` },
			body: JSON.stringify(body)
		}).then((res) => res.status);
	// Bo hands in a hidden ballot through instance B; the facilitator works on instance A.
	const boardA = client(a, room.roomId);
	const controlB = client(b, room.roomId, 'control');
	await Promise.all([synced(boardA), synced(controlB)]);
	const threat = createNote(boardA.doc, { kind: 'threat', question: 2, text: 'Replay', author: 'Ada', authorColor: '#2563eb' });
	expect(await command({ type: 'voting', status: 'open', hideTotals: true, budget: 3 })).toBe(200);
	await waitUntil(() => readControl(controlB.doc).voting.hideTotals, 'b hears of the hidden round', { docs: [controlB.doc] });
	const ballot = await fetch(`${b.url}/api/rooms/${room.roomId}/ballots/${threat}`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json', authorization: `Participant ${bo.participantId}.${bo.secret}` },
		body: JSON.stringify({ dots: 3 })
	});
	expect(ballot.status).toBe(200);

	expect(await command({ type: 'remove-participant', participantId: bo.participantId })).toBe(200);
	expect(await onB.closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'participant removed by a facilitator' });
	expect((await rawClient(`${b.wsUrl}/sync/${room.roomId}/board`, participantProtocols(bo)).closed).code).toBe(CloseCode.Unauthorized);
	// The round closes on A: Bo's ballot, handed in on B, does not become a vote on the board.
	expect(await command({ type: 'voting', status: 'closed' })).toBe(200);
	const held = await a.rooms.acquire((await a.store.getRoom(room.roomId))!);
	try {
		expect([...votesMap(held.docs.board.doc).keys()]).toEqual([]);
		expect(readControl(held.docs.control.doc).voting.status).toBe('closed');
	} finally {
		a.rooms.release(room.roomId);
	}
});

it('subscribes to a room only while it is loaded', async () => {
	const [a, b] = [await instance({ IDLE_EVICT_MS: '50' }), await instance({ IDLE_EVICT_MS: '50' })];
	const room = await createRoom(a.url);
	const prefix = schema.env(TEST_REDIS_URL).REDIS_CHANNEL_PREFIX;
	const channel = `${prefix}:room:${createHash('sha256').update(room.roomId).digest('hex').slice(0, 32)}`;
	const redis = new Redis(TEST_REDIS_URL);
	const subscribers = async () => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
	try {
		expect(await subscribers()).toBe(0);
		const onA = client(a, room.roomId);
		await synced(onA);
		expect(await subscribers()).toBe(1);
		const onB = client(b, room.roomId);
		await synced(onB);
		expect(await subscribers()).toBe(2);
		// Channel names never carry the room id itself (a capability).
		expect(channel).not.toContain(room.roomId);

		onA.destroy();
		onB.destroy();
		await waitUntil(() => !a.rooms.isLoaded(room.roomId) && !b.rooms.isLoaded(room.roomId), 'both evicted the room');
		let count = -1;
		for (let i = 0; i < 100 && count !== 0; i++) count = await subscribers();
		expect(count).toBe(0);
	} finally {
		redis.disconnect();
	}
});

it('refuses to start with Redis but no PostgreSQL, or with a database it cannot reach, saying why', async () => {
	const started = spawnServer(tempDataDir(), { REDIS_URL: TEST_REDIS_URL, DATABASE_URL: '' });
	await expect(started).rejects.toThrow(/REDIS_URL: needs DATABASE_URL/);
	// Port 9 (discard) on loopback: nothing listens there.
	const unreachable = spawnServer(tempDataDir(), { DATABASE_URL: 'postgres://postgres:pw-marker@127.0.0.1:9/test' });
	await expect(unreachable).rejects.toThrow(/the postgres store is unreachable/);
	await expect(unreachable).rejects.not.toThrow(/pw-marker/);
});

it('keeps room ids, secrets, note text and the database password out of its logs', async () => {
	const url = new URL(TEST_DATABASE_URL);
	url.password = 'db-password-marker'; // trust authentication ignores it
	const env = { LOG_LEVEL: 'debug', DATABASE_URL: url.toString() };
	const [a, b] = [await instance(env), await instance(env)];
	const room = await createRoom(a.url);
	const onA = client(a, room.roomId);
	const onB = client(b, room.roomId);
	const facilitator = connectClient(b.wsUrl, room.roomId, { protocols: ['threatboard.v1', `tb-key.${room.facilitatorKey}`] });
	clients.push(facilitator);
	await Promise.all([synced(onA), synced(onB), synced(facilitator)]);
	onA.doc.getMap('notes').set('secret-note', 'NOTE-TEXT-MARKER');
	await waitUntil(() => onB.doc.getMap('notes').get('secret-note') === 'NOTE-TEXT-MARKER', 'note crossed instances');
	for (const c of clients.splice(0)) c.destroy();
	for (const s of servers.splice(0)) await s.close();

	const logs = a.logText() + b.logText();
	expect(logs.length).toBeGreaterThan(0);
	for (const secret of [room.roomId, room.facilitatorKey, room.observerId, 'NOTE-TEXT-MARKER', 'db-password-marker']) {
		expect(logs).not.toContain(secret);
	}
});
