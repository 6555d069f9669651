/**
 * POST /api/rooms/import on a real server (port 0): each interchange sample becomes a room that
 * a client reads back with the counts its file holds; the interchange exports are served and
 * valid; a Threatboard export keeps its creation date; bad files create nothing; and a 7 MB model
 * is imported without holding the event loop (the work happens in the import worker).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotes } from '../../src/lib/shared/board/doc.ts';
import { readDiagram } from '../../src/lib/shared/canvas/diagram.ts';
import { readCanvasRecords } from '../../src/lib/shared/export/canvas-records.ts';
import type { ImportReport } from '../../src/lib/shared/interop/report.ts';
import type { CreateRoomResponse } from '../../src/lib/shared/wire/api.ts';
import { createImportRouter } from '../../server/http/import-routes.ts';
import type { ImportRunner } from '../../server/import/import-runner.ts';
import { createLogger } from '../../server/log.ts';
import { createSqliteStore } from '../../server/persistence/sqlite-store.ts';
import { connectClient, synced } from '../helpers/clients.ts';
import { postFromThread, startIdleThread } from '../helpers/idle-thread.ts';
import { largeThreatDragonText } from '../helpers/large-model.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { countOpenThreatModel, countThreatComposer, countThreatDragon, expectValid, OTM_SAMPLES, readSample, TC_SAMPLES, TD_SAMPLES } from '../unit/interop/samples.ts';

type Imported = CreateRoomResponse & { report: ImportReport };

let server: TestServer;
/** A server per group of tests: the import route allows bursts of 10 imports per server. */
function withServer(): void {
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(async () => {
		await server?.close();
	});
}

const post = (body: string | Uint8Array<ArrayBuffer>, type = 'application/json') =>
	fetch(`${server.url}/api/rooms/import`, { method: 'POST', headers: { 'content-type': type }, body });

async function importFile(text: string): Promise<Imported> {
	const res = await post(text);
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as Imported;
}

/** The room as a participant's client sees it after syncing. */
async function readRoom(roomId: string) {
	const client = connectClient(server.wsUrl, roomId);
	try {
		await synced(client);
		const diagram = readDiagram(readCanvasRecords(client.doc));
		const notes = listNotes(client.doc);
		return {
			elements: diagram.elements.filter((element) => element.kind !== 'other').length,
			flows: diagram.flows.length,
			boundaries: diagram.boundaries.length,
			threats: notes.filter((note) => note.kind === 'threat').length,
			mitigations: notes.filter((note) => note.kind === 'mitigation').length
		};
	} finally {
		client.destroy();
	}
}

