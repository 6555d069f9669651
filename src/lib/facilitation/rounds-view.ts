/**
 * What the screens show about the private rounds, as plain functions (unit-tested): the spread of
 * revealed estimation picks and a suggested agreed value, the threats to queue for estimation,
 * and "N of M" counts.
 */
import { WIDE_SPREAD } from '#shared/board/schema';

export interface Pick {
	likelihood: number;
	impact: number;
}

export interface AxisSpread {
	min: number;
	max: number;
	/** The middle pick, rounded half up (an even count has no middle pick; 2.5 suggests 3). */
	median: number;
}

export interface PickSpread {
	likelihood: AxisSpread;
	impact: AxisSpread;
	/** max - min >= WIDE_SPREAD on either axis: the picks disagree enough to talk about. */
	wide: boolean;
}

function axis(values: number[]): AxisSpread {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length / 2;
	const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
	return { min: sorted[0], max: sorted[sorted.length - 1], median: Math.round(median) };
}

/** The spread of revealed picks; undefined when there are none. */
export function spreadOfPicks(picks: readonly Pick[]): PickSpread | undefined {
	if (picks.length === 0) return undefined;
	const likelihood = axis(picks.map((p) => p.likelihood));
	const impact = axis(picks.map((p) => p.impact));
	return {
		likelihood,
		impact,
		wide: likelihood.max - likelihood.min >= WIDE_SPREAD || impact.max - impact.min >= WIDE_SPREAD
	};
}

/** "1–5", or "3" when everyone picked the same. */
export function rangeLabel(spread: AxisSpread): string {
	return spread.min === spread.max ? String(spread.min) : `${spread.min}–${spread.max}`;
}

/** Threats with votes, most votes first (ties by board order), at most `limit`. */
export function topVotedThreats(threatIds: readonly string[], votes: ReadonlyMap<string, number>, limit: number): string[] {
	return threatIds
		.map((id, index) => ({ id, index, votes: votes.get(id) ?? 0 }))
		.filter((t) => t.votes > 0)
		.sort((a, b) => b.votes - a.votes || a.index - b.index)
		.slice(0, limit)
		.map((t) => t.id);
}

/** "2 of 3 have picked"; "1 of 3 has picked". */
export function progressLabel(done: number, of: number, verb: { one: string; many: string }): string {
	return `${done} of ${of} ${done === 1 ? verb.one : verb.many}`;
}

/** The mean confidence of the poll's answers, or null when nobody answered. */
export function averageConfidence(answers: ReadonlyArray<{ confidence: number }>): number | null {
	if (answers.length === 0) return null;
	return answers.reduce((sum, a) => sum + a.confidence, 0) / answers.length;
}
