/** The scenario table: name, what it measures, how to run it in full and quick mode, and ratios. */
import type { RunContext, Timing } from '../harness.ts';
import type { Rounds } from '../rounds.ts';
import { scaleOutScenarios } from './scale-out.ts';
import { sideBySideScenario } from './side-by-side.ts';
import { runCoverage } from './coverage.ts';
import { runCursors } from './cursors.ts';
import { runEditFanout } from './edits.ts';
import { runIdle } from './idle.ts';
import { runLateJoin } from './late-join.ts';
import { SERVER_PERF_SCENARIOS } from './server-perf.ts';
import { runSoak } from './soak.ts';

export interface Scenario {
	name: string;
	description: string;
	run(ctx: RunContext): Promise<object>;
	/** Metrics compared as ours / reference (lower is better for every one of them). */
	ratioOf: string[];
	/** Only our server can run it (several instances, long soak). */
	oursOnly?: boolean;
	/**
	 * Instances share PostgreSQL and Redis (a schema and channel prefix of the run's own); true is
	 * 'postgres+redis', 'postgres' is the store alone.
	 */
	sharedServices?: boolean | 'postgres' | 'postgres+redis';
	/** Environment of our server and its peers for this scenario (settings only a scenario needs). */
	serverEnv?: Record<string, string>;
	/**
	 * Full mode runs the servers in turn this many times and reports the round whose measure is
	 * the median (bench/rounds.ts): for figures that are targets and that the machine's drift moves.
	 */
	rounds?: Rounds;
	/** Runs only when asked for with --only. */
	onlyOnRequest?: boolean;
	/**
	 * Measures code in this process instead of a server: returns ours and the reference from one
	 * run (no server is started for it, or built when only such scenarios run).
	 */
	local?: (options: { quick: boolean; progress(message: string): void }) => Promise<{ ours: object; reference: object }>;
}

const FULL: Timing = { warmupMs: 2_000, durationMs: 15_000, settleMs: 5_000 };
const QUICK: Timing = { warmupMs: 200, durationMs: 1_500, settleMs: 1_000 };
const timing = (ctx: RunContext, settleMs?: number): Timing => {
	const mode = ctx.quick ? QUICK : FULL;
	const base = ctx.durationMs ? { ...mode, durationMs: ctx.durationMs } : mode;
	return settleMs === undefined ? base : { ...base, settleMs: ctx.quick ? Math.min(settleMs, QUICK.settleMs * 2) : settleMs };
};

const EDIT_RATIOS = ['latencyMs.p50', 'latencyMs.p95', 'latencyMs.p99', 'latencyMs.max', 'untilAllHaveItMs.p99', 'load.serverCpuSeconds', 'server.rssPeakKB'];
const CURSOR_RATIOS = [
	'latencyMs.p50',
	'latencyMs.p95',
	'latencyMs.p99',
	'latencyMs.max',
	'received.messagesPerClientPerSecond',
	'received.bytesPerClientPerSecond',
	'load.serverCpuSeconds',
	'server.rssPeakKB'
];
const LATE_JOIN_RATIOS = [
	'firstReplyMs.median',
	'firstReplyMs.p95',
	'firstReplyCachedMs.median',
	'crowd.firstReplyMs.p50',
	'crowd.firstReplyMs.p95',
	'crowd.firstReplyMs.max',
	'server.rssPeakKB'
];

function edits(rooms: number, clientsPerRoom: number): Scenario {
	const name = rooms === 1 ? `edits-${clientsPerRoom}` : `edits-${rooms}x${clientsPerRoom}`;
	return {
		name,
		description: `edit fan-out: ${rooms} room(s) x ${clientsPerRoom} clients, each editing 1/s (start staggered over the first second)`,
		run: (ctx) => runEditFanout(ctx, { ...timing(ctx), rooms, clientsPerRoom, editsPerSecond: 1 }),
		ratioOf: EDIT_RATIOS
	};
}

