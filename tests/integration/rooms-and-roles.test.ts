import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoomId } from '../../src/lib/shared/ids.ts';
import { CloseCode, FACILITATOR_SUBPROTOCOL_PREFIX, READ_ONLY_REASON, SUBPROTOCOL } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, rawClient, synced, upgradeLiteralPath, waitUntil } from '../helpers/clients.ts';
import { syncFrame } from '../helpers/frames.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});

function countRooms(): number {
	const db = new Database(path.join(server.dataDir, 'threatboard.sqlite3'), { readonly: true });
	try {
		return (db.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;
	} finally {
		db.close();
	}
}

describe('room ids', () => {
	it('refuses a well-formed but unknown room with 4404, and does not create it', async () => {
		const before = countRooms();
		const raw = rawClient(`${server.wsUrl}/sync/${createRoomId()}/board`);
		expect((await raw.closed).code).toBe(CloseCode.RoomNotFound);
		expect(countRooms()).toBe(before);
	});

	it.each([
		'/sync/',
		'/sync/short',
		'/sync/abc$%^&*()abcdefghijklmnop',
		'/sync/aaaaaaaaaaaaaaaaaaaaaaaaa', // 25 characters
		'/sync/../../etc/passwd',
		'/sync/..%2f..%2fetc%2fpasswd',
		'/sync/%2e%2e%2f%2e%2e%2fdata',
		'/sync/VALIDLOOKINGIDxxxxxxxxxx/board/extra',
		'/sync/VALIDLOOKINGIDxxxxxxxxxx/secrets',
		'/sync/VALIDLOOKINGIDxxxxxxxxxx/../control',
		'/sync//VALIDLOOKINGIDxxxxxxxxxx'
	])('refuses the malformed or path-like %s with 4400', async (pathname) => {
		const before = countRooms();
		expect(await upgradeLiteralPath(server.url, pathname)).toBe(CloseCode.MalformedMessage);
		expect(countRooms()).toBe(before);
	});

	it('refuses upgrades outside /sync/ at the socket', async () => {
		const raw = rawClient(`${server.wsUrl}/api/rooms`);
		await expect(raw.opened).rejects.toThrow();
	});

	it('answers 404 for unknown and malformed ids over HTTP', async () => {
		for (const id of [createRoomId(), 'nope', '..%2f..%2fetc']) {
			const res = await fetch(`${server.url}/api/rooms/${id}`);
			expect(res.status).toBe(404);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
		}
	});
});

describe('roles', () => {
	it('drops an observer’s writes, tells it once, and never stores them', async () => {
		const room = await createRoom(server.url);
		const participant = connectClient(server.wsUrl, room.roomId);
		const observer = connectClient(server.wsUrl, room.observerId);
		await Promise.all([synced(participant), synced(observer)]);
		expect(observer.doc.getMap('meta').get('title')).toBe('Test workshop'); // it can read

		const denied = new Promise<void>((resolve) => {
			// y-websocket reports permission-denied through console.warn; listen on the socket.
			observer.provider.ws!.addEventListener('message', (event: MessageEvent) => {
				const data = new Uint8Array(event.data as ArrayBuffer);
				if (data[0] === 2 && new TextDecoder().decode(data).includes(READ_ONLY_REASON)) resolve();
			});
		});
		observer.doc.getMap('notes').set('observer-write', 'should not land');
		await denied;
		participant.doc.getMap('notes').set('participant-write', 'lands');
		await waitUntil(() => observer.doc.getMap('notes').get('participant-write') === 'lands', 'observer reads', {
			docs: [observer.doc]
		});

		const fresh = connectClient(server.wsUrl, room.roomId);
		await synced(fresh);
		expect(fresh.doc.getMap('notes').get('observer-write')).toBeUndefined();
		expect(fresh.doc.getMap('notes').get('participant-write')).toBe('lands');
		for (const c of [participant, observer, fresh]) c.destroy();
	});

	it('refuses every client write to the control document', async () => {
		const room = await createRoom(server.url);
		const facilitator = connectClient(server.wsUrl, room.roomId, {
			docName: 'control',
			protocols: [SUBPROTOCOL, FACILITATOR_SUBPROTOCOL_PREFIX + room.facilitatorKey]
		});
		await synced(facilitator);
		facilitator.doc.getMap('phase').set('current', 4);
		const reader = connectClient(server.wsUrl, room.roomId, { docName: 'control' });
		await synced(reader);
		expect(reader.doc.getMap('phase').get('current')).toBeUndefined();
		facilitator.destroy();
		reader.destroy();
	});

	it('accepts the facilitator key in the handshake and refuses a wrong one with 4401', async () => {
		const room = await createRoom(server.url);
		const good = rawClient(`${server.wsUrl}/sync/${room.roomId}/board`, [
			SUBPROTOCOL,
			FACILITATOR_SUBPROTOCOL_PREFIX + room.facilitatorKey
		]);
		await good.opened;
		expect(good.ws.protocol).toBe(SUBPROTOCOL);
		await waitUntil(() => good.frames.length > 0, 'server greets the facilitator');
		const bad = rawClient(`${server.wsUrl}/sync/${room.roomId}/board`, [
			SUBPROTOCOL,
			FACILITATOR_SUBPROTOCOL_PREFIX + 'x'.repeat(43)
		]);
		expect((await bad.closed).code).toBe(CloseCode.Unauthorized);
		good.ws.close();
		expect(server.logText()).not.toContain(room.facilitatorKey);
	});
});

describe('liveness and backpressure', () => {
	it('drops a peer that stops answering heartbeats', async () => {
		const fast = await startTestServer({ HEARTBEAT_INTERVAL_MS: '100', LOG_LEVEL: 'warn' });
		const room = await createRoom(fast.url);
		const raw = rawClient(`${fast.wsUrl}/sync/${room.roomId}/board`);
		await raw.opened;
		await waitUntil(() => fast.sync.connectionCount() === 1, 'connection registered');
		// Stop reading: pings are never answered, as with a vanished laptop.
		(raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		await waitUntil(() => fast.sync.connectionCount() === 0, 'dead peer dropped', { timeoutMs: 5_000 });
		raw.ws.terminate();
		await fast.close();
	});

	it('disconnects a client that cannot keep up instead of buffering without end', async () => {
		const tight = await startTestServer({ MAX_BUFFERED_BYTES: String(256 * 1024), LOG_LEVEL: 'warn' });
		const room = await createRoom(tight.url);
		const writer = connectClient(tight.wsUrl, room.roomId);
		const healthy = connectClient(tight.wsUrl, room.roomId);
		await Promise.all([synced(writer), synced(healthy)]);
		const slow = rawClient(`${tight.wsUrl}/sync/${room.roomId}/board`);
		await slow.opened;
		slow.send(syncFrame(0, new Uint8Array([0])));
		await waitUntil(() => slow.frames.length >= 2, 'slow client synced');
		(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

		const closedBeforeWrites = tight.metrics.connectionsClosed.get();
		const chunk = 'x'.repeat(64 * 1024);
		for (let i = 0; i < 300; i++) writer.doc.getMap('notes').set(`big-${i}`, chunk);
		await waitUntil(() => healthy.doc.getMap('notes').size === 300, 'healthy client keeps up', {
			docs: [healthy.doc],
			timeoutMs: 20_000
		});
		const closed = (await closedBeforeWrites).values.find((v) => v.labels.code === String(CloseCode.SlowConsumer));
		const after = (await tight.metrics.connectionsClosed.get()).values.find(
			(v) => v.labels.code === String(CloseCode.SlowConsumer)
		);
		expect(after?.value ?? 0).toBeGreaterThan(closed?.value ?? 0);
		slow.ws.terminate();
		writer.destroy();
		healthy.destroy();
		await tight.close();
	});
});
