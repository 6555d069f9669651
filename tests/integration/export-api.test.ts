/**
 * The export and import routes on a real server (port 0): a room seeded through a real
 * y-websocket client, its control document written by the server, exported in three formats by
 * room id and by observer id, imported into a new room, and that room read back after a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SCHEMA_VERSION, listNotes, metaMap } from '../../src/lib/shared/board/doc.ts';
import { controlPath, type ControlCommand } from '../../src/lib/shared/control/commands.ts';
import { readBallotRound, readPeople } from '../../src/lib/shared/control/rounds.ts';
import { parseRoomExport } from '../../src/lib/shared/export/json.ts';
import type { CreateRoomResponse } from '../../src/lib/shared/wire/api.ts';
import { buildFixtureBoard, buildFixtureControl } from '../fixtures/export/fixture-room.ts';
import { connectClient, registerParticipant, synced, waitUntil, type Participant } from '../helpers/clients.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const GOLDEN = path.resolve(import.meta.dirname, '../fixtures/export');
const goldenMarkdown = fs.readFileSync(path.join(GOLDEN, 'fixture-room.md'), 'utf8');
const goldenCsv = fs.readFileSync(path.join(GOLDEN, 'fixture-room.csv'), 'utf8');
const NOTE_COUNT = 15;

/** The report without its export time (the server stamps its own clock). */
const withoutExportTime = (markdown: string) => markdown.replace(/^- \*\*Exported:\*\* .*$/m, '- **Exported:** (time)');

let server: TestServer;
let room: CreateRoomResponse;
const dataDir = tempDataDir();

/**
 * Writes the fixture room on the server, as a restored backup would be: its votes are keyed by
 * fixture voter ids and its accepted threat predates recorded decisions, which participants'
 * own writes could not produce today. A client then reads it back.
 */
async function seedFixture(target: TestServer, roomId: string): Promise<void> {
	const record = (await target.store.getRoom(roomId))!;
	const loaded = await target.rooms.acquire(record);
	try {
		loaded.docs.board.doc.transact(() => buildFixtureBoard(loaded.docs.board.doc));
		buildFixtureControl(loaded.docs.control.doc);
	} finally {
		target.rooms.release(roomId);
	}
	const reader = connectClient(target.wsUrl, roomId);
	try {
		await waitUntil(() => listNotes(reader.doc).length === NOTE_COUNT, 'seeded notes reach a client', { docs: [reader.doc] });
	} finally {
		reader.destroy();
	}
}

const get = (url: string) => fetch(`${server.url}${url}`);

beforeAll(async () => {
	server = await startTestServer({}, dataDir);
	room = await createRoom(server.url, 'Payments API');
	await seedFixture(server, room.roomId);
});
afterAll(async () => {
	await server?.close();
});

describe('GET /api/rooms/:id/export.*', () => {
	it('serves the Markdown report with a safe file name, not cached', async () => {
		const res = await get(`/api/rooms/${room.roomId}/export.md`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
		const today = new Date().toISOString().slice(0, 10);
		expect(res.headers.get('content-disposition')).toBe(`attachment; filename="threat-model-payments-api-${today}.md"`);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		const body = await res.text();
		// The same bytes as the golden file built in memory: the server adds nothing of its own.
		expect(withoutExportTime(body)).toBe(withoutExportTime(goldenMarkdown));
		expect(body).toContain(`**Exported:** ${today}`);
	});

	it('serves the same report to an observer id', async () => {
		const res = await get(`/api/rooms/${room.observerId}/export.md`);
		expect(res.status).toBe(200);
		expect(withoutExportTime(await res.text())).toBe(withoutExportTime(goldenMarkdown));
	});

	it('serves CSV and a valid, re-importable JSON export', async () => {
		const csv = await get(`/api/rooms/${room.roomId}/export.csv`);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="threat-model-payments-api-\d{4}-\d{2}-\d{2}\.csv"$/);
		// Compared as bytes: Response.text() would swallow the byte-order mark.
		expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer())).toBe(goldenCsv);

		const json = await get(`/api/rooms/${room.roomId}/export.json`);
		expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
		const parsed = parseRoomExport(await json.text());
		expect(parsed.ok).toBe(true);
		if (parsed.ok) {
			expect(parsed.snapshot.notes).toHaveLength(NOTE_COUNT);
			expect(parsed.snapshot.control?.facilitator).toBe('Dana');
		}
	});

	it('answers 503, naming the cause, for a board saved by a newer version (as loading it does)', async () => {
		const newer = await createRoom(server.url, 'From the future');
		// Written into the store as another server would have, while the room is not loaded here.
		const doc = new Y.Doc();
		for (const update of (await server.store.loadDoc({ roomId: newer.roomId, docName: 'board' })).updates) Y.applyUpdate(doc, update);
		const before = Y.encodeStateVector(doc);
		metaMap(doc).set('schemaVersion', SCHEMA_VERSION + 1);
		await server.store.appendUpdates([{ roomId: newer.roomId, docName: 'board', update: Y.encodeStateAsUpdate(doc, before) }]);
		const res = await get(`/api/rooms/${newer.roomId}/export.md`);
		expect(res.status).toBe(503);
		expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/newer version of Threatboard/);
		expect(server.logs.some((l) => l.msg === 'export: board written by a newer Threatboard')).toBe(true);
	});

	it.each([
		['an unknown room id', () => `/api/rooms/${'A'.repeat(24)}/export.md`],
		['an unknown observer id', () => `/api/rooms/${'B'.repeat(43)}/export.json`],
		['a malformed id', () => '/api/rooms/not-a-room/export.md'],
		['an unknown format', () => `/api/rooms/${room.roomId}/export.pdf`],
		['a format without the export prefix', () => `/api/rooms/${room.roomId}/md`]
	])('answers %s with a JSON 404', async (_name, url) => {
		const res = await get(url());
		expect(res.status).toBe(404);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
	});
});

