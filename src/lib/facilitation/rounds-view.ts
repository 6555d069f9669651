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

/** A note in the results of a voting round. */
export interface RankedNote {
	noteId: string;
	dots: number;
	/** 1 for the most dots; equal dots share a rank (1, 2, 2, 4). */
	rank: number;
}

/** Notes with dots, most first (ties by board order), at most `limit`. */
export function rankByDots(noteIds: readonly string[], dots: ReadonlyMap<string, number>, limit = Infinity): RankedNote[] {
	const ranked = noteIds
		.map((noteId, index) => ({ noteId, index, dots: dots.get(noteId) ?? 0 }))
		.filter((n) => n.dots > 0)
		.sort((a, b) => b.dots - a.dots || a.index - b.index)
		.slice(0, limit);
	return ranked.map(({ noteId, dots: count }) => ({ noteId, dots: count, rank: ranked.findIndex((other) => other.dots === count) + 1 }));
}

/** Threats with votes, most votes first (ties by board order), at most `limit`. */
export function topVotedThreats(threatIds: readonly string[], votes: ReadonlyMap<string, number>, limit: number): string[] {
	return rankByDots(threatIds, votes, limit).map((n) => n.noteId);
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
