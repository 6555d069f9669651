/**
 * Soak: many rooms under steady, realistic load for minutes, watching the server's memory.
 * Editors edit at a fixed rate and move their cursor (own awareness state); one client per room
 * keeps leaving and coming back (connection churn). The question is whether RSS levels off:
 * growth between the mark (20% into the run: minute 2 of 10) and the end.
 *
 * Latency is measured as in the edits scenario (markers in raw frames), reported overall and
 * per minute, so a slow degradation shows.
 */
import { SyncClient, closeAll, connectAll, dropsByCode, sleep } from '../clients.ts';
import { schedulePeriodic, startLoadWindow, waitUntil, type RunContext } from '../harness.ts';
import { readRssKB } from '../process-stats.ts';
import { percentile, round, summarize } from '../stats.ts';
import { encodeOwnAwareness } from '../wire.ts';
import { EditClient, EditTracker } from './edits.ts';

export interface SoakOptions {
	rooms: number;
	clientsPerRoom: number;
	/** Of clientsPerRoom, how many keep disconnecting and reconnecting instead of editing. */
	churnersPerRoom: number;
	minutes: number;
	editEverySeconds: number;
	cursorHz: number;
	/** How long a churning client stays connected before it leaves and comes back. */
	churnEverySeconds: number;
	rssSampleEverySeconds: number;
}

/** RSS growth is measured from this share of the run (minute 2 of 10). */
const MARK_SHARE = 0.2;
/** RSS at the mark and at the end: the mean of the samples in a window this long. */
const RSS_WINDOW_SECONDS = 30;

