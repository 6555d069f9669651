import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isRoomId, isSecret } from '../../src/lib/shared/ids.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(async () => {
	await server.close();
});

const post = (body: string, contentType = 'application/json') =>
	fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': contentType }, body });

it('creates a room with an unguessable id, separate secrets and relative links', async () => {
	const res = await post(JSON.stringify({ title: '  Payments API  ' }));
	expect(res.status).toBe(201);
	const room = (await res.json()) as Awaited<ReturnType<typeof createRoom>>;
	expect(isRoomId(room.roomId)).toBe(true);
	expect(isSecret(room.facilitatorKey)).toBe(true);
	expect(isSecret(room.observerId)).toBe(true);
	expect(room.title).toBe('Payments API');
	expect(room.links).toEqual({
		participant: `/w/${room.roomId}`,
		facilitator: `/w/${room.roomId}#facilitator=${room.facilitatorKey}`,
		observer: `/w/${room.observerId}`
	});
	expect(room.links.observer).not.toContain(room.roomId); // an observer cannot derive the room link

	const info = await (await fetch(`${server.url}/api/rooms/${room.roomId}`)).json();
	expect(info).toMatchObject({ title: 'Payments API', role: 'participant' });
	const asObserver = await (await fetch(`${server.url}/api/rooms/${room.observerId}`)).json();
	expect(asObserver).toMatchObject({ title: 'Payments API', role: 'observer' });
});

it('stores secrets only as hashes', async () => {
	const room = await createRoom(server.url);
	const db = new Database(path.join(server.dataDir, 'threatboard.sqlite3'), { readonly: true });
	const row = db.prepare('SELECT * FROM rooms WHERE room_id = ?').get(room.roomId) as Record<string, string>;
	db.close();
	const stored = JSON.stringify(row);
	expect(stored).not.toContain(room.facilitatorKey);
	expect(stored).not.toContain(room.observerId);
	expect(row.facilitator_key_hash).toMatch(/^[0-9a-f]{64}$/);
	expect(server.logText()).not.toContain(room.facilitatorKey);
});

it('gives every room a distinct id', async () => {
	const ids = await Promise.all(Array.from({ length: 20 }, () => createRoom(server.url).then((r) => r.roomId)));
	expect(new Set(ids).size).toBe(20);
});

it.each([
	['a title that is too long', JSON.stringify({ title: 'x'.repeat(201) }), 400, 'invalid_request'],
	['control characters in the title', JSON.stringify({ title: 'evil\u0007bell' }), 400, 'invalid_request'],
	['an unknown field', JSON.stringify({ title: 'ok', admin: true }), 400, 'invalid_request'],
	['a title of the wrong type', JSON.stringify({ title: 42 }), 400, 'invalid_request'],
	['a JSON array', '[]', 400, 'invalid_request'],
	['broken JSON', '{"title":', 400, 'invalid_json'],
	['a body over the limit', JSON.stringify({ title: 'x'.repeat(100_000) }), 413, 'payload_too_large']
])('refuses %s with a clear JSON error', async (_name, body, status, code) => {
	const res = await post(body);
	expect(res.status).toBe(status);
	const json = (await res.json()) as { error: { code: string; message: string } };
	expect(json.error.code).toBe(code);
	expect(json.error.message.length).toBeGreaterThan(0);
});

it('names the offending field in validation errors', async () => {
	const json = (await (await post(JSON.stringify({ title: 'x'.repeat(201) }))).json()) as {
		error: { issues: Array<{ path: string; message: string }> };
	};
	expect(json.error.issues[0]).toMatchObject({ path: 'title', message: expect.stringContaining('200') });
});

it('answers unknown API paths with a JSON 404', async () => {
	const res = await fetch(`${server.url}/api/nothing-here`);
	expect(res.status).toBe(404);
	expect(res.headers.get('content-type')).toContain('application/json');
});

it('reports health and Prometheus metrics', async () => {
	const health = await fetch(`${server.url}/healthz`);
	expect(health.status).toBe(200);
	expect(await health.json()).toEqual({ status: 'ok', store: 'ok', writes: 'ok', fanout: 'off' });

	const metrics = await fetch(`${server.url}/metrics`);
	expect(metrics.headers.get('content-type')).toContain('text/plain');
	const text = await metrics.text();
	for (const name of [
		'threatboard_rooms_loaded',
		'threatboard_connections',
		'threatboard_updates_total',
		'threatboard_store_commit_seconds_bucket',
		'threatboard_process_resident_memory_bytes'
	]) {
		expect(text).toContain(name);
	}
});

it('reports unavailable when the store cannot be reached', async () => {
	const broken = await startTestServer({ LOG_LEVEL: 'silent' });
	await broken.store.close();
	const res = await fetch(`${broken.url}/healthz`);
	expect(res.status).toBe(503);
	expect(await res.json()).toMatchObject({ status: 'unavailable', store: 'unreachable' });
	await broken.close();
});

it('sends headers that keep capability links out of referrers', async () => {
	const res = await fetch(`${server.url}/healthz`);
	expect(res.headers.get('referrer-policy')).toBe('no-referrer');
	expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	expect(res.headers.get('x-powered-by')).toBeNull();
});
