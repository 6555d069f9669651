/**
 * Rooms going idle together (a day's workshops ending at the same hour, a training's breakout
 * rooms): each is written out and compacted on eviction, while other rooms are still in use.
 * On SQLite and on PostgreSQL:
 *
 *   node --import tsx bench/eviction-wave.ts              # 400 idle rooms, both stores
 *   node --import tsx bench/eviction-wave.ts --rooms=1000 --sqlite
 *
 * The idle rooms each had one client that made 5 edits; the clients all leave at once, and the
 * rooms are evicted IDLE_EVICT_MS (1 s) later. Meanwhile 20 other rooms of 2 clients edit 10 times
 * a second each. Reported side by side: the same figures over the 3 s before the clients left
 * (the reference) and over the eviction wave (from the first eviction until the last room is
 * gone, at least 1 s): the server's event-loop delay (p99, max; 1 ms resolution) and the busy
 * rooms' delivery (p99, max). The server and the clients run in this process on a free loopback
 * port (the clients' own work counts in the event loop too, in both windows alike), its data in
 * a temporary directory or schema.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { connectClient, synced, type TestClient } from '../tests/helpers/clients.ts';
import { createRoom, startTestServer } from '../tests/helpers/server.ts';
import { readMetric } from './harness.ts';
import { prepareSharedServices } from './shared-services.ts';
import { percentile, round } from './stats.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const IDLE_ROOMS = Number(arg('rooms') ?? 400);
const BUSY_ROOMS = 20;
const BUSY_EDITS_PER_SECOND = 10;
const IDLE_EVICT_MS = 1_000;
const BEFORE_MS = 3_000;

interface Window {
	eventLoopP99Ms: number;
	eventLoopMaxMs: number;
	deliveries: number;
	deliveryP99Ms: number;
	deliveryMaxMs: number;
}

function start(env: Record<string, string>) {
	return startTestServer({
		LOG_LEVEL: 'silent',
		IDLE_EVICT_MS: String(IDLE_EVICT_MS),
		MAX_CONNECTIONS_PER_IP: '100000',
		MAX_HTTP_CONNECTIONS_PER_IP: '100000',
		...env
	});
}

/** Opens a window over the event loop and the busy rooms' deliveries; the function closes it. */
function openWindow(deliveries: number[]): () => Window {
	const histogram = monitorEventLoopDelay({ resolution: 1 });
	histogram.enable();
	const from = deliveries.length;
	return () => {
		histogram.disable();
		const taken = deliveries.slice(from).sort((a, b) => a - b);
		return {
			eventLoopP99Ms: round(Math.max(0, histogram.percentile(99) / 1e6 - 1)),
			eventLoopMaxMs: round(Math.max(0, histogram.max / 1e6 - 1)),
			deliveries: taken.length,
			deliveryP99Ms: round(percentile(taken, 0.99)),
			deliveryMaxMs: round(taken.at(-1) ?? 0)
		};
	};
}

async function measure(store: string, env: Record<string, string>) {
	const server = await start(env);
	const { wsUrl } = server;
	const clients: TestClient[] = [];
	try {
		// The busy rooms: one writer and one reader each; the reader times each edit's arrival.
		const deliveries: number[] = [];
		const writers: TestClient[] = [];
		for (let r = 0; r < BUSY_ROOMS; r++) {
			const { roomId } = await createRoom(server.url);
			const writer = connectClient(wsUrl, roomId);
			const reader = connectClient(wsUrl, roomId);
			reader.doc.getMap<number>('notes').observe((event) => {
				if (event.transaction.local || !event.keysChanged.has('sentAt')) return;
				deliveries.push(performance.now() - (reader.doc.getMap<number>('notes').get('sentAt') ?? 0));
			});
			writers.push(writer);
			clients.push(writer, reader);
		}
		// The rooms that go idle together.
		const idle: TestClient[] = [];
		for (let r = 0; r < IDLE_ROOMS; r++) idle.push(connectClient(wsUrl, (await createRoom(server.url)).roomId));
		clients.push(...idle);
		await Promise.all(clients.map(synced));
		for (const [i, client] of idle.entries()) for (let k = 0; k < 5; k++) client.doc.getMap('notes').set(`edit-${k}`, i);

		const editing = setInterval(() => {
			for (const writer of writers) writer.doc.getMap<number>('notes').set('sentAt', performance.now());
		}, 1000 / BUSY_EDITS_PER_SECOND);
		try {
			await new Promise((resolve) => setTimeout(resolve, 1_000)); // warm-up, and the idle rooms' edits settle
			const closeBefore = openWindow(deliveries);
			await new Promise((resolve) => setTimeout(resolve, BEFORE_MS));
			const before = closeBefore();

			for (const client of idle) client.destroy();
			const left = performance.now();
			// The wave: from the first eviction to the last, and at least a second.
			const total = BUSY_ROOMS + IDLE_ROOMS;
			await new Promise((resolve) => setTimeout(resolve, IDLE_EVICT_MS - 100));
			const closeWave = openWindow(deliveries);
			let loaded = total;
			const waveStart = performance.now();
			while (loaded > BUSY_ROOMS || performance.now() - waveStart < 1_000) {
				await new Promise((resolve) => setTimeout(resolve, 50));
				loaded = (await readMetric({ baseUrl: server.url }, 'threatboard_rooms_loaded')) ?? total;
				if (performance.now() - left > 60_000) throw new Error(`${loaded - BUSY_ROOMS} idle rooms still loaded after 60 s`);
			}
			const wave = closeWave();
			return { store, idleRooms: IDLE_ROOMS, busyRooms: BUSY_ROOMS, evictedAfterMs: Math.round(performance.now() - left), before, wave };
		} finally {
			clearInterval(editing);
		}
	} finally {
		for (const client of clients) client.destroy();
		await server.close();
	}
}

const results = [await measure('sqlite', {})];
if (!process.argv.includes('--sqlite')) {
	const shared = await prepareSharedServices({ redis: false });
	try {
		results.push(await measure('postgres', { DATABASE_URL: shared.env.DATABASE_URL, DATABASE_SCHEMA: shared.env.DATABASE_SCHEMA }));
	} finally {
		await shared.cleanup();
	}
}
console.log(JSON.stringify(results, null, 2));
console.log('\n| store | window | event loop p99 | event loop max | busy rooms: deliveries | p99 | max |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
	for (const [name, w] of [['3 s before (reference)', r.before], [`eviction of ${r.idleRooms} rooms`, r.wave]] as const) {
		console.log(`| ${r.store} | ${name} | ${w.eventLoopP99Ms} ms | ${w.eventLoopMaxMs} ms | ${w.deliveries} | ${w.deliveryP99Ms} ms | ${w.deliveryMaxMs} ms |`);
	}
}
process.exit(0);