/** Clients alternate between two instances sharing PostgreSQL and Redis. */
function twoInstances(clientsPerRoom: number): Scenario {
	return {
		name: `two-instance-${clientsPerRoom}`,
		description: `edit fan-out across two instances sharing PostgreSQL and Redis: 1 room x ${clientsPerRoom} clients, alternating between the instances, each editing 1/s`,
		oursOnly: true,
		sharedServices: true,
		run: async (ctx) => {
			const peer = await ctx.startPeer();
			return runEditFanout(ctx, { ...timing(ctx), rooms: 1, clientsPerRoom, editsPerSecond: 1, servers: [ctx.server, peer] });
		},
		ratioOf: []
	};
}

function cursors(clients: number): Scenario {
	return {
		name: `cursors-${clients}`,
		description: `cursors: ${clients} clients in one room, each sending its own awareness state at 20 Hz; 10 probe receivers`,
		run: (ctx) => runCursors(ctx, { ...timing(ctx, 10_000), clients, hz: 20, probes: 10 }),
		ratioOf: CURSOR_RATIOS
	};
}

function lateJoin(notes: number): Scenario {
	return {
		name: `late-join-${notes}`,
		description: `late join into a room holding ${notes} notes: single joiners, then 20 joiners at once`,
		run: (ctx) =>
			runLateJoin(ctx, { notes, repeats: ctx.quick ? 3 : 10, crowd: 20, crowdRounds: ctx.quick ? 1 : 3 }),
		ratioOf: LATE_JOIN_RATIOS
	};
}

export const SCENARIOS: Scenario[] = [
	edits(1, 10),
	edits(1, 50),
	edits(1, 200),
	// Issue 17's parity targets (p50, p99 and CPU no worse than the stock server) are ratios.
	{ ...edits(100, 5), rounds: { count: 3, by: 'load.serverCpuSeconds', relative: true } },
	edits(200, 5),
	twoInstances(50),
	cursors(50),
	cursors(200),
	lateJoin(1_000),
	lateJoin(10_000),
	...SERVER_PERF_SCENARIOS,
	{
		name: 'idle-1000',
		description: '1,000 synced idle connections (200 rooms x 5): server RSS above the same server with one room loaded',
		run: (ctx) =>
			runIdle(ctx, { rooms: 200, perRoom: 5, baselineSettleMs: ctx.quick ? 1_000 : 10_000, settleMs: ctx.quick ? 500 : 5_000 }),
		ratioOf: ['kbPerConnection', 'server.rssPeakKB']
	},
	{
		name: 'coverage-300x1000',
		description:
			'coverage map (issue 13): a 300-element, 1,000-threat board in memory, edited 5 ways in turn (STRIDE letter, link, rating, shape moved, a character typed); per edit until the recomputed coverage is in hand. ours: the live tracker; reference: a full recompute from the document',
		run: () => Promise.reject(new Error('coverage-300x1000 runs in process (local)')),
		local: ({ quick, progress }) =>
			runCoverage({ elements: 300, threats: 1_000, edits: quick ? 100 : 500, warmup: quick ? 20 : 50, quietWaitMs: quick ? 0 : 10_000, progress }),
		ratioOf: ['afterEditMs.p50', 'afterEditMs.p95', 'afterEditMs.max']
	},
	{
		name: 'soak',
		description:
			'soak: 500 clients over 50 rooms (9 per room editing every 2 s with cursors at 2 Hz, 1 per room reconnecting every 30 s) for --soak-minutes (default 10); RSS every 5 s. --quick: 10 rooms, 1 minute',
		oursOnly: true,
		onlyOnRequest: true,
		run: (ctx) =>
			runSoak(ctx, {
				rooms: ctx.quick ? 10 : 50,
				clientsPerRoom: 10,
				churnersPerRoom: 1,
				minutes: ctx.soakMinutes ?? (ctx.quick ? 1 : 10),
				editEverySeconds: 2,
				cursorHz: 2,
				churnEverySeconds: 30,
				rssSampleEverySeconds: 5
			}),
		ratioOf: []
	},
	...scaleOutScenarios(timing),
	sideBySideScenario(timing)
];
