import fs from 'node:fs';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { controlPath, type ControlCommand } from '../../src/lib/shared/control/commands.ts';
import { readFacilitatorKeyMessage } from '../../src/lib/shared/wire/facilitator-key.ts';
import { readControl } from '../../src/lib/shared/control/doc.ts';
import { CloseCode, FACILITATOR_SUBPROTOCOL_PREFIX, MessageType, SUBPROTOCOL } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, rawClient, synced, toldReadOnly, waitUntil } from '../helpers/clients.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});

async function command(roomId: string, key: string | undefined, body: ControlCommand | Record<string, unknown>) {
	const res = await fetch(`${server.url}${controlPath(roomId)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
		body: JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as { ok?: true; error?: { code: string; message: string } } };
}

function facilitatorProtocols(key: string): string[] {
	return [SUBPROTOCOL, FACILITATOR_SUBPROTOCOL_PREFIX + key];
}

/** The board or control document as the store holds it (snapshot plus log), after pending commits. */
async function stored(roomId: string, docName: 'board' | 'control'): Promise<Y.Doc> {
	await server.persister.drain();
	const { updates } = await server.store.loadDoc({ roomId, docName });
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	return doc;
}

describe('control commands', () => {
	it('refuses a participant’s command, and one with a wrong key, with a clear error', async () => {
		const room = await createRoom(server.url);
		const none = await command(room.roomId, undefined, { type: 'start' });
		expect(none.status).toBe(401);
		expect(none.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/only a facilitator/i) });
		const wrong = await command(room.roomId, 'x'.repeat(43), { type: 'start' });
		expect(wrong.status).toBe(403);
		expect(wrong.body.error?.code).toBe('forbidden');
		// Another room's facilitator key is no key here.
		const other = await createRoom(server.url);
		expect((await command(room.roomId, other.facilitatorKey, { type: 'lock', locked: true })).status).toBe(403);
		expect(readControl(await stored(room.roomId, 'control')).status).toBe('not-started');
	});

	it('lets only a facilitator spotlight an element, and everyone sees it', async () => {
		const room = await createRoom(server.url);
		const watcher = connectClient(server.wsUrl, room.observerId, { docName: 'control' });
		await synced(watcher);
		expect((await command(room.roomId, undefined, { type: 'spotlight', elementId: 'shape:api' })).status).toBe(401);
		expect((await command(room.roomId, room.facilitatorKey, { type: 'spotlight', elementId: 'not an id' })).status).toBe(400);
		expect((await command(room.roomId, room.facilitatorKey, { type: 'spotlight', elementId: 'shape:api' })).status).toBe(200);
		await waitUntil(() => readControl(watcher.doc).spotlight.elementId === 'shape:api', 'observer sees the spotlight', { docs: [watcher.doc] });
		expect(readControl(await stored(room.roomId, 'control')).spotlight.elementId).toBe('shape:api');
		watcher.destroy();
	});

	it('applies a facilitator’s commands to the control document everyone sees, and stores them', async () => {
		const room = await createRoom(server.url);
		const watcher = connectClient(server.wsUrl, room.observerId, { docName: 'control' });
		await synced(watcher);
		expect((await command(room.roomId, room.facilitatorKey, { type: 'set-timeboxes', timeboxesMs: { 1: 5_000, 2: 6_000 } })).status).toBe(200);
		const before = Date.now();
		expect((await command(room.roomId, room.facilitatorKey, { type: 'start', name: 'Ada' })).status).toBe(200);
		await waitUntil(() => readControl(watcher.doc).status === 'running', 'observer sees the start', { docs: [watcher.doc] });
		const control = readControl(watcher.doc);
		expect(control.timeboxesMs).toMatchObject({ 1: 5_000, 2: 6_000 });
		expect(control.timer.endsAt).toBeGreaterThanOrEqual(before + 5_000);
		expect(control.history).toHaveLength(1);
		expect(control.facilitatorName).toBe('Ada');
		expect(readControl(await stored(room.roomId, 'control')).status).toBe('running');
		watcher.destroy();
	});

	it('answers an inapplicable command with 409 and an invalid one with 400', async () => {
		const room = await createRoom(server.url);
		const paused = await command(room.roomId, room.facilitatorKey, { type: 'pause' });
		expect(paused).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'The timer is not running.' } } });
		const bad = await command(room.roomId, room.facilitatorKey, { type: 'extend', ms: -5 });
		expect(bad.status).toBe(400);
		expect((await command(room.roomId, room.facilitatorKey, { type: 'detonate' })).status).toBe(400);
		expect((await command(room.roomId, room.facilitatorKey, { type: 'start', extra: 1 } as Record<string, unknown>)).status).toBe(400);
		const notJson = await fetch(`${server.url}${controlPath(room.roomId)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${room.facilitatorKey}` },
			body: '{'
		});
		expect(notJson.status).toBe(400);
		// A body that does not say it is JSON (as a cross-site form sends it) is refused as such.
		const plain = await fetch(`${server.url}${controlPath(room.roomId)}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${room.facilitatorKey}` },
			body: '{"type":"start"}'
		});
		expect(plain.status).toBe(415);
	});

	it('rate-limits a flood of commands', async () => {
		const room = await createRoom(server.url);
		const statuses = await Promise.all(Array.from({ length: 60 }, () => command(room.roomId, undefined, { type: 'start' })));
		expect(statuses.some((s) => s.status === 429)).toBe(true);
		// The facilitator is not starved by someone else's flood.
		expect((await command(room.roomId, room.facilitatorKey, { type: 'lock', locked: false })).status).toBe(200);
	});

	it('tells the time', async () => {
		const before = Date.now();
		const body = (await (await fetch(`${server.url}/api/time`)).json()) as { now: number };
		expect(body.now).toBeGreaterThanOrEqual(before);
		expect(body.now).toBeLessThanOrEqual(Date.now());
	});
});

describe('board writes and roles', () => {
	it('drops an observer’s board update and never stores it', async () => {
		const room = await createRoom(server.url);
		const observer = connectClient(server.wsUrl, room.observerId);
		const participant = connectClient(server.wsUrl, room.roomId);
		await Promise.all([synced(observer), synced(participant)]);
		const denied = toldReadOnly(observer);
		observer.doc.getMap('notes').set('from-observer', 'nope');
		await denied;
		participant.doc.getMap('notes').set('from-participant', 'yes');
		await waitUntil(() => observer.doc.getMap('notes').has('from-participant'), 'participant write arrives', { docs: [observer.doc] });
		const board = await stored(room.roomId, 'board');
		expect(board.getMap('notes').get('from-participant')).toBe('yes');
		expect(board.getMap('notes').has('from-observer')).toBe(false);
		observer.destroy();
		participant.destroy();
	});

	it('refuses participants’ writes while the board is locked and accepts them again after unlock', async () => {
		const room = await createRoom(server.url);
		const participant = connectClient(server.wsUrl, room.roomId);
		const facilitator = connectClient(server.wsUrl, room.roomId, { protocols: facilitatorProtocols(room.facilitatorKey) });
		const reader = connectClient(server.wsUrl, room.roomId);
		const control = connectClient(server.wsUrl, room.roomId, { docName: 'control' });
		await Promise.all([synced(participant), synced(facilitator), synced(reader), synced(control)]);

		expect((await command(room.roomId, room.facilitatorKey, { type: 'lock', locked: true })).status).toBe(200);
		await waitUntil(() => readControl(control.doc).lock.locked, 'lock visible', { docs: [control.doc] });
		const denied = toldReadOnly(participant);
		participant.doc.getMap('notes').set('while-locked', 'held back');
		await denied;
		facilitator.doc.getMap('notes').set('facilitator-while-locked', 'kept');
		await waitUntil(() => reader.doc.getMap('notes').has('facilitator-while-locked'), 'facilitator writes while locked', { docs: [reader.doc] });
		expect(reader.doc.getMap('notes').has('while-locked')).toBe(false);
		expect((await stored(room.roomId, 'board')).getMap('notes').has('while-locked')).toBe(false);

		expect((await command(room.roomId, room.facilitatorKey, { type: 'lock', locked: false })).status).toBe(200);
		await waitUntil(() => !readControl(control.doc).lock.locked, 'unlock visible', { docs: [control.doc] });
		participant.doc.getMap('notes').set('after-unlock', 'kept');
		await waitUntil(() => reader.doc.getMap('notes').get('after-unlock') === 'kept', 'participant writes after unlock', { docs: [reader.doc] });
		const afterUnlock = (await stored(room.roomId, 'board')).getMap('notes');
		expect(afterUnlock.get('after-unlock')).toBe('kept');
		// What was typed in the moment the lock arrived is not lost either: it lands now.
		expect(afterUnlock.get('while-locked')).toBe('held back');

		// Locked again: the participant is refused, and told, again.
		await command(room.roomId, room.facilitatorKey, { type: 'lock', locked: true });
		await waitUntil(() => readControl(control.doc).lock.locked, 'locked again', { docs: [control.doc] });
		const deniedAgain = toldReadOnly(participant);
		participant.doc.getMap('notes').set('locked-again', 'dropped');
		await deniedAgain;
		for (const c of [participant, facilitator, reader, control]) c.destroy();
	});
});

describe('co-facilitators', () => {
	it('hands a key to the promoted participant only; it works across reconnects; hand-over retires the giver’s key', async () => {
		const room = await createRoom(server.url);
		const bob = connectClient(server.wsUrl, room.roomId);
		const carol = connectClient(server.wsUrl, room.roomId);
		const keys: Record<string, string[]> = { bob: [], carol: [] };
		for (const [name, client] of [['bob', bob], ['carol', carol]] as const) {
			client.provider.messageHandlers[MessageType.FacilitatorKey] = (_encoder, decoder: decoding.Decoder) => {
				const key = readFacilitatorKeyMessage(decoder);
				if (key) keys[name].push(key);
			};
			client.provider.awareness.setLocalStateField('user', { name, color: '#2563eb' });
		}
		await Promise.all([synced(bob), synced(carol)]);
		const bobId = bob.provider.awareness.clientID;
		await waitUntil(() => bob.provider.awareness.getStates().has(carol.provider.awareness.clientID), 'presence bound');

		// A participant cannot promote anyone, themselves included.
		expect((await command(room.roomId, undefined, { type: 'promote', clientId: bobId })).status).toBe(401);
		const promoted = await command(room.roomId, room.facilitatorKey, { type: 'promote', clientId: bobId, name: 'bob', handOver: true });
		expect(promoted.status).toBe(200);
		await waitUntil(() => keys.bob.length === 1, 'bob receives his key');
		const bobKey = keys.bob[0];
		expect(keys.carol).toEqual([]);
		expect(bobKey).not.toBe(room.facilitatorKey);

		// Bob's key works for commands and for the sync handshake (as after a reload).
		expect((await command(room.roomId, bobKey, { type: 'lock', locked: true })).status).toBe(200);
		const bobAgain = rawClient(`${server.wsUrl}/sync/${room.roomId}/board`, facilitatorProtocols(bobKey));
		await bobAgain.opened;
		await waitUntil(() => bobAgain.frames.length > 0, 'bob reconnects as facilitator');
		bobAgain.ws.close();
		// The hand-over retired the creator's key.
		expect((await command(room.roomId, room.facilitatorKey, { type: 'lock', locked: false })).status).toBe(403);
		const creator = rawClient(`${server.wsUrl}/sync/${room.roomId}/board`, facilitatorProtocols(room.facilitatorKey));
		expect((await creator.closed).code).toBe(CloseCode.Unauthorized);

		// Revoked, Bob's key stops working too; the grant is gone from the control document.
		const { grants } = readControl(await stored(room.roomId, 'control'));
		expect(grants.map((g) => g.name)).toEqual(['bob']);
		expect((await command(room.roomId, bobKey, { type: 'revoke', grantId: grants[0].grantId })).status).toBe(200);
		expect((await command(room.roomId, bobKey, { type: 'lock', locked: false })).status).toBe(403);
		bob.destroy();
		carol.destroy();
	});

	it('refuses to promote an observer or someone not present', async () => {
		const room = await createRoom(server.url);
		const observer = connectClient(server.wsUrl, room.observerId);
		observer.provider.awareness.setLocalStateField('user', { name: 'Olga', color: '#2563eb' });
		await synced(observer);
		const id = observer.provider.awareness.clientID;
		const viaObserver = await command(room.roomId, room.facilitatorKey, { type: 'promote', clientId: id });
		expect([viaObserver.status, viaObserver.body.error?.message]).toEqual([409, expect.stringMatching(/observer|no longer connected/)]);
		expect((await command(room.roomId, room.facilitatorKey, { type: 'promote', clientId: 12345 })).status).toBe(409);
		observer.destroy();
	});
});

describe('secrets', () => {
	it('keeps facilitator keys out of the logs and out of every document', async () => {
		const room = await createRoom(server.url);
		const bob = connectClient(server.wsUrl, room.roomId);
		let bobKey = '';
		bob.provider.messageHandlers[MessageType.FacilitatorKey] = (_encoder, decoder: decoding.Decoder) => {
			bobKey = readFacilitatorKeyMessage(decoder) ?? '';
		};
		bob.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#2563eb' });
		const facilitator = connectClient(server.wsUrl, room.roomId, { protocols: facilitatorProtocols(room.facilitatorKey) });
		await Promise.all([synced(bob), synced(facilitator)]);
		const commands: ControlCommand[] = [
			{ type: 'start', name: 'Ada' },
			{ type: 'lock', locked: true },
			{ type: 'start-silent-round' },
			{ type: 'reveal' },
			{ type: 'voting', status: 'open', budget: 3, hideTotals: true },
			{ type: 'follow', on: true, clientId: facilitator.provider.awareness.clientID, name: 'Ada' },
			{ type: 'next' },
			{ type: 'end' }
		];
		for (const c of commands) expect([c.type, (await command(room.roomId, room.facilitatorKey, c)).status]).toEqual([c.type, 200]);
		const promoted = await command(room.roomId, room.facilitatorKey, { type: 'promote', clientId: bob.provider.awareness.clientID, name: 'Bob' });
		expect(promoted.status).toBe(200);
		await waitUntil(() => bobKey !== '', 'bob gets a key');
		await command(room.roomId, bobKey, { type: 'lock', locked: false });
		facilitator.doc.getMap('notes').set('n', 'hello');
		await waitUntil(() => bob.doc.getMap('notes').has('n'), 'write lands', { docs: [bob.doc] });
		await server.persister.drain();

		const secrets = [room.facilitatorKey, bobKey];
		const logs = server.logText();
		expect(logs).toContain('control command');
		for (const secret of secrets) expect(logs).not.toContain(secret);
		for (const docName of ['board', 'control'] as const) {
			const doc = await stored(room.roomId, docName);
			const text = JSON.stringify(doc.share.size ? Object.fromEntries([...doc.share.keys()].map((k) => [k, doc.get(k).toJSON()])) : {});
			const bytes = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1');
			for (const secret of secrets) {
				expect(text).not.toContain(secret);
				expect(bytes).not.toContain(secret);
			}
		}
		// Nor anywhere in the database files (the store keeps only a hash of the creator's key).
		for (const file of fs.readdirSync(server.dataDir)) {
			const raw = fs.readFileSync(path.join(server.dataDir, file)).toString('latin1');
			for (const secret of secrets) expect(raw).not.toContain(secret);
		}
		bob.destroy();
		facilitator.destroy();
	});
});
