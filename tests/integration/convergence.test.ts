import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { canonicalJson, connectClient, rawClient, seedSharedText, sharedText, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { emptyStep1, readSyncFrame } from '../helpers/frames.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'warn' });
});
afterAll(async () => {
	await server.close();
});

function sameState(clients: TestClient[]): boolean {
	const first = canonicalJson(clients[0].doc);
	return clients.every((c) => canonicalJson(c.doc) === first);
}

describe.each([2, 10])('%i clients through the real server', (count) => {
	it('converge on concurrent map writes and concurrent typing into one text', async () => {
		const room = await createRoom(server.url);
		const clients = Array.from({ length: count }, () => connectClient(server.wsUrl, room.roomId));
		await Promise.all(clients.map(synced));
		await seedSharedText(clients);

		// Everyone writes at once: distinct keys, one contended key, and typing into one text.
		clients.forEach((c, i) => {
			c.doc.transact(() => {
				c.doc.getMap('notes').set(`note-${i}`, `from ${i}`);
				c.doc.getMap('meta').set('contended', i);
				sharedText(c.doc).insert(0, `[${i}]`);
			});
		});
		const docs = clients.map((c) => c.doc);
		await waitUntil(
			() => docs.every((d) => d.getMap('notes').size === count + 1) && sameState(clients),
			'all clients hold every write',
			{ docs }
		);

		const text = sharedText(clients[0].doc).toString();
		for (let i = 0; i < count; i++) expect(text).toContain(`[${i}]`);
		expect(clients[0].doc.getMap('meta').get('title')).toBe('Test workshop');

		// A late joiner receives the whole converged state.
		const late = connectClient(server.wsUrl, room.roomId);
		await synced(late);
		await waitUntil(() => sameState([clients[0], late]), 'late joiner has everything', { docs: [late.doc] });
		for (const c of [...clients, late]) c.destroy();
	});
});

it('keeps edits made while disconnected and merges them on reconnect', async () => {
	const room = await createRoom(server.url);
	const a = connectClient(server.wsUrl, room.roomId);
	const b = connectClient(server.wsUrl, room.roomId);
	await Promise.all([synced(a), synced(b)]);

	a.provider.disconnect();
	a.doc.getMap('notes').set('offline', 'written offline');
	b.doc.getMap('notes').set('online', 'written online');
	a.provider.connect();

	await waitUntil(
		() => a.doc.getMap('notes').get('online') === 'written online' && b.doc.getMap('notes').get('offline') === 'written offline',
		'offline and online edits merged',
		{ docs: [a.doc, b.doc] }
	);
	a.destroy();
	b.destroy();
});

it('shares one full-state reply between concurrent fresh joiners', async () => {
	const room = await createRoom(server.url);
	const writer = connectClient(server.wsUrl, room.roomId);
	await synced(writer);
	const notes = writer.doc.getMap<Y.Map<unknown>>('notes');
	writer.doc.transact(() => {
		for (let i = 0; i < 500; i++) {
			const note = new Y.Map<unknown>();
			note.set('text', new Y.Text(`note ${i}`));
			notes.set(`n${i}`, note);
		}
	});
	const probe = connectClient(server.wsUrl, room.roomId);
	await waitUntil(() => probe.doc.getMap('notes').size === 500, 'writer update stored', { docs: [probe.doc] });

	const joiners = Array.from({ length: 8 }, () => connectClient(server.wsUrl, room.roomId));
	await Promise.all(joiners.map(synced));
	for (const j of joiners) expect(j.doc.getMap('notes').size).toBe(500);
	for (const c of [writer, probe, ...joiners]) c.destroy();
});

/** Replays a fresh joiner's sync frames in order; the note count once its Step 2 is applied. */
async function notesWhenStep2Applied(roomId: string): Promise<number> {
	const raw = rawClient(`${server.wsUrl}/sync/${roomId}/board`);
	await raw.opened;
	raw.send(emptyStep1());
	const doc = new Y.Doc();
	try {
		for (let seen = 0; ; seen++) {
			await waitUntil(() => raw.frames.length > seen, 'the server answers sync step 1');
			const sync = readSyncFrame(raw.frames[seen]);
			if (!sync || sync.step === SyncStep.Step1) continue;
			Y.applyUpdate(doc, sync.payload);
			if (sync.step === SyncStep.Step2) return doc.getMap('notes').size;
		}
	} finally {
		raw.ws.close();
		doc.destroy();
	}
}

it('serves fresh joiners the cached snapshot plus every update committed since, all before synced', async () => {
	const room = await createRoom(server.url);
	const writer = connectClient(server.wsUrl, room.roomId);
	const first = connectClient(server.wsUrl, room.roomId); // builds the snapshot
	await Promise.all([synced(writer), synced(first)]);
	const notes = writer.doc.getMap<number>('notes');

	const joinAndCount = async () => {
		const joiner = connectClient(server.wsUrl, room.roomId);
		await synced(joiner);
		expect(joiner.doc.getMap('notes').size).toBe(notes.size);
		joiner.destroy();
		// Frame by frame: a client is synced by the Step 2, so every commit must be in hand by
		// then (whether frames arrive in one read or several decides nothing).
		expect(await notesWhenStep2Applied(room.roomId)).toBe(notes.size);
	};

	for (let i = 0; i < 10; i++) notes.set(`short-tail-${i}`, i);
	await waitUntil(() => first.doc.getMap('notes').size === 10, 'edits committed', { docs: [first.doc] });
	await joinAndCount(); // snapshot + a 10-update tail

	for (let i = 0; i < 400; i++) notes.set(`long-tail-${i}`, i); // overflows the tail
	await waitUntil(() => first.doc.getMap('notes').size === 410, 'edits committed', { docs: [first.doc] });
	await joinAndCount(); // snapshot rebuilt
	notes.set('after-rebuild', 1);
	await waitUntil(() => first.doc.getMap('notes').size === 411, 'edit committed', { docs: [first.doc] });
	await joinAndCount();
	writer.destroy();
	first.destroy();
});
