/**
 * Admission and limits: Origin allow-list, connection caps (total, per client address, per
 * room), X-Forwarded-For only from trusted proxies, the per-connection byte budget and the
 * document size cap. Each refusal has its named close code or HTTP status, and leaves other
 * clients and stored data alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, parseConfig } from '../../server/config.ts';
import { CloseCode, SUBPROTOCOL } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { awarenessFrame, emptyStep1 } from '../helpers/frames.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
const sockets: WebSocket[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
	for (const ws of sockets.splice(0)) ws.terminate();
	for (const c of clients.splice(0)) c.destroy();
	for (const s of servers.splice(0)) await s.close();
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
	const s = await startTestServer({ LOG_LEVEL: 'warn', ...env });
	servers.push(s);
	return s;
}

type Attempt = { opened: true; ws: WebSocket; closed: Promise<number> } | { opened: false; status: number };

/** Opens a raw sync socket with the given headers; resolves once it is open or refused over HTTP. */
function attempt(url: string, options: { origin?: string; forwardedFor?: string } = {}): Promise<Attempt> {
	const ws = new WebSocket(url, [SUBPROTOCOL], {
		origin: options.origin,
		headers: options.forwardedFor ? { 'X-Forwarded-For': options.forwardedFor } : {}
	});
	sockets.push(ws);
	ws.on('error', () => undefined);
	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	return new Promise((resolve) => {
		ws.once('open', () => {
			ws.send(emptyStep1());
			resolve({ opened: true, ws, closed });
		});
		ws.once('unexpected-response', (_req, res) => {
			resolve({ opened: false, status: res.statusCode ?? 0 });
			res.resume();
			ws.terminate();
		});
	});
}

/** Resolves with the close code of an attempt that the server accepts and then closes. */
async function closeCodeOf(pending: Promise<Attempt>): Promise<number> {
	const result = await pending;
	if (!result.opened) throw new Error(`refused over HTTP with ${result.status}`);
	return result.closed;
}

/** An attempt that stays open: it has synced (a step 2 arrived). */
async function expectAdmitted(pending: Promise<Attempt>): Promise<WebSocket> {
	const result = await pending;
	if (!result.opened) throw new Error(`refused over HTTP with ${result.status}`);
	await new Promise<void>((resolve, reject) => {
		result.ws.on('message', (data: Buffer) => data[0] === 0 && data[1] === 1 && resolve());
		void result.closed.then((code) => reject(new Error(`closed with ${code}`)));
	});
	return result.ws;
}

it('lets same-origin pages and non-browser clients in, and refuses other origins with 4403', async () => {
	const s = await server({ ALLOWED_ORIGINS: 'https://board.example.com, http://localhost:5173' });
	const { roomId } = await createRoom(s.url);
	const url = `${s.wsUrl}/sync/${roomId}`;
	await expectAdmitted(attempt(url)); // no Origin: not a browser
	await expectAdmitted(attempt(url, { origin: s.url })); // same origin
	await expectAdmitted(attempt(url, { origin: 'https://board.example.com' }));
	await expectAdmitted(attempt(url, { origin: 'http://localhost:5173' }));
	for (const origin of ['https://evil.example', 'https://board.example.com.evil.example', 'null', 'http://localhost:5174']) {
		expect(await closeCodeOf(attempt(url, { origin })), origin).toBe(CloseCode.Forbidden);
	}
	// Refused before the room was looked at: an unknown room gets the same answer.
	expect(await closeCodeOf(attempt(`${s.wsUrl}/sync/${'A'.repeat(24)}`, { origin: 'https://evil.example' }))).toBe(
		CloseCode.Forbidden
	);
});

it('caps connections per client address with HTTP 429 and gives the place back on close', async () => {
	const s = await server({ MAX_CONNECTIONS_PER_IP: '3' });
	const { roomId } = await createRoom(s.url);
	const url = `${s.wsUrl}/sync/${roomId}`;
	const open = [await expectAdmitted(attempt(url)), await expectAdmitted(attempt(url)), await expectAdmitted(attempt(url))];
	expect(await attempt(url)).toEqual({ opened: false, status: 429 });
	// Behind a trusted proxy (loopback, by default) each forwarded client has its own budget.
	await expectAdmitted(attempt(url, { forwardedFor: '203.0.113.7' }));
	await expectAdmitted(attempt(url, { forwardedFor: '198.51.100.1, 203.0.113.8' }));
	// An IPv6 client counts by its /64: a host given one could use a new address per connection.
	for (const host of ['1', '2', '3']) await expectAdmitted(attempt(url, { forwardedFor: `2001:db8:5:5::${host}` }));
	expect(await attempt(url, { forwardedFor: '2001:db8:5:5:ffff::4' })).toEqual({ opened: false, status: 429 });
	await expectAdmitted(attempt(url, { forwardedFor: '2001:db8:5:6::1' }));

	const closed = new Promise((resolve) => open[0].once('close', resolve));
	open[0].close();
	await closed;
	// The server frees the place when it sees the socket close, a moment after the client does.
	let again = await attempt(url);
	for (let i = 0; i < 100 && !again.opened; i++) again = await attempt(url);
	expect(again.opened).toBe(true);
});

