/**
 * Idle connections: the server's RSS with N synced, silent connections (rooms x per room), above
 * its RSS when freshly started with one room loaded (one synced client).
 *
 * All rooms are created (through the API) before the baseline, so that the garbage of creating
 * them is not counted as connection memory; the baseline waits long enough for V8's memory
 * reducer to run after start-up (seen at ~8 s), otherwise start-up garbage is counted instead.
 * Every reading follows two forced full GCs in the server (bench/memory-probe.mjs, preloaded
 * into every server alike) and each figure is the median of several readings: without them
 * the figure swung with when V8 last collected (16.5-28 KB per connection for one build).
 *
 * The young generation is empty after a full GC, but its pages stay resident: V8 grows it
 * (up to 2 x 16 MB) when many objects survive scavenges, as they do while a thousand clients
 * connect. That growth is a one-time sizing decision, not memory held per connection, so it is
 * reported apart (`youngGenerationKB`, `kbPerConnectionOutsideYoungGeneration`) beside the
 * plain RSS figure (`kbPerConnection`) and the JS heap the connections keep (`heapUsedKbPerConnection`).
 */
import { SyncClient, closeAll, connectAll, dropsByCode, sleep, withTimeout } from '../clients.ts';
import { startLoadWindow, type RunContext } from '../harness.ts';
import { steadyServerMemory, type SteadyMemory } from '../memory.ts';
import { round } from '../stats.ts';

export interface IdleOptions {
	rooms: number;
	perRoom: number;
	/** Quiet time before the baseline RSS reading. */
	baselineSettleMs: number;
	/** Quiet time after connecting, before the loaded RSS reading. */
	settleMs: number;
}

const MEMORY_READINGS = 5;
const MEMORY_READING_EVERY_MS = 200;

/** The young generation's resident pages (empty after the forced GC). */
const youngKB = (m: SteadyMemory) => m.spaces?.new_space?.committedKB ?? 0;

export async function runIdle(ctx: RunContext, opts: IdleOptions) {
	const { server } = ctx;
	const total = opts.rooms * opts.perRoom;
	const roomIds: string[] = [];
	for (let r = 0; r < opts.rooms; r++) roomIds.push(await server.createRoom());
	const first = new SyncClient({ url: server.syncUrl(roomIds[0]), protocols: server.protocols });
	await withTimeout(first.opened.then(() => first.synced), 15_000, 'first client did not sync');
	ctx.progress(`baseline: one room loaded, waiting ${opts.baselineSettleMs / 1000} s`);
	await sleep(opts.baselineSettleMs);
	const baseline = await steadyServerMemory(server.pid, server.memoryFile, MEMORY_READINGS, MEMORY_READING_EVERY_MS);

	ctx.progress(`connecting ${total - 1} more clients in ${opts.rooms} rooms`);
	const stopWindow = startLoadWindow(server);
	const connectStarted = performance.now();
	// Client i joins room floor(i / perRoom); client 0 (already connected) is `first`.
	const others = await connectAll(total - 1, (i) =>
		new SyncClient({ url: server.syncUrl(roomIds[Math.floor((i + 1) / opts.perRoom)]), protocols: server.protocols })
	);
	const connectSeconds = (performance.now() - connectStarted) / 1000;
	await sleep(opts.settleMs);
	const loaded = await steadyServerMemory(server.pid, server.memoryFile, MEMORY_READINGS, MEMORY_READING_EVERY_MS);
	const load = stopWindow();
	const clients = [first, ...others];
	const drops = dropsByCode(clients);
	closeAll(clients);

	const perConnection = (kb: number) => round(kb / (total - 1), 1);
	return {
		connections: total,
		rooms: opts.rooms,
		baselineRssKB: baseline.rssKB,
		loadedRssKB: loaded.rssKB,
		kbPerConnection: perConnection(loaded.rssKB - baseline.rssKB),
		kbPerConnectionOutsideYoungGeneration: perConnection(loaded.rssKB - youngKB(loaded) - (baseline.rssKB - youngKB(baseline))),
		heapUsedKbPerConnection: perConnection(loaded.heapUsedKB - baseline.heapUsedKB),
		youngGenerationKB: { baseline: youngKB(baseline), loaded: youngKB(loaded) },
		rssEveryReadingKB: { baseline: baseline.rssEveryReadingKB, loaded: loaded.rssEveryReadingKB },
		connectSeconds: round(connectSeconds),
		droppedConnections: drops,
		load
	};
}
