/**
 * Hostile frames on raw sockets. Each gets its named close code (or is dropped), only the
 * offending connection is affected, and well-behaved clients in the same room carry on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, MessageType, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, participantProtocols, rawClient, registerParticipant, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { awarenessFrame, emptyStep1, syncFrame } from '../helpers/frames.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

const MAX_MESSAGE_BYTES = 64 * 1024;
let server: TestServer;
let roomId: string;
let alice: TestClient;
let bob: TestClient;
let edits = 0;

beforeAll(async () => {
	server = await startTestServer({ MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) });
	roomId = (await createRoom(server.url)).roomId;
	alice = connectClient(server.wsUrl, roomId);
	bob = connectClient(server.wsUrl, roomId);
	await Promise.all([synced(alice), synced(bob)]);
	bob.provider.awareness.setLocalState({ user: { name: 'Bob', color: '#2563eb' } });
	await waitUntil(() => alice.provider.awareness.getStates().has(bob.doc.clientID), 'alice sees bob');
});

afterAll(async () => {
	alice.destroy();
	bob.destroy();
	await server.close();
});

/** The room still works for the well-behaved clients, and the server is healthy. */
async function roomStillWorks(): Promise<void> {
	const key = `after-attack-${edits++}`;
	alice.doc.getMap('notes').set(key, true);
	await waitUntil(() => bob.doc.getMap('notes').get(key) === true, 'bob receives alice edit', { docs: [bob.doc] });
	expect(alice.provider.wsconnected && bob.provider.wsconnected).toBe(true);
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

async function attack(frames: Uint8Array[]): Promise<{ code: number; reason: string }> {
	const raw = rawClient(`${server.wsUrl}/sync/${roomId}/board`);
	await raw.opened;
	for (const frame of frames) raw.send(frame);
	return raw.closed;
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe('malformed frames close only the sender, with a named code', () => {
	it.each([
		['a sync message cut after its type', [bytes(MessageType.Sync)]],
		['a sync update with no payload', [bytes(MessageType.Sync, SyncStep.Update)]],
		['a payload shorter than its length prefix', [bytes(MessageType.Sync, SyncStep.Update, 50, 1, 2)]],
		['an unknown sync step', [syncFrame(9, bytes(0, 0))]],
		['garbage inside a sync update', [syncFrame(SyncStep.Update, bytes(9, 200, 17, 4, 99, 1, 0, 250, 3))]],
		['a garbage state vector in sync step 1', [syncFrame(SyncStep.Step1, bytes(5, 255, 255, 255))]],
		['an unknown message type', [bytes(7, 1, 2, 3)]],
		['an unreadable message type', [bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)]],
		['a text frame', [new TextEncoder().encode('{"hello":"world"}')]],
		['awareness that is not JSON', [awarenessFrame([{ clientId: 4242, clock: 1, json: '{not json' }])]],
		['awareness that is a JSON array', [awarenessFrame([{ clientId: 4243, clock: 1, json: '[1,2]' }])]],
		['a truncated awareness update', [bytes(MessageType.Awareness, 10, 1, 5)]]
	])('%s', async (_name, frames) => {
		const closed = await attack(frames);
		expect(closed.code).toBe(CloseCode.MalformedMessage);
		await roomStillWorks();
	});

	it('an oversized frame gets 1009 (message too big)', async () => {
		const closed = await attack([syncFrame(SyncStep.Update, new Uint8Array(MAX_MESSAGE_BYTES + 1024))]);
		expect(closed.code).toBe(CloseCode.MessageTooBig);
		await roomStillWorks();
	});

	it('an awareness state over the size limit gets 4413', async () => {
		const json = JSON.stringify({ user: { name: 'x'.repeat(20_000), color: '#000000' } });
		const closed = await attack([awarenessFrame([{ clientId: 777, clock: 1, json }])]);
		expect(closed.code).toBe(CloseCode.AwarenessTooLarge);
		await roomStillWorks();
	});

	it('claiming many awareness client ids gets 4413', async () => {
		const frames = [1, 2, 3, 4, 5, 6].map((n) => awarenessFrame([{ clientId: 9000 + n, clock: 1, json: '{}' }]));
		const closed = await attack(frames);
		expect(closed.code).toBe(CloseCode.AwarenessTooLarge);
		await roomStillWorks();
	});

	it('a message flood gets 4429 (rate limited)', async () => {
		const frames = Array.from({ length: 5_000 }, (_, clock) =>
			awarenessFrame([{ clientId: 31337, clock: clock + 1, json: `{"cursor":{"x":${clock}}}` }])
		);
		const closed = await attack(frames);
		expect(closed.code).toBe(CloseCode.RateLimited);
		await roomStillWorks();
	});
});

it("drops awareness written for another client's id: nobody can overwrite or remove Bob", async () => {
	const raw = rawClient(`${server.wsUrl}/sync/${roomId}/board`);
	await raw.opened;
	raw.send(emptyStep1());
	const bobId = bob.doc.clientID;
	const bobClock = bob.provider.awareness.meta.get(bobId)!.clock;
	raw.send(awarenessFrame([{ clientId: bobId, clock: bobClock + 100, json: '{"user":{"name":"Mallory","color":"#000000"}}' }]));
	raw.send(awarenessFrame([{ clientId: bobId, clock: bobClock + 200, json: 'null' }]));
	// A marker of the attacker's own, sent after: once Alice sees it, the attack was processed.
	raw.send(awarenessFrame([{ clientId: 5150, clock: 1, json: '{"user":{"name":"Marker","color":"#111111"}}' }]));
	await waitUntil(() => alice.provider.awareness.getStates().has(5150), 'alice sees the marker');

	const seenByAlice = alice.provider.awareness.getStates().get(bobId) as { user?: { name?: string } } | undefined;
	expect(seenByAlice?.user?.name).toBe('Bob');
	expect(raw.ws.readyState).toBe(raw.ws.OPEN); // dropped, not disconnected: echoes are normal
	raw.ws.close();
	await raw.closed;
	// The attacker's own presence is removed when it leaves.
	await waitUntil(() => !alice.provider.awareness.getStates().has(5150), 'marker removed after disconnect');
	await roomStillWorks();
});

it("a participant cannot take over someone's presence id while they are away: they come back as themselves", async () => {
	const victim = await registerParticipant(server.url, roomId, 'Vic');
	const mallory = await registerParticipant(server.url, roomId, 'Mallory');
	const id = 7_070_707;
	const state = (name: string) => JSON.stringify({ user: { name, color: '#2563eb' } });
	const participantIdSeen = () => (alice.provider.awareness.getStates().get(id) as { user?: { participantId?: string } } | undefined)?.user?.participantId;

	const first = rawClient(`${server.wsUrl}/sync/${roomId}/board`, participantProtocols(victim));
	await first.opened;
	first.send(awarenessFrame([{ clientId: id, clock: 1, json: state('Vic') }]));
	await waitUntil(() => participantIdSeen() === victim.participantId, 'alice sees Vic');
	first.ws.close(); // a dropped connection
	await first.closed;
	await waitUntil(() => !alice.provider.awareness.getStates().has(id), 'Vic gone for alice');

	const raw = rawClient(`${server.wsUrl}/sync/${roomId}/board`, participantProtocols(mallory));
	await raw.opened;
	raw.send(awarenessFrame([{ clientId: id, clock: 2, json: state('Vic') }]));
	raw.send(awarenessFrame([{ clientId: 5151, clock: 1, json: state('Marker') }])); // processed once alice sees it
	await waitUntil(() => alice.provider.awareness.getStates().has(5151), 'alice sees the marker');
	expect(alice.provider.awareness.getStates().has(id)).toBe(false);

	const back = rawClient(`${server.wsUrl}/sync/${roomId}/board`, participantProtocols(victim));
	await back.opened;
	back.send(awarenessFrame([{ clientId: id, clock: 3, json: state('Vic') }]));
	await waitUntil(() => participantIdSeen() === victim.participantId, 'alice sees Vic again, as Vic');
	for (const c of [raw, back]) c.ws.close();
	await Promise.all([raw.closed, back.closed]);
});

it('logs refusals with room tag, connection id and reason, never frame contents', async () => {
	const secret = 'TOP-SECRET-NOTE-TEXT';
	await attack([awarenessFrame([{ clientId: 6000, clock: 1, json: `{${secret}` }])]);
	const entry = server.logs.find((l) => l.msg === 'connection closed' && l.code === CloseCode.MalformedMessage);
	expect(entry).toMatchObject({ room: expect.stringMatching(/^[0-9a-f]{12}$/), conn: expect.any(Number), reason: expect.any(String) });
	expect(server.logText()).not.toContain(secret);
	expect(server.logText()).not.toContain(roomId);
});