describe('POST /api/rooms/import', () => {
	const post = (body: string) =>
		fetch(`${server.url}/api/rooms/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

	it('creates a new room with new ids and keys holding the same workshop, stored durably', async () => {
		const exported = await (await get(`/api/rooms/${room.roomId}/export.json`)).text();
		const res = await post(exported);
		expect(res.status).toBe(201);
		const created = (await res.json()) as CreateRoomResponse;
		expect(created.roomId).not.toBe(room.roomId);
		expect(created.facilitatorKey).not.toBe(room.facilitatorKey);
		expect(created.title).toBe('Payments API');
		expect(created.links.participant).toBe(`/w/${created.roomId}`);

		const reexported = await (await get(`/api/rooms/${created.roomId}/export.md`)).text();
		expect(withoutExportTime(reexported)).toBe(withoutExportTime(goldenMarkdown));

		// A participant of the new room sees the notes.
		const client = connectClient(server.wsUrl, created.roomId);
		await waitUntil(() => listNotes(client.doc).length === NOTE_COUNT, 'imported notes reach a client', { docs: [client.doc] });
		client.destroy();

		// Nothing of the workshop's content or its keys reaches the log.
		expect(server.logText()).not.toContain('SQL injection through the order note field');
		expect(server.logText()).not.toContain(created.facilitatorKey);

		// The import answered only once stored: a restarted server serves the same room.
		await server.close();
		server = await startTestServer({}, dataDir);
		const afterRestart = await (await get(`/api/rooms/${created.roomId}/export.md`)).text();
		expect(withoutExportTime(afterRestart)).toBe(withoutExportTime(goldenMarkdown));
	});

	it.each([
		['text that is not JSON', '{"format": "threatboard.room",', 400, 'invalid_json'],
		['another format', JSON.stringify({ format: 'something-else' }), 400, 'invalid_request'],
		['an export with an unknown key', JSON.stringify({ format: 'threatboard.room', version: 1, admin: true }), 400, 'invalid_request']
	])('refuses %s with a clear error', async (_name, body, status, code) => {
		const res = await post(body);
		expect(res.status).toBe(status);
		const error = ((await res.json()) as { error: { code: string; message: string } }).error;
		expect(error.code).toBe(code);
		expect(error.message.length).toBeGreaterThan(5);
	});

	it('names the problems in an invalid export', async () => {
		const exported = JSON.parse(await (await get(`/api/rooms/${room.roomId}/export.json`)).text()) as { notes: Array<{ text: unknown }> };
		exported.notes[3].text = 42;
		const res = await post(JSON.stringify(exported));
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { message: string; issues: Array<{ path: string }> } };
		expect(body.error.message).toBe('invalid Threatboard room export');
		expect(body.error.issues.map((i) => i.path)).toContain('notes.3.text');
	});

	it('refuses a body over the size limit with 413 and keeps serving', async () => {
		const res = await post(' '.repeat(9 * 1024 * 1024));
		expect(res.status).toBe(413);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
		expect((await get(`/api/rooms/${room.roomId}/export.md`)).status).toBe(200);
	});

	it('leaves the ordinary room API and its 64 KB limit as they were', async () => {
		const res = await fetch(`${server.url}/api/rooms`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ title: 'x', pad: 'y'.repeat(100 * 1024) })
		});
		expect(res.status).toBe(413);
	});
});

describe('participants in the exports', () => {
	const post = (path: string, body: unknown, authorization: string) =>
		fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
	const command = async (target: CreateRoomResponse, body: ControlCommand) =>
		expect((await post(controlPath(target.roomId), body, `Bearer ${target.facilitatorKey}`)).status).toBe(200);
	const answer = async (target: CreateRoomResponse, who: Participant, confidence: number, better: string) => {
		const res = await fetch(`${server.url}/api/rooms/${target.roomId}/poll/mine`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', authorization: `Participant ${who.participantId}.${who.secret}` },
			body: JSON.stringify({ confidence, better })
		});
		expect(res.status).toBe(200);
	};

	it('shows registered people with their roles and the revealed poll, never their ids or secrets, and the import brings them back as a record', async () => {
		const workshop = await createRoom(server.url, 'Roles');
		const first = await registerParticipant(server.url, workshop.roomId, 'Alex');
		const second = await registerParticipant(server.url, workshop.roomId, 'Alex');
		await command(workshop, { type: 'set-workshop-role', participantId: first.participantId, role: 'security' });
		await command(workshop, { type: 'set-workshop-role', participantId: second.participantId, role: 'engineering' });
		await command(workshop, { type: 'poll', action: 'open' });
		await answer(workshop, first, 4, 'Earlier diagram');
		await answer(workshop, second, 2, 'More time');
		await command(workshop, { type: 'poll', action: 'reveal' });

		const exports = await Promise.all(['md', 'csv', 'json'].map(async (format) => (await get(`/api/rooms/${workshop.roomId}/export.${format}`)).text()));
		for (const text of exports) {
			for (const who of [first, second]) {
				expect(text).not.toContain(who.participantId);
				expect(text).not.toContain(who.secret);
			}
			expect(text).not.toMatch(/[0-9a-f]{64}/); // no secret hash either
		}
		const [markdown, , json] = exports;
		expect(markdown).toContain('**Participants:** Alex \\#1 (Security), Alex \\#2 (Engineering)');
		expect(markdown).toContain('| Alex \\#1 (Security) | 4 | Earlier diagram |');
		const parsed = parseRoomExport(json);
		expect(parsed.ok && parsed.snapshot.control?.people?.map((p) => [p.id, p.role])).toEqual([
			['person-0001', 'security'],
			['person-0002', 'engineering']
		]);

		const imported = await fetch(`${server.url}/api/rooms/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
		expect(imported.status).toBe(201);
		const created = (await imported.json()) as CreateRoomResponse;
		const again = await (await get(`/api/rooms/${created.roomId}/export.md`)).text();
		expect(withoutExportTime(again)).toBe(withoutExportTime(markdown));

		// The imported people are a record: they cannot sign in, so a hidden round does not wait for them.
		await registerParticipant(server.url, created.roomId, 'Nia');
		await command(created, { type: 'voting', status: 'open', hideTotals: true });
		const control = connectClient(server.wsUrl, created.roomId, { docName: 'control' });
		try {
			await waitUntil(() => readBallotRound(control.doc).round > 0, 'the hidden round reaches a client', { docs: [control.doc] });
			expect(readPeople(control.doc).size).toBe(3);
			expect(readBallotRound(control.doc)).toMatchObject({ voted: 0, eligible: 1 });
		} finally {
			control.destroy();
		}
	});
});

