/**
 * Alternating rounds. This VM's speed drifts by up to 1.5x within minutes (the same server and
 * load used 2.97 s of CPU in one run and 4.96 s a few minutes later), and the servers of a
 * scenario run one after another, so one ours/reference pair can put the drift into the ratio.
 * A scenario with rounds runs its servers in turn several times (ours, reference, ours,
 * reference, ...) and reports the pair whose CPU ratio is the median, with every pair beside it.
 */
import { getPath } from './targets.ts';

const CPU = 'load.serverCpuSeconds';
const SUMMARY = ['latencyMs.p50', 'latencyMs.p99', CPU] as const;

export type RoundResults<K extends string> = Array<Partial<Record<K, object>>>;

/** The CPU ratio of a round: ours / reference, or ours alone when the round has no reference. */
function roundCpu(round: Partial<Record<string, object>>): number {
	const ours = getPath(round.ours, CPU);
	const reference = getPath(round.reference, CPU);
	if (typeof ours !== 'number') return Number.POSITIVE_INFINITY;
	return typeof reference === 'number' && reference > 0 ? ours / reference : ours;
}

/** The round to report (median CPU ratio; the lower of the middle two for an even count). */
export function medianRound<K extends string>(rounds: RoundResults<K>): Partial<Record<K, object>> {
	if (rounds.length === 0) throw new Error('no rounds');
	const sorted = [...rounds].sort((a, b) => roundCpu(a) - roundCpu(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Every round in brief (p50, p99, CPU per server, and the CPU ratio), in the order run. */
export function summarizeRounds<K extends string>(rounds: RoundResults<K>): object[] {
	return rounds.map((round) => {
		const brief: Record<string, unknown> = {};
		for (const [kind, result] of Object.entries(round) as Array<[string, object | undefined]>) {
			if (!result) continue;
			brief[kind] = Object.fromEntries(SUMMARY.map((metric) => [metric, getPath(result, metric) ?? null]));
		}
		const ratio = roundCpu(round);
		brief.cpuRatio = (round as Partial<Record<string, object>>).reference && Number.isFinite(ratio) ? Math.round(ratio * 1000) / 1000 : null;
		return brief;
	});
}
