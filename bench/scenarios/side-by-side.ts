/**
 * edits-100x5-side-by-side: issue 17's parity load (100 rooms x 5 clients, 1 edit/s each) on our
 * server and on the stock server at the same time, both pinned to the server core, each with its
 * own clients from the one load generator.
 *
 * Why: the CPU ratio of two runs one after the other carries the machine's drift. On this VM the
 * same server and load used 2.97 s of CPU in one run and 4.96 s a few minutes later, and six
 * alternating pairs of edits-100x5 on one evening gave ratios from 1.03 to 1.98. Run at the same
 * time on one core, both servers meet the same machine, so their CPU ratio does not drift with
 * it. Their latencies are not the standalone figures (each waits for the core behind the other),
 * so they are reported, not held to a target.
 */
import type { RunContext, Timing } from '../harness.ts';
import { round } from '../stats.ts';
import { ratios } from '../targets.ts';
import { runEditFanout } from './edits.ts';
import type { Scenario } from './index.ts';

const ROOMS = 100;
const CLIENTS_PER_ROOM = 5;

export function sideBySideScenario(timing: (ctx: RunContext) => Timing): Scenario {
	return {
		name: `edits-${ROOMS}x${CLIENTS_PER_ROOM}-side-by-side`,
		description: `edit fan-out at ${ROOMS} rooms x ${CLIENTS_PER_ROOM} clients, 1 edit/s each, on ours and the stock server at once (both on the server core): the CPU ratio under the same machine`,
		oursOnly: true,
		run: async (ctx) => {
			const stockServer = await ctx.startReference();
			const opts = { ...timing(ctx), rooms: ROOMS, clientsPerRoom: CLIENTS_PER_ROOM, editsPerSecond: 1 };
			const [ours, stock] = await Promise.all([
				runEditFanout({ ...ctx, progress: (m) => ctx.progress(`ours: ${m}`) }, opts),
				runEditFanout({ ...ctx, server: stockServer, progress: (m) => ctx.progress(`stock: ${m}`) }, opts)
			]);
			return {
				ours,
				stock,
				// The window as the bench's disturbance check reads it: the stock server is part of
				// the run, not other work on the machine.
				load: { ...ours.load, otherCpuCores: round(Math.max(0, ours.load.otherCpuCores - stock.load.serverCpuCores)) },
				/** Ours / stock over the same window. */
				ratio: ratios(['load.serverCpuSeconds', 'latencyMs.p50', 'latencyMs.p99'], ours, stock)
			};
		},
		ratioOf: []
	};
}