describe('an export of a workshop while it is evicted', () => {
	it('is read from the store, without waiting for the eviction or loading the room again', async () => {
		let gate: Promise<void> | undefined;
		let open = () => {};
		let blocked = false;
		const own = await startTestServer({ LOG_LEVEL: 'debug', IDLE_EVICT_MS: '50' }, tempDataDir(), (store) => ({
			...store,
			kind: store.kind,
			compact: async (key, fold) => {
				if (gate) {
					blocked = true;
					await gate;
				}
				return store.compact(key, fold);
			}
		}));
		try {
			const target = await createRoom(own.url, 'Going idle');
			const writer = connectClient(own.wsUrl, target.roomId);
			await synced(writer);
			gate = new Promise((resolve) => (open = resolve));
			writer.destroy();
			// The eviction waits in its compaction, which the gate holds.
			await waitUntil(() => blocked, 'the eviction is compacting');
			expect(own.rooms.isLoaded(target.roomId)).toBe(true);
			const res = await fetch(`${own.url}/api/rooms/${target.roomId}/export.md`);
			expect(res.status).toBe(200);
			expect(await res.text()).toContain('# Threat model: Going idle');
			open();
			await waitUntil(() => own.logs.some((l) => l.msg === 'room evicted'), 'the eviction ends');
			expect(own.rooms.isLoaded(target.roomId)).toBe(false);
		} finally {
			open();
			await own.close();
		}
	});
});
