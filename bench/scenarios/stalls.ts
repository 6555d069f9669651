/**
 * Event-loop stalls in a large room (issue 17): a room holding `notes` notes is edited fast
 * enough to compact its log every few seconds (COMPACT_AFTER_UPDATES, default 1,000) while a
 * fresh joiner arrives every `joinEveryMs` (each needs the whole state, re-encoded once the
 * committed tail outgrows the cached snapshot), and the WAL is checkpointed as it grows. The
 * figure is the server's own event-loop delay histogram over the window (run.ts:
 * serverEventLoopDelay), beside the edits' fan-out latency and the joiners' first replies.
 */
import { SyncClient, closeAll, connectAll, dropsByCode, withTimeout } from '../clients.ts';
import { notesUpdate } from '../fixtures.ts';
import { readMetric, schedulePeriodic, startLoadWindow, waitUntil, type RunContext, type Timing } from '../harness.ts';
import type { BenchServer } from '../servers.ts';
import { round, summarize } from '../stats.ts';
import { encodeUpdate } from '../wire.ts';
import { EditClient, EditTracker } from './edits.ts';

export interface StallsOptions extends Timing {
	notes: number;
	editors: number;
	editsPerSecond: number;
	joinEveryMs: number;
}

const REPLY_TIMEOUT_MS = 30_000;

async function joinOnce(server: BenchServer, roomId: string): Promise<number> {
	const client = new SyncClient({ url: server.syncUrl(roomId), protocols: server.protocols });
	try {
		await withTimeout(client.opened.then(() => client.synced), REPLY_TIMEOUT_MS, 'joiner got no reply');
		return client.step2At - client.step1SentAt;
	} finally {
		client.close();
	}
}

export async function runStalls(ctx: RunContext, opts: StallsOptions) {
	const { server } = ctx;
	const roomId = await server.createRoom();
	const receivers = opts.editors - 1;
	const tracker = new EditTracker(1024);
	const editors = await connectAll(opts.editors, (i) => new EditClient(server.syncUrl(roomId), server.protocols, i, tracker));

	const seed = notesUpdate(opts.notes);
	ctx.progress(`seeding ${opts.notes} notes (${seed.length} bytes)`);
	const seedId = tracker.begin(0, receivers, false);
	editors[0].send(encodeUpdate(seed));
	editors[0].edit(tracker, seedId);
	await waitUntil(() => tracker.remaining[seedId] === 0, REPLY_TIMEOUT_MS);
	if (tracker.remaining[seedId] !== 0) throw new Error('the seeded room did not reach every editor');
	const compactionsBefore = await readMetric(server, 'threatboard_compactions_total');

	ctx.progress(`editing (${opts.editors} x ${opts.editsPerSecond}/s) with a joiner every ${opts.joinEveryMs} ms`);
	const stopWindow = startLoadWindow(server);
	const periodMs = 1000 / opts.editsPerSecond;
	const startAt = performance.now() + 20;
	const measureFrom = startAt + opts.warmupMs;
	tracker.measureFrom = measureFrom;
	const endAt = measureFrom + opts.durationMs;
	const joins: Array<Promise<number>> = [];
	await Promise.all([
		...editors.map((client) =>
			schedulePeriodic(startAt, Math.random() * periodMs, periodMs, endAt, (at) => {
				client.edit(tracker, tracker.begin(client.index, receivers, at >= measureFrom));
			})
		),
		schedulePeriodic(measureFrom, 0, opts.joinEveryMs, endAt, () => joins.push(joinOnce(server, roomId)))
	]);
	const joinMs = await Promise.all(joins);
	await waitUntil(() => tracker.pendingMeasured() === 0, opts.settleMs);
	const load = stopWindow();
	const compactionsAfter = await readMetric(server, 'threatboard_compactions_total');
	const drops = dropsByCode(editors);
	closeAll(editors);
	for (const client of editors) client.doc.destroy();

	return {
		notes: opts.notes,
		seedBytes: seed.length,
		editors: opts.editors,
		editsPerSecondPerEditor: opts.editsPerSecond,
		measuredSeconds: opts.durationMs / 1000,
		/** Ours only: log compactions during the window (threatboard_compactions_total). */
		compactions: compactionsBefore === null || compactionsAfter === null ? null : compactionsAfter - compactionsBefore,
		editLatencyMs: summarize(tracker.pairLatencies),
		undeliveredPairs: tracker.pendingMeasured(),
		joiners: { count: joinMs.length, firstReplyMs: summarize(joinMs) },
		worstPerSecondMs: Array.from(tracker.worstPerSecond, (v) => round(v ?? NaN, 1)),
		droppedConnections: drops,
		load
	};
}