it('believes X-Forwarded-For only from trusted proxies', async () => {
	const s = await server({ MAX_CONNECTIONS_PER_IP: '1', TRUSTED_PROXIES: '10.0.0.0/8' });
	const { roomId } = await createRoom(s.url);
	const url = `${s.wsUrl}/sync/${roomId}`;
	await expectAdmitted(attempt(url, { forwardedFor: '203.0.113.7' }));
	// Loopback is not trusted here, so the header is ignored and both count as 127.0.0.1.
	expect(await attempt(url, { forwardedFor: '203.0.113.99' })).toEqual({ opened: false, status: 429 });
});

it('caps connections in total with HTTP 503', async () => {
	const s = await server({ MAX_CONNECTIONS: '2' });
	const { roomId } = await createRoom(s.url);
	const url = `${s.wsUrl}/sync/${roomId}`;
	await expectAdmitted(attempt(url, { forwardedFor: '203.0.113.1' }));
	await expectAdmitted(attempt(url, { forwardedFor: '203.0.113.2' }));
	expect(await attempt(url, { forwardedFor: '203.0.113.3' })).toEqual({ opened: false, status: 503 });
	const res = await fetch(`${s.url}/healthz`);
	expect(res.status).toBe(200); // HTTP is not capped
});

it('caps connections per room with 4529 while other rooms stay open', async () => {
	const s = await server({ MAX_CONNECTIONS_PER_ROOM: '2' });
	const full = (await createRoom(s.url)).roomId;
	const other = (await createRoom(s.url)).roomId;
	await expectAdmitted(attempt(`${s.wsUrl}/sync/${full}`));
	await expectAdmitted(attempt(`${s.wsUrl}/sync/${full}/control`)); // both documents count
	expect(await closeCodeOf(attempt(`${s.wsUrl}/sync/${full}`))).toBe(CloseCode.RoomFull);
	await expectAdmitted(attempt(`${s.wsUrl}/sync/${other}`));
});

it('closes a connection over its byte budget with 4429', async () => {
	const s = await server({ MAX_BYTES_PER_SECOND: '1024', MAX_MESSAGE_BYTES: '2048' });
	const { roomId } = await createRoom(s.url);
	const ws = await expectAdmitted(attempt(`${s.wsUrl}/sync/${roomId}`));
	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	// Well under the message rate, but 10 KB against a 4 KB burst and 1 KB/s.
	for (let clock = 1; clock <= 10; clock++) {
		ws.send(awarenessFrame([{ clientId: 777, clock, json: JSON.stringify({ pad: 'x'.repeat(1000) }) }]));
	}
	expect(await closed).toBe(CloseCode.RateLimited);
});

it.each([
	['65 small frames', Array.from({ length: 65 }, () => 100)],
	['two frames larger together than the largest message', [40 * 1024, 40 * 1024]]
])('closes with 4429 a socket that sends %s before its room has loaded, and handles none of them', async (_name, sizes) => {
	// The room lookup waits until the test lets it go, so every frame arrives while it loads.
	let release!: () => void;
	const loading = new Promise<void>((resolve) => (release = resolve));
	const s = await startTestServer({ LOG_LEVEL: 'warn', MAX_MESSAGE_BYTES: String(64 * 1024) }, undefined, (store) => ({
		...store,
		kind: store.kind,
		async getRoom(roomId) {
			await loading;
			return store.getRoom(roomId);
		}
	}));
	servers.push(s);
	const { roomId } = await createRoom(s.url);
	const ws = new WebSocket(`${s.wsUrl}/sync/${roomId}`, [SUBPROTOCOL]);
	sockets.push(ws);
	const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
	const frames: Buffer[] = [];
	ws.on('message', (data: Buffer) => frames.push(data));
	await new Promise((resolve) => ws.once('open', resolve));
	for (const size of sizes) ws.send(awarenessFrame([{ clientId: 777, clock: 1, json: JSON.stringify({ pad: 'x'.repeat(size) }) }]));
	// The server answers a ping after reading every frame sent before it.
	ws.ping();
	await new Promise((resolve) => ws.once('pong', resolve));
	release();
	expect(await closed).toBe(CloseCode.RateLimited);
	// Nothing was answered or relayed: no awareness of client 777 came back.
	expect(frames.every((f) => f[0] !== 1)).toBe(true);
});

