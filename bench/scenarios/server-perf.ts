/**
 * Issue 17's server scenarios: many small rooms (1,000 x 5, every room verified afterwards),
 * stalls in a 10,000-note room, and 1,000 idle connections in a single room.
 */
import type { RunContext, Timing } from '../harness.ts';
import { runEditFanout } from './edits.ts';
import { runIdle } from './idle.ts';
import type { Scenario } from './index.ts';
import { runStalls } from './stalls.ts';

const FULL: Timing = { warmupMs: 5_000, durationMs: 20_000, settleMs: 10_000 };
const QUICK: Timing = { warmupMs: 1_000, durationMs: 5_000, settleMs: 5_000 };
const timing = (ctx: RunContext): Timing => {
	const mode = ctx.quick ? QUICK : FULL;
	return ctx.durationMs ? { ...mode, durationMs: ctx.durationMs } : mode;
};

export const SERVER_PERF_SCENARIOS: Scenario[] = [
	{
		name: 'edits-1000x5',
		description:
			'edit fan-out: 1,000 rooms x 5 clients (5,000 connections), each editing once every 5 s; afterwards a fresh client checks that every room holds each editor\'s last edit',
		run: (ctx) => runEditFanout(ctx, { ...timing(ctx), rooms: 1_000, clientsPerRoom: 5, editsPerSecond: 0.2, verify: true }),
		ratioOf: ['latencyMs.p50', 'latencyMs.p99', 'latencyMs.max', 'load.serverCpuSeconds', 'server.rssPeakKB', 'serverEventLoopDelay.p99Ms']
	},
	{
		name: 'stalls-10000',
		description:
			'a 10,000-note room: 10 editors at 25 edits/s each (the log compacts every few seconds) and a fresh joiner every 500 ms; the server\'s event-loop delay over the window',
		run: (ctx) => runStalls(ctx, { ...timing(ctx), notes: 10_000, editors: 10, editsPerSecond: 25, joinEveryMs: 500 }),
		ratioOf: ['serverEventLoopDelay.p99Ms', 'serverEventLoopDelay.maxMs', 'editLatencyMs.p99', 'joiners.firstReplyMs.p50'],
		// A maximum is one event of the run: 12-19 ms in three runs, 23-74 ms in runs of the same
		// code an hour later. The median of three says more than any one of them.
		rounds: { count: 3, by: 'serverEventLoopDelay.maxMs' }
	},
	{
		name: 'idle-1room-1000',
		description: '1,000 synced idle connections in one room: server RSS above the same server with that room loaded and one client',
		run: (ctx) => runIdle(ctx, { rooms: 1, perRoom: 1_000, baselineSettleMs: ctx.quick ? 1_000 : 10_000, settleMs: ctx.quick ? 500 : 5_000 }),
		ratioOf: ['kbPerConnection', 'kbPerConnectionOutsideYoungGeneration', 'heapUsedKbPerConnection', 'server.rssPeakKB']
	}
];