function roomCount(): number {
	const db = new Database(path.join(server.dataDir, 'threatboard.sqlite3'), { readonly: true });
	try {
		return (db.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;
	} finally {
		db.close();
	}
}

describe('importing each format through the API', () => {
	withServer();
	it.each(TD_SAMPLES.map((name) => [name]))('Threat Dragon %s', async (name) => {
		const text = readSample(name);
		const created = await importFile(text);
		const { threatTitles: _t, mitigationTexts: _m, labels: _l, ...counts } = countThreatDragon(text);
		expect(created.report.format).toBe('threat-dragon');
		expect(created.title).toBe(JSON.parse(text).summary.title);
		expect(await readRoom(created.roomId)).toEqual(counts);
	});

	it.each(TC_SAMPLES.map((name) => [name]))('threat-composer %s', async (name) => {
		const text = readSample(name);
		const created = await importFile(text);
		const counts = countThreatComposer(text);
		expect(created.report.format).toBe('threat-composer');
		expect(await readRoom(created.roomId)).toEqual({ elements: 0, flows: 0, boundaries: 0, threats: counts.threats, mitigations: counts.mitigations });
		expect(created.report.notMapped.length).toBeGreaterThan(0);
	});

	it('Open Threat Model', async () => {
		const text = readSample(OTM_SAMPLES[0]);
		const created = await importFile(text);
		expect(created.report.format).toBe('otm');
		expect(await readRoom(created.roomId)).toEqual(countOpenThreatModel(text));
	});

	it('serves the imported room as Threat Dragon and threat-composer files that validate', async () => {
		const created = await importFile(readSample('threat-dragon/v2-threat-model.json'));
		const td = await fetch(`${server.url}/api/rooms/${created.roomId}/export.td.json`);
		expect(td.status).toBe(200);
		expect(td.headers.get('content-disposition')).toMatch(/^attachment; filename="threat-model-demo-threat-model-\d{4}-\d{2}-\d{2}\.td\.json"$/);
		const model = await td.json();
		expectValid('threat-dragon', model);
		expect(countThreatDragon(JSON.stringify(model))).toEqual(countThreatDragon(readSample('threat-dragon/v2-threat-model.json')));
		const tc = await fetch(`${server.url}/api/rooms/${created.observerId}/export.tc.json`);
		expect(tc.status).toBe(200);
		expectValid('threat-composer', await tc.json());
	});

	it("keeps a Threatboard export's creation date", async () => {
		const original = await createRoom(server.url, 'Dated workshop');
		const exported = await (await fetch(`${server.url}/api/rooms/${original.roomId}/export.json`)).text();
		const created = await importFile(exported);
		expect(created.report.format).toBe('threatboard');
		expect(created.createdAt).toBe(original.createdAt);
		const info = (await (await fetch(`${server.url}/api/rooms/${created.roomId}`)).json()) as { createdAt: number };
		expect(info.createdAt).toBe(original.createdAt);
	});
});

describe('bad files', () => {
	withServer();
	it.each([
		['malformed JSON', '{"summary": {"title": nope}}', 400, 'invalid_json'],
		['a truncated model', readSample('threat-dragon/payment-online.json').slice(0, 5000), 400, 'invalid_json'],
		['an unknown format', JSON.stringify({ hello: 'world' }), 400, 'invalid_request'],
		['10,000 levels of nesting', `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 400, 'invalid_request'],
		['a huge label', JSON.stringify({ summary: { title: 'x' }, detail: { diagrams: [{ cells: [{ id: 'a', shape: 'process', data: { name: 'x'.repeat(200_000) } }] }] } }), 400, 'invalid_request'],
		['a file that is not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 400, 'invalid_json'],
		['a file over 8 MiB', ' '.repeat(9 * 1024 * 1024), 413, 'payload_too_large']
	])('%s gets a clear error and creates nothing', async (_name, body, status, code) => {
		const before = roomCount();
		const res = await post(body);
		expect(res.status).toBe(status);
		const error = ((await res.json()) as { error: { code: string; message: string; issues?: Array<{ path: string }> } }).error;
		expect(error.code).toBe(code);
		expect(error.message.length).toBeGreaterThan(10);
		if (_name === 'a huge label') expect(error.issues?.[0].path).toBe('detail.diagrams.0.cells.0.data.name');
		expect(roomCount()).toBe(before);
	});
});

describe('a compressed body', () => {
	withServer();
	it('is held to the 8 MiB limit once inflated: a gzip bomb gets 413 and creates nothing', async () => {
		// 64 MiB of spaces compress to ~64 KB: the limit must hold on what the body inflates to.
		const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
		expect(bomb.byteLength).toBeLessThan(200_000);
		const before = roomCount();
		const res = await fetch(`${server.url}/api/rooms/import`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
			body: new Uint8Array(bomb)
		});
		expect(res.status).toBe(413);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
		expect(roomCount()).toBe(before);
	});

	it('a gzip-encoded model within the limit is imported', async () => {
		const text = readSample('threat-dragon/v2-new-model.json');
		const res = await fetch(`${server.url}/api/rooms/import`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
			body: new Uint8Array(gzipSync(text))
		});
		expect(res.status, await res.clone().text()).toBe(201);
	});
});

describe('a busy importer', () => {
	it('answers 503 before the body is read, and closes the connection', async () => {
		// The route on its own, with an importer that reports itself busy: the request announces
		// 8 MiB and sends only its headers, so an answer can only come before the body is read.
		let ran = 0;
		const importer: ImportRunner = {
			busy: true,
			run: () => {
				ran++;
				return Promise.reject(new Error('not reached'));
			},
			close: async () => {}
		};
		const store = createSqliteStore(tempDataDir());
		const app = express();
		app.use('/api', createImportRouter({ store, log: createLogger('silent'), importer }));
		const listener = http.createServer(app);
		await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = listener.address() as AddressInfo;
			const answer = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
				const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/rooms/import', headers: { 'content-type': 'application/json', 'content-length': String(8 * 1024 * 1024) } });
				req.on('response', (res) => {
					let body = '';
					res.setEncoding('utf8');
					res.on('data', (chunk: string) => (body += chunk));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
				});
				req.on('error', reject);
				req.flushHeaders();
			});
			expect(answer.status).toBe(503);
			expect(answer.headers['retry-after']).toBe('5');
			expect(answer.headers.connection).toBe('close');
			expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe('unavailable');
			expect(ran).toBe(0);
		} finally {
			listener.closeAllConnections();
			await new Promise<void>((resolve) => listener.close(() => resolve()));
			await store.close();
		}
	});
});

describe('a large import and the event loop', () => {
	withServer();
	it('a 7 MB model is converted in the import worker: the event loop is held only to store the room', async () => {
		const text = largeThreatDragonText();
		const body = new TextEncoder().encode(text);
		// Warm the worker up, so the measured import is the steady state a busy server sees.
		await importFile(readSample('threat-dragon/v2-new-model.json'));
		const control = startIdleThread();
		const histogram = monitorEventLoopDelay({ resolution: 5 });
		histogram.enable();
		const started = performance.now();
		// The client sends from another thread: this thread is the server's, and only its work counts.
		const answer = await postFromThread(`${server.url}/api/rooms/import`, body, 'application/json');
		const took = performance.now() - started;
		histogram.disable();
		const noiseMs = await control.stop();
		const maxMs = histogram.max / 1e6;
		console.log(
			`import of ${(text.length / 1e6).toFixed(1)} MB: ${took.toFixed(0)} ms; main thread event-loop delay max ${maxMs.toFixed(1)} ms ` +
				`(p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms); an idle thread's max over the same time ${noiseMs.toFixed(1)} ms`
		);
		expect(answer.status, JSON.stringify(answer.json)).toBe(201);
		const created = answer.json as Imported;
		expect(created.report.created).toMatchObject({ elements: 1200, threats: 2400, diagrams: 4 });
		// Building this model takes 0.7-5 s of CPU; in the worker, the main thread stays responsive.
		// What is left on it is storing the new room: SQLite writes the ~2 MB board snapshot in one
		// synchronous statement, 10-20 ms per MB on the 2-core CI machine (measured 2026-12-06), plus the
		// request body's concatenation (~13 ms): 45-90 ms in all, a known stall (not yet chunked).
		expect(maxMs).toBeLessThan(120 + noiseMs);
		// The room is all there for the first participant.
		expect(await readRoom(created.roomId)).toMatchObject({ elements: 1200, flows: 1196, threats: 2400 });
	}, 120_000);
});