export async function runSoak(ctx: RunContext, opts: SoakOptions) {
	const { server } = ctx;
	const editorsPerRoom = opts.clientsPerRoom - opts.churnersPerRoom;
	const durationMs = opts.minutes * 60_000;
	const editors = opts.rooms * editorsPerRoom;
	const expectedEdits = Math.ceil((editors * durationMs) / (opts.editEverySeconds * 1000)) + editors;
	const tracker = new EditTracker(expectedEdits * (editorsPerRoom - 1));

	const roomIds: string[] = [];
	for (let r = 0; r < opts.rooms; r++) roomIds.push(await server.createRoom());
	ctx.progress(`connecting ${opts.rooms * opts.clientsPerRoom} clients in ${opts.rooms} rooms`);
	const editing = await connectAll(editors, (i) =>
		new EditClient(server.syncUrl(roomIds[Math.floor(i / editorsPerRoom)]), server.protocols, i, tracker)
	);
	const churnUrl = (i: number) => server.syncUrl(roomIds[i % opts.rooms]);
	const churning = await connectAll(opts.rooms * opts.churnersPerRoom, (i) => new SyncClient({ url: churnUrl(i), protocols: server.protocols }));

	ctx.progress(`soaking for ${opts.minutes} min`);
	const stopWindow = startLoadWindow(server);
	const startAt = performance.now() + 20;
	const endAt = startAt + durationMs;
	tracker.measureFrom = startAt;
	const rss: Array<[seconds: number, kb: number]> = [];
	// What the RSS is made of (V8 heap, and memory outside it: Yjs buffers, sockets, SQLite),
	// from the server's own /metrics, so growth can be traced to one of them.
	const heap: Array<[seconds: number, usedKB: number, totalKB: number, externalKB: number]> = [];
	const sampler = setInterval(() => {
		const seconds = round((performance.now() - startAt) / 1000, 1);
		rss.push([seconds, readRssKB(server.pid)]);
		void readHeapKB(server.baseUrl).then((h) => h && heap.push([seconds, h.used, h.total, h.external]));
		const minute = Math.floor((performance.now() - startAt) / 60_000);
		if (rss.length % Math.round(60 / opts.rssSampleEverySeconds) === 0) {
			const h = heap.at(-1);
			ctx.progress(`minute ${minute}: RSS ${rss.at(-1)![1]} KB` + (h ? `, heap ${h[1]}/${h[2]} KB, external ${h[3]} KB` : ''));
		}
	}, opts.rssSampleEverySeconds * 1000);

	let reconnects = 0;
	let churnFailures = 0;
	const churn = schedulePeriodic(startAt, 0, (opts.churnEverySeconds * 1000) / churning.length, endAt, () => {
		const i = reconnects++ % churning.length;
		churning[i].close();
		const fresh = new SyncClient({ url: churnUrl(i), protocols: server.protocols });
		fresh.opened.catch(() => churnFailures++);
		churning[i] = fresh;
	});
	const cursorClock = new Map<number, number>();
	const load = editing.map((client) =>
		Promise.all([
			schedulePeriodic(startAt, Math.random() * opts.editEverySeconds * 1000, opts.editEverySeconds * 1000, endAt, () =>
				client.edit(tracker, tracker.begin(client.index, editorsPerRoom - 1, true))
			),
			schedulePeriodic(startAt, Math.random() * (1000 / opts.cursorHz), 1000 / opts.cursorHz, endAt, (at) => {
				const clock = (cursorClock.get(client.index) ?? 0) + 1;
				cursorClock.set(client.index, clock);
				const json = JSON.stringify({ user: { name: `soak-${client.index}` }, cursor: { x: Math.round(at) % 1000, y: clock % 700 } });
				client.send(encodeOwnAwareness(client.doc.clientID, clock, json));
			})
		])
	);
	await Promise.all([...load, churn]);
	clearInterval(sampler);
	const settleWaitMs = await waitUntil(() => tracker.pendingMeasured() === 0, 10_000);
	const window = stopWindow();
	await sleep(100);

	// Per minute: p99 of "until every other client in the room had it", by send time.
	const perMinute: number[][] = [];
	for (let id = 0; id < tracker.sentAt.length; id++) {
		if (tracker.remaining[id] > 0 || Number.isNaN(tracker.sentAt[id])) continue;
		const minute = Math.floor((tracker.sentAt[id] - startAt) / 60_000);
		(perMinute[minute] ??= []).push(tracker.lastArrival[id] - tracker.sentAt[id]);
	}
	const meanRss = (from: number, to: number) => {
		const inWindow = rss.filter(([t]) => t >= from && t < to).map(([, kb]) => kb);
		return inWindow.length ? Math.round(inWindow.reduce((a, b) => a + b, 0) / inWindow.length) : NaN;
	};
	const total = durationMs / 1000;
	const markSeconds = total * MARK_SHARE;
	const windowSeconds = Math.min(RSS_WINDOW_SECONDS, total * 0.1);
	const rssAtMarkKB = meanRss(markSeconds, markSeconds + windowSeconds);
	const rssAtEndKB = meanRss(total - windowSeconds, total + 1);
	const drops = dropsByCode([...editing, ...churning]);
	closeAll([...editing, ...churning]);
	for (const client of editing) client.doc.destroy();

	return {
		clients: opts.rooms * opts.clientsPerRoom,
		rooms: opts.rooms,
		minutes: opts.minutes,
		load: window,
		edits: { sent: tracker.sentAt.length, undeliveredPairs: tracker.pendingMeasured(), duplicateDeliveries: tracker.duplicates },
		latencyMs: summarize(tracker.pairLatencies),
		untilAllHaveItP99MsPerMinute: perMinute.map((v) => round(percentile(Float64Array.from(v).sort(), 0.99))),
		churn: { reconnects, failures: churnFailures },
		rss: {
			markSeconds,
			rssAtMarkKB,
			rssAtEndKB,
			/** The soak target: growth from the mark to the end, in percent of the mark. */
			growthPct: round(((rssAtEndKB - rssAtMarkKB) / rssAtMarkKB) * 100, 2),
			everySampleKB: rss,
			/** [seconds, V8 heap used, V8 heap total, external] in KB, from /metrics. */
			heapSamplesKB: heap
		},
		settleWaitMs: round(settleWaitMs),
		droppedConnections: drops
	};
}

/** The server's V8 heap (used, total) and external memory, in KB; undefined when unreadable. */
async function readHeapKB(baseUrl: string): Promise<{ used: number; total: number; external: number } | undefined> {
	try {
		const text = await (await fetch(`${baseUrl}/metrics`)).text();
		const read = (name: string) => Math.round(Number(new RegExp(`^threatboard_${name} (\\S+)$`, 'm').exec(text)?.[1]) / 1024);
		const sample = { used: read('nodejs_heap_size_used_bytes'), total: read('nodejs_heap_size_total_bytes'), external: read('nodejs_external_memory_bytes') };
		return Object.values(sample).every(Number.isFinite) ? sample : undefined;
	} catch {
		return undefined;
	}
}
