/**
 * The system page's answer (issue 15: "a system page with 50 models loads in under a second"):
 * GET /api/systems/<id> for a system of 50 models of 100 threats each (and a 20-element diagram
 * with flows, the threats linked to it), on SQLite and on PostgreSQL.
 *
 *   node --import tsx bench/system-page.ts            # both stores (PostgreSQL at BENCH_DATABASE_URL)
 *   node --import tsx bench/system-page.ts --sqlite   # SQLite only
 *
 * The boards are written through their rooms, as workshops write them, so their figures are
 * computed where they changed (server/systems/model-figures.ts). Per store: `firstMs`, the first
 * request for the new system once those computations are done; `staleFirstMs`, the first request
 * for a second such system whose boards were appended straight to the store (as by a build that
 * kept no figures, or a kill -9 before they were computed): every model computed on the read, in
 * the figures worker; `coldMs`, the first request after the server restarted (nothing loaded,
 * nothing compiled); `warmMs` (median, p95) over 15 more; then the same with every model's room
 * loaded on the server (`loadedMs`). The server runs in this process on a free loopback port, its
 * data in a temporary directory or schema.
 */
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { parseConfig } from '../server/config.ts';
import { createLogger } from '../server/log.ts';
import { startServer, type RunningServer } from '../server/threatboard.ts';
import type { CreateSystemResponse, SystemView } from '../src/lib/shared/systems/api.ts';
import { buildCoverageBoard } from '../tests/helpers/coverage-board.ts';
import { tempDataDir } from '../tests/helpers/server.ts';
import { prepareSharedServices } from './shared-services.ts';

const MODELS = 50;
const THREATS = 100;
const WARM_RUNS = 15;

async function start(env: Record<string, string>, dataDir: string): Promise<RunningServer> {
	const config = parseConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ROOMS_PER_MINUTE_PER_IP: '100000', ...env });
	return startServer({ config, log: createLogger('silent') });
}

async function post<T>(url: string, body: unknown): Promise<T> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

/**
 * Builds a system: 50 workshops created through the API, each board written through its room
 * (`through: 'rooms'`, committed as a client's edit is) or appended straight to the store.
 */
async function seed(server: RunningServer, through: 'rooms' | 'store'): Promise<string> {
	const system = await post<CreateSystemResponse>(`${server.url}/api/systems`, { name: 'Bench system' });
	const board = buildCoverageBoard({ elements: 20, threats: THREATS });
	const update = Y.encodeStateAsUpdate(board.doc);
	board.doc.destroy();
	const roomIds: string[] = [];
	for (let i = 0; i < MODELS; i++) {
		roomIds.push((await post<{ room: { roomId: string } }>(`${server.url}/api/systems/${system.systemId}/models`, { title: `Model ${i}` })).room.roomId);
	}
	// Joining computes each new workshop's (empty) figures.
	await server.figures.flush();
	for (const roomId of roomIds) {
		if (through === 'store') {
			await server.store.appendUpdates([{ roomId, docName: 'board', update }]);
			continue;
		}
		const room = await server.rooms.acquire((await server.store.getRoom(roomId))!);
		try {
			Y.applyUpdate(room.docs.board.doc, update, 'bench');
			await room.committed('board');
		} finally {
			server.rooms.release(roomId);
		}
	}
	// The figures computed where the boards changed (due 2 s after each room's commit; run now).
	await server.figures.flush();
	return system.systemId;
}

async function timeView(server: RunningServer, systemId: string): Promise<number> {
	const started = performance.now();
	const res = await fetch(`${server.url}/api/systems/${systemId}`);
	const view = (await res.json()) as SystemView;
	const ms = performance.now() - started;
	if (res.status !== 200 || view.models.length !== MODELS || view.models.some((m) => m.threatCount !== THREATS)) {
		throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(view).slice(0, 300)}`);
	}
	return ms;
}

/** Spaced out under the route's read limit (5 a second, bursts of 20). */
async function runs(server: RunningServer, systemId: string): Promise<{ medianMs: number; p95Ms: number }> {
	const samples: number[] = [];
	for (let i = 0; i < WARM_RUNS; i++) {
		samples.push(await timeView(server, systemId));
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	samples.sort((a, b) => a - b);
	const round = (ms: number) => Math.round(ms * 10) / 10;
	return { medianMs: round(samples[Math.floor(samples.length / 2)]), p95Ms: round(samples[Math.ceil(samples.length * 0.95) - 1]) };
}

async function measure(store: string, env: Record<string, string>) {
	const dataDir = tempDataDir('tb-bench-system-');
	let server = await start(env, dataDir);
	const systemId = await seed(server, 'rooms');
	const round = (ms: number) => Math.round(ms * 10) / 10;
	const firstMs = round(await timeView(server, systemId));
	const staleFirstMs = round(await timeView(server, await seed(server, 'store')));
	await server.close();
	// A fresh server over the same data: nothing loaded, nothing compiled.
	server = await start(env, dataDir);
	try {
		const coldMs = round(await timeView(server, systemId));
		const warm = await runs(server, systemId);
		// Every model's room loaded (as when their workshops are open): live documents instead of the store.
		const models = await server.store.systems.listModels(systemId);
		for (const m of models) await server.rooms.acquire((await server.store.getRoom(m.roomId))!);
		const loaded = await runs(server, systemId);
		for (const m of models) server.rooms.release(m.roomId);
		const computedOnRead = (await server.metrics.modelFiguresComputed.get()).values.find((v) => v.labels.when === 'on-read')?.value ?? 0;
		return { store, models: MODELS, threatsPerModel: THREATS, firstMs, staleFirstMs, coldMs, warmMs: warm, loadedMs: loaded, computedOnReadAfterRestart: computedOnRead };
	} finally {
		await server.close();
	}
}

// Closing an in-process server waits for the SQLite checkpointer's worker, which is unref'd: with
// nothing else pending the process would exit mid-close (code 13). A timer keeps it alive.
const alive = setInterval(() => undefined, 1_000);
const results = [await measure('sqlite', {})];
if (!process.argv.includes('--sqlite')) {
	const shared = await prepareSharedServices();
	try {
		results.push(await measure('postgres', { DATABASE_URL: shared.env.DATABASE_URL, DATABASE_SCHEMA: shared.env.DATABASE_SCHEMA }));
	} finally {
		await shared.cleanup();
	}
}
clearInterval(alive);
console.log(JSON.stringify({ bench: 'system-page', target: 'under 1000 ms', results }, null, 2));
