/**
 * What the HTTP side refuses before any route runs (server/http/guards.ts, socket-limits.ts):
 * floods of room creation and import, a full store, cross-site writes, open metrics, broken
 * paths, store outages and connections held open without a request.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocStore } from '../../server/persistence/doc-store.ts';
import { createSqliteStore, WAL_SIZE_LIMIT_BYTES } from '../../server/persistence/sqlite-store.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { waitUntil } from '../helpers/clients.ts';

const servers: TestServer[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(env: Record<string, string> = {}, wrap?: (store: DocStore) => DocStore): Promise<TestServer> {
	const server = await startTestServer({ LOG_LEVEL: 'warn', ...env }, undefined, wrap);
	servers.push(server);
	return server;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('creating and importing workshops', () => {
	it('is limited per client address, and another address is not affected', async () => {
		const server = await serve({ ROOMS_PER_MINUTE_PER_IP: '3' });
		const statuses = [];
		for (let i = 0; i < 5; i++) statuses.push((await post(`${server.url}/api/rooms`, { title: `r${i}` })).status);
		expect(statuses).toEqual([201, 201, 201, 429, 429]);
		const limited = await post(`${server.url}/api/rooms`, {});
		expect(limited.headers.get('retry-after')).toBe('20');
		expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
		// Imports draw from the same budget.
		expect((await post(`${server.url}/api/rooms/import`, {})).status).toBe(429);
		// Behind the (trusted, loopback) proxy, another client has its own budget.
		expect((await post(`${server.url}/api/rooms`, {}, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(201);
	});

	it('stops at MAX_ROOMS and when the disk is nearly full, with 507', async () => {
		const full = await serve({ MAX_ROOMS: '2' });
		expect((await post(`${full.url}/api/rooms`, {})).status).toBe(201);
		expect((await post(`${full.url}/api/rooms`, {})).status).toBe(201);
		const refused = await post(`${full.url}/api/rooms`, {});
		expect(refused.status).toBe(507);
		expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_storage', message: expect.stringMatching(/MAX_ROOMS/) } });

		const noDisk = await serve({ MIN_FREE_DISK_BYTES: String(Number.MAX_SAFE_INTEGER) });
		const diskFull = await post(`${noDisk.url}/api/rooms`, {});
		expect(diskFull.status).toBe(507);
		expect(await diskFull.json()).toMatchObject({ error: { message: expect.stringMatching(/disk/) } });
	});
});

describe('joining a workshop', () => {
	it('is limited per workshop as well as per address: a link spread over many addresses cannot fill it at once', async () => {
		const server = await serve();
		const [room, other] = [await createRoom(server.url), await createRoom(server.url)];
		const join = (roomId: string, n: number) =>
			post(`${server.url}/api/rooms/${roomId}/participants`, { name: `Ghost ${n}` }, { 'x-forwarded-for': `198.51.100.${n % 50}` });
		// 200 at once (50 addresses, under their own limit of 60 a minute) are let in...
		const statuses = await Promise.all(Array.from({ length: 200 }, (_, n) => join(room.roomId, n).then((res) => res.status)));
		expect(statuses.filter((status) => status === 201)).toHaveLength(200);
		// ...the next is told to wait, from any address, while another workshop is not affected.
		const refused = await join(room.roomId, 7);
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toBe('3');
		expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/this workshop/);
		expect((await join(other.roomId, 7)).status).toBe(201);
	});

	it("refuses a name that only looks like another participant's, to join or to rename, and says why", async () => {
		const server = await serve();
		const room = await createRoom(server.url);
		const join = (name: string) => post(`${server.url}/api/rooms/${room.roomId}/participants`, { name });
		expect((await join('Alice')).status).toBe(201);
		const lookAlike = await join('\u0410lice'); // Cyrillic А
		expect(lookAlike.status).toBe(409);
		expect(((await lookAlike.json()) as { error: { message: string } }).error.message).toMatch(/looks like the name of someone else/);
		expect((await join('alice')).status).toBe(201); // the same name: two Alices, told apart
		const bob = (await (await join('Bob')).json()) as { participantId: string; secret: string };
		const rename = (name: string) =>
			fetch(`${server.url}/api/rooms/${room.roomId}/participants/me`, {
				method: 'PUT',
				headers: { 'content-type': 'application/json', authorization: `Participant ${bob.participantId}.${bob.secret}` },
				body: JSON.stringify({ name })
			});
		expect((await rename('A1ice')).status).toBe(409);
		expect((await rename('Bob Okafor')).status).toBe(200);
	});

	it('counts IPv6 clients by the network IPV6_LIMIT_PREFIX sets', async () => {
		const server = await serve({ ROOMS_PER_MINUTE_PER_IP: '1', IPV6_LIMIT_PREFIX: '56' });
		const create = (from: string) => post(`${server.url}/api/rooms`, {}, { 'x-forwarded-for': from }).then((res) => res.status);
		expect(await create('2001:db8:7:701::1')).toBe(201);
		expect(await create('2001:db8:7:7ff::1')).toBe(429); // another /64 of the same /56
		expect(await create('2001:db8:7:800::1')).toBe(201); // the next /56
	});

	it('refuses a late rename from a device that has not seen the name another device gave since', async () => {
		const server = await serve();
		const room = await createRoom(server.url);
		const bob = (await (await post(`${server.url}/api/rooms/${room.roomId}/participants`, { name: 'Bob' })).json()) as { participantId: string; secret: string };
		const rename = (name: string, from?: string[]) =>
			fetch(`${server.url}/api/rooms/${room.roomId}/participants/me`, {
				method: 'PUT',
				headers: { 'content-type': 'application/json', authorization: `Participant ${bob.participantId}.${bob.secret}` },
				body: JSON.stringify({ name, from })
			});
		expect((await rename('Bob O.', ['Bob'])).status).toBe(200); // the laptop, which saw "Bob"
		const late = await rename('Robert', ['Bob']); // the phone, offline meanwhile, saw "Bob" too
		expect(late.status).toBe(409);
		const refusal = ((await late.json()) as { error: { code: string; message: string } }).error;
		expect(refusal.code).toBe('name_changed_elsewhere');
		expect(refusal.message).toContain('"Bob O."');
		expect((await rename('Bob O.', ['Bob'])).status).toBe(200); // asking for the name held is no change
		expect((await rename('Robert', ['Bob', 'Bob O.'])).status).toBe(200); // one of the names it may hold
		expect((await rename('Rob')).status).toBe(200); // without from, as older browsers send: taken
	});

	it("gives one network at most 50 of a workshop's turns at once, counting an IPv6 /64 as one", async () => {
		const server = await serve();
		const room = await createRoom(server.url);
		// Fifty addresses of one /64: fifty in, then that network waits a minute (though it is
		// under its limit of 60 a minute for all workshops) while the workshop still has turns for
		// everyone else.
		const join = (n: number, from: string) => post(`${server.url}/api/rooms/${room.roomId}/participants`, { name: `Guest ${n}` }, { 'x-forwarded-for': from });
		const statuses = await Promise.all(Array.from({ length: 50 }, (_, n) => join(n, `2001:db8:7:7::${(n + 1).toString(16)}`).then((res) => res.status)));
		expect(statuses.filter((status) => status === 201)).toHaveLength(50);
		const refused = await join(50, '2001:db8:7:7:abcd::1');
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toBe('60');
		expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/your network/);
		expect((await join(51, '2001:db8:7:8::1')).status).toBe(201);
		expect((await join(52, '198.51.100.9')).status).toBe(201);
		// Its limit for all workshops (60 a minute, refilled one a second) counts the /64 too: 51
		// of its 60 are spent, so fresh addresses of it joining another workshop are soon refused
		// (counted address by address, all 20 would be let in).
		const elsewhere = await createRoom(server.url, 'Elsewhere');
		const more = await Promise.all(
			Array.from({ length: 20 }, (_, n) =>
				post(`${server.url}/api/rooms/${elsewhere.roomId}/participants`, { name: `Guest ${n}` }, { 'x-forwarded-for': `2001:db8:7:7::1:${n}` }).then((res) => res.status)
			)
		);
		expect(more.every((status) => status === 201 || status === 429)).toBe(true);
		expect(more.filter((status) => status === 429).length).toBeGreaterThan(0);
	});
});

describe('cross-site requests', () => {
	it('cannot create or import rooms, or run commands, from another site', async () => {
		const server = await serve();
		const room = await createRoom(server.url);
		expect((await post(`${server.url}/api/rooms`, {}, { origin: 'https://evil.example' })).status).toBe(403);
		expect((await post(`${server.url}/api/rooms`, {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
		// What a cross-site form can send without a preflight: text/plain.
		const form = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
		expect(form.status).toBe(415);
		const formImport = await fetch(`${server.url}/api/rooms/import`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
		expect(formImport.status).toBe(415);
		const command = await post(`${server.url}/api/rooms/${room.roomId}/control`, { type: 'start' }, {
			origin: 'https://evil.example',
			authorization: `Bearer ${room.facilitatorKey}`
		});
		expect(command.status).toBe(403);
		// The server's own pages may.
		expect((await post(`${server.url}/api/rooms`, {}, { origin: server.url })).status).toBe(201);
	});
});

describe('/metrics', () => {
	it('answers this host only, or anyone with the token', async () => {
		const open = await serve();
		expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
		const remote = await fetch(`${open.url}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.9' } });
		expect(remote.status).toBe(403);

		const token = 'metrics-token-0123456789';
		const guarded = await serve({ METRICS_TOKEN: token });
		expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
		expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
		const scraped = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
		expect(scraped.status).toBe(200);
		expect(await scraped.text()).toContain('threatboard_rooms_loaded');
	});
});

describe('bad paths and store outages', () => {
	it('answers a malformed percent-encoding with 400', async () => {
		const server = await serve();
		const res = await fetch(`${server.url}/api/rooms/%E0%A4%A`);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
	});

	it('answers 503 with Retry-After when the store cannot answer, not 500', async () => {
		let down = false;
		const server = await serve({}, (store) => ({
			...store,
			kind: store.kind,
			async getRoom(roomId) {
				if (down) throw new Error('connection refused');
				return store.getRoom(roomId);
			},
			async countRooms() {
				if (down) throw new Error('connection refused');
				return store.countRooms();
			}
		}));
		const room = await createRoom(server.url);
		down = true;
		const lookup = await fetch(`${server.url}/api/rooms/${room.roomId}`);
		expect(lookup.status).toBe(503);
		expect(lookup.headers.get('retry-after')).toBe('5');
		expect(await lookup.json()).toMatchObject({ error: { code: 'unavailable' } });
	});
});

describe('connections', () => {
	it('cuts a request whose headers never finish, and caps open connections per address', async () => {
		const server = await serve({ HEADERS_TIMEOUT_MS: '1000', TRUSTED_PROXIES: 'none', MAX_HTTP_CONNECTIONS_PER_IP: '4' });
		const { port } = new URL(server.url);
		/** A socket, and when it closed (listened for from the start: a refused one closes at once). */
		const connect = () => {
			const socket = net.connect(Number(port), '127.0.0.1');
			const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
			socket.on('error', () => undefined);
			socket.resume(); // read what the server says, or its close is never seen
			const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
			return { socket, closed, connected };
		};

		const slow = connect();
		await slow.connected;
		const started = performance.now();
		slow.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
		expect((await slow.closed) - started).toBeLessThan(5_000);

		const held = [connect(), connect(), connect(), connect()];
		await Promise.all(held.map((h) => h.connected));
		const fifth = connect();
		await fifth.closed; // destroyed at once: the address holds four
		expect(held.every((h) => !h.socket.destroyed)).toBe(true);
		for (const h of held) h.socket.destroy();
		await Promise.all(held.map((h) => h.closed));
		const res = await fetch(`${server.url}/healthz`);
		expect(res.status).toBe(200);
	});
});

describe('the SQLite write-ahead log', () => {
	it('shrinks back after a burst, instead of staying at its largest', async () => {
		const dataDir = tempDataDir();
		const store = createSqliteStore(dataDir);
		const wal = path.join(dataDir, 'threatboard.sqlite3-wal');
		try {
			const chunk = new Uint8Array(1024 * 1024);
			for (let i = 0; i < 80; i++) await store.appendUpdates([{ roomId: 'burst', docName: 'board', update: chunk }]);
			expect(fs.statSync(wal).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
			// The checkpointer catches up; the next write restarts the log and cuts the file.
			await waitUntil(
				() => {
					void store.appendUpdates([{ roomId: 'burst', docName: 'board', update: new Uint8Array(8) }]);
					return fs.statSync(wal).size <= WAL_SIZE_LIMIT_BYTES;
				},
				'WAL cut back to its limit',
				{ timeoutMs: 20_000 }
			);
		} finally {
			await store.close();
		}
	});
});
