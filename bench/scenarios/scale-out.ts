/**
 * Issue 17's scale-out scenarios, ours only, each on a fresh PostgreSQL schema (and Redis channel
 * prefix) of its own:
 * - edits-100x5-postgres: edits-100x5 on one instance storing in PostgreSQL instead of SQLite
 *   (no Redis: one instance needs no fan-out); compared with edits-100x5 on SQLite in the same
 *   bench run (comparisons.ts);
 * - edits-100x5-three-instances: the same load twice in one run, first on one instance with
 *   DATABASE_URL and REDIS_URL, then spread over three such instances (client i of a room on
 *   instance i % 3, so every room spans all three and most deliveries cross instances). Each
 *   instance's CPU is reported.
 */
import type { RunContext, Timing } from '../harness.ts';
import { readCpuSeconds } from '../process-stats.ts';
import type { BenchServer } from '../servers.ts';
import { round } from '../stats.ts';
import { runEditFanout } from './edits.ts';
import type { Scenario } from './index.ts';

const ROOMS = 100;
const CLIENTS_PER_ROOM = 5;
const INSTANCES = 3;

/** Runs the edit load over `servers` and adds each instance's CPU over the run (connects included). */
async function editsWithCpu(ctx: RunContext, timing: Timing, servers: BenchServer[]) {
	const cpuBefore = servers.map((s) => readCpuSeconds(s.pid));
	const wallStart = performance.now();
	const result = await runEditFanout(ctx, { ...timing, rooms: ROOMS, clientsPerRoom: CLIENTS_PER_ROOM, editsPerSecond: 1, servers });
	const wall = (performance.now() - wallStart) / 1000;
	const cpuSeconds = servers.map((s, i) => round(readCpuSeconds(s.pid) - cpuBefore[i]));
	const total = cpuSeconds.reduce((a, b) => a + b, 0);
	return {
		...result,
		/** Per instance, over the whole run of the load (connecting, warm-up, measuring, settling). */
		instancesCpu: { seconds: cpuSeconds, totalSeconds: round(total), totalCores: round(total / wall), wallSeconds: round(wall) }
	};
}

export function scaleOutScenarios(timing: (ctx: RunContext) => Timing): Scenario[] {
	return [
		{
			name: `edits-${ROOMS}x${CLIENTS_PER_ROOM}-postgres`,
			description: `edit fan-out on one instance storing in PostgreSQL (DATABASE_URL, a fresh schema): ${ROOMS} rooms x ${CLIENTS_PER_ROOM} clients, each editing 1/s`,
			oursOnly: true,
			sharedServices: 'postgres',
			run: (ctx) => runEditFanout(ctx, { ...timing(ctx), rooms: ROOMS, clientsPerRoom: CLIENTS_PER_ROOM, editsPerSecond: 1 }),
			ratioOf: []
		},
		{
			name: `edits-${ROOMS}x${CLIENTS_PER_ROOM}-three-instances`,
			description: `edit fan-out at ${ROOMS} rooms x ${CLIENTS_PER_ROOM} clients, 1 edit/s each, with DATABASE_URL and REDIS_URL: first on one instance (singleInstance), then spread over ${INSTANCES} instances (threeInstances: each room's clients on all of them)`,
			oursOnly: true,
			sharedServices: 'postgres+redis',
			run: async (ctx) => {
				ctx.progress('one instance first');
				const singleInstance = await editsWithCpu(ctx, timing(ctx), [ctx.server]);
				const peers: BenchServer[] = [];
				for (let i = 1; i < INSTANCES; i++) peers.push(await ctx.startPeer());
				ctx.progress(`then ${INSTANCES} instances`);
				const threeInstances = await editsWithCpu(ctx, timing(ctx), [ctx.server, ...peers]);
				const p99 = (r: { latencyMs: { p99: number } | null }) => r.latencyMs?.p99 ?? NaN;
				return {
					singleInstance,
					threeInstances,
					/** Issue 17's target: fan-out p99 across instances <= 2x the single instance's. */
					fanOutP99Ms: {
						singleInstance: p99(singleInstance),
						threeInstances: p99(threeInstances),
						crossInstanceOnly: threeInstances.crossInstanceLatencyMs?.p99 ?? null,
						ratio: round(p99(threeInstances) / p99(singleInstance), 3)
					}
				};
			},
			ratioOf: []
		}
	];
}
