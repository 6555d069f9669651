/**
 * Idle connections: the server's RSS with N synced, silent connections (rooms x per room), above
 * its RSS when freshly started with one room loaded (one synced client).
 *
 * All rooms are created (through the API) before the baseline, so that the garbage of creating
 * them is not counted as connection memory; the baseline waits long enough for V8's memory
 * reducer to run after start-up (seen at ~8 s), otherwise start-up garbage is counted instead.
 */
import { SyncClient, closeAll, connectAll, dropsByCode, sleep, withTimeout } from '../clients.ts';
import { startLoadWindow, type RunContext } from '../harness.ts';
import { readRssKB } from '../process-stats.ts';
import { round } from '../stats.ts';

export interface IdleOptions {
	rooms: number;
	perRoom: number;
	/** Quiet time before the baseline RSS reading. */
	baselineSettleMs: number;
	/** Quiet time after connecting, before the loaded RSS reading. */
	settleMs: number;
}

const RSS_SAMPLES = 10;
const RSS_SAMPLE_EVERY_MS = 100;

async function steadyRssKB(pid: number): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < RSS_SAMPLES; i++) {
		samples.push(readRssKB(pid));
		await sleep(RSS_SAMPLE_EVERY_MS);
	}
	return Math.round(samples.reduce((a, b) => a + b, 0) / samples.length);
}

export async function runIdle(ctx: RunContext, opts: IdleOptions) {
	const { server } = ctx;
	const total = opts.rooms * opts.perRoom;
	const roomIds: string[] = [];
	for (let r = 0; r < opts.rooms; r++) roomIds.push(await server.createRoom());
	const first = new SyncClient({ url: server.syncUrl(roomIds[0]), protocols: server.protocols });
	await withTimeout(first.opened.then(() => first.synced), 15_000, 'first client did not sync');
	ctx.progress(`baseline: one room loaded, waiting ${opts.baselineSettleMs / 1000} s`);
	await sleep(opts.baselineSettleMs);
	const baselineKB = await steadyRssKB(server.pid);

	ctx.progress(`connecting ${total - 1} more clients in ${opts.rooms} rooms`);
	const stopWindow = startLoadWindow(server);
	const connectStarted = performance.now();
	// Client i joins room floor(i / perRoom); client 0 (already connected) is `first`.
	const others = await connectAll(total - 1, (i) =>
		new SyncClient({ url: server.syncUrl(roomIds[Math.floor((i + 1) / opts.perRoom)]), protocols: server.protocols })
	);
	const connectSeconds = (performance.now() - connectStarted) / 1000;
	await sleep(opts.settleMs);
	const loadedKB = await steadyRssKB(server.pid);
	const load = stopWindow();
	const clients = [first, ...others];
	const drops = dropsByCode(clients);
	closeAll(clients);

	return {
		connections: total,
		rooms: opts.rooms,
		baselineRssKB: baselineKB,
		loadedRssKB: loadedKB,
		kbPerConnection: round((loadedKB - baselineKB) / (total - 1), 1),
		connectSeconds: round(connectSeconds),
		droppedConnections: drops,
		load
	};
}
