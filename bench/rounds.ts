/**
 * Alternating rounds. This VM's speed drifts by up to 1.5x within minutes (the same server and
 * load used 2.97 s of CPU in one run and 4.96 s a few minutes later; the 10,000-note stall's
 * maximum was 12-19 ms in three runs one hour and 23-74 ms the next), and the servers of a
 * scenario run one after another, so one run can put the drift into a ratio or an extreme.
 * A scenario with rounds runs its servers in turn several times (ours, reference, ours,
 * reference, ...) and reports the round whose measure is the median, with every round beside it.
 */
import { round } from './stats.ts';
import { getPath } from './targets.ts';

export interface Rounds {
	count: number;
	/** Dotted path of the metric that orders the rounds. */
	by: string;
	/** Order by ours / reference of that metric (the round's pair), else by ours alone. */
	relative?: boolean;
}

const SUMMARY = ['latencyMs.p50', 'latencyMs.p99', 'load.serverCpuSeconds', 'serverEventLoopDelay.maxMs'];

export type RoundResults<K extends string> = Array<Partial<Record<K, object>>>;

/** What orders a round: ours / reference of the metric when relative (ours alone without a reference). */
function measure(round: Partial<Record<string, object>>, rounds: Rounds): number {
	const ours = getPath(round.ours, rounds.by);
	const reference = getPath(round.reference, rounds.by);
	if (typeof ours !== 'number') return Number.POSITIVE_INFINITY;
	return rounds.relative && typeof reference === 'number' && reference > 0 ? ours / reference : ours;
}

/** The round to report: its measure is the median (the lower of the middle two for an even count). */
export function medianRound<K extends string>(results: RoundResults<K>, rounds: Rounds): Partial<Record<K, object>> {
	if (results.length === 0) throw new Error('no rounds');
	const sorted = [...results].sort((a, b) => measure(a, rounds) - measure(b, rounds));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Every round in brief (the usual figures of each server that has them, and the round's measure), in the order run. */
export function summarizeRounds<K extends string>(results: RoundResults<K>, rounds: Rounds): object[] {
	const metrics = SUMMARY.includes(rounds.by) ? SUMMARY : [...SUMMARY, rounds.by];
	return results.map((pair) => {
		const brief: Record<string, unknown> = {};
		for (const [kind, result] of Object.entries(pair) as Array<[string, object | undefined]>) {
			if (!result) continue;
			const figures: Record<string, number> = {};
			for (const metric of metrics) {
				const value = getPath(result, metric);
				if (value !== undefined) figures[metric] = value;
			}
			brief[kind] = figures;
		}
		const value = measure(pair, rounds);
		brief.measure = Number.isFinite(value) ? round(value, 3) : null;
		return brief;
	});
}