it('refuses updates that would grow a document past MAX_DOC_BYTES with 4422, keeping what is stored', async () => {
	const s = await server({ MAX_DOC_BYTES: String(64 * 1024) });
	const { roomId } = await createRoom(s.url);
	const writer = connectClient(s.wsUrl, roomId);
	const reader = connectClient(s.wsUrl, roomId);
	clients.push(writer, reader);
	await Promise.all([synced(writer), synced(reader)]);
	const closedWith = new Promise<{ code: number }>((resolve) => writer.provider.once('closed', resolve));

	writer.doc.getMap('notes').set('first', 'a'.repeat(30_000));
	await waitUntil(() => reader.doc.getMap('notes').has('first'), 'the first 30 KB arrive', { docs: [reader.doc] });
	writer.doc.getMap('notes').set('second', 'b'.repeat(40_000));
	expect((await closedWith).code).toBe(CloseCode.DocumentTooLarge);
	expect(writer.provider.shouldConnect).toBe(false); // final: it does not come back with the same update

	// Everyone else carries on, with the stored document intact.
	reader.doc.getMap('notes').set('small', 1);
	const late = connectClient(s.wsUrl, roomId);
	clients.push(late);
	await synced(late);
	await waitUntil(() => late.doc.getMap('notes').get('small') === 1, 'small edits still pass', { docs: [late.doc] });
	expect(late.doc.getMap('notes').get('first')).toHaveLength(30_000);
	expect(late.doc.getMap('notes').has('second')).toBe(false);
});

it('does not count echoed departures against the awareness ids of a stock client', async () => {
	const s = await server();
	const { roomId } = await createRoom(s.url);
	const stock = connectClient(s.wsUrl, roomId); // y-websocket re-sends every awareness change it sees
	clients.push(stock);
	await synced(stock);
	// Ten visitors come and go; each departure reaches the stock client, which echoes it back.
	for (let visitor = 0; visitor < 10; visitor++) {
		const ws = await expectAdmitted(attempt(`${s.wsUrl}/sync/${roomId}`));
		const clientId = 50_000 + visitor;
		ws.send(awarenessFrame([{ clientId, clock: 1, json: '{"user":{"name":"Visitor"}}' }]));
		await waitUntil(() => stock.provider.awareness.getStates().has(clientId), 'visitor seen');
		ws.close();
		await waitUntil(() => !stock.provider.awareness.getStates().has(clientId), 'departure seen');
	}
	stock.doc.getMap('notes').set('still-here', true);
	const check = connectClient(s.wsUrl, roomId);
	clients.push(check);
	await waitUntil(() => check.doc.getMap('notes').get('still-here') === true, 'stock client still connected', {
		docs: [check.doc]
	});
	expect(stock.provider.wsconnected).toBe(true);
});

describe('limit settings', () => {
	it('parses origins, proxies and caps, and refuses bad ones with every problem listed', () => {
		const config = parseConfig({
			ALLOWED_ORIGINS: 'https://board.example.com, http://localhost:5173/',
			TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8, 192.0.2.1, loopback',
			MAX_CONNECTIONS_PER_IP: '20'
		});
		expect(config.ALLOWED_ORIGINS).toEqual(['https://board.example.com', 'http://localhost:5173']);
		expect(config.TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.1', 'loopback']);
		expect(parseConfig({}).TRUSTED_PROXIES).toEqual(['loopback']);
		expect(parseConfig({ TRUSTED_PROXIES: 'none' }).TRUSTED_PROXIES).toEqual([]);

		let error: unknown;
		try {
			parseConfig({ ALLOWED_ORIGINS: 'https://x.example/path', TRUSTED_PROXIES: '10.0.0.0/33', MAX_DOC_BYTES: '10' });
		} catch (err) {
			error = err;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const problems = (error as ConfigError).problems.join('\n');
		for (const name of ['ALLOWED_ORIGINS', 'TRUSTED_PROXIES', 'MAX_DOC_BYTES']) expect(problems).toContain(name);
	});

	it('refuses Redis without PostgreSQL, and never repeats a URL (it may hold a password)', () => {
		expect(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL: needs DATABASE_URL/);
		expect(() => parseConfig({ DATABASE_URL: 'postgres://u:pw-marker@db/x', REDIS_URL: 'redis://h' })).not.toThrow();
		try {
			parseConfig({ DATABASE_URL: 'mysql://u:pw-marker@db/x' });
		} catch (err) {
			expect((err as Error).message).toContain('DATABASE_URL');
			expect((err as Error).message).not.toContain('pw-marker');
		}
		expect.assertions(4);
	});
});
