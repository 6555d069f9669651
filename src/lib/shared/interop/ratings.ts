/**
 * Severities, priorities, risk percentages and threat categories of the other tools, mapped onto
 * Threatboard's likelihood x impact (1-5 each) and STRIDE letters. docs/INTEROP.md documents the
 * tables.
 *
 * A single severity becomes a rating on the diagonal at the centre of the board's band of the
 * same name (risk.ts): Low 2x2 = 4, Medium 3x3 = 9, High 4x4 = 16, Critical 5x5 = 25. Exporting
 * maps a rating back through its band, so severities survive a round trip unchanged, and a threat
 * rated on the board exports as the band the board shows for it.
 */
import { riskBand, riskScore, type RiskBand } from '../board/risk.ts';
import { STRIDE, STRIDE_LETTERS, type Rating, type StrideLetter } from '../board/schema.ts';

export interface Ratings {
	likelihood: Rating | null;
	impact: Rating | null;
}

export const UNRATED: Ratings = { likelihood: null, impact: null };

const BAND_RATINGS = {
	low: { likelihood: 2, impact: 2 },
	medium: { likelihood: 3, impact: 3 },
	high: { likelihood: 4, impact: 4 },
	critical: { likelihood: 5, impact: 5 }
} as const satisfies Record<RiskBand, Ratings>;

/** The ratings a band imports as. */
export function ratingsForBand(band: RiskBand): Ratings {
	return BAND_RATINGS[band];
}

/** The band of a rated threat, or null when it is not rated. */
export function bandOf(threat: Ratings): RiskBand | null {
	const score = riskScore(threat.likelihood, threat.impact);
	return score === null ? null : riskBand(score);
}

/** A band named in another tool's words ("High", "critical", "MEDIUM"), or undefined. */
export function bandNamed(name: string): RiskBand | undefined {
	const key = name.trim().toLowerCase();
	return key === 'low' || key === 'medium' || key === 'high' || key === 'critical' ? key : undefined;
}

/**
 * A 0-100 likelihood or impact (Open Threat Model, IriusRisk) as a 1-5 rating: 1-20 is 1,
 * 21-40 is 2, ... 81-100 is 5; 0 counts as 1 (the lowest the board can say).
 */
export function ratingFromPercent(percent: number): Rating {
	return Math.min(5, Math.max(1, Math.ceil(percent / 20))) as Rating;
}

const STRIDE_BY_WORDS = new Map<string, StrideLetter>(
	STRIDE_LETTERS.flatMap((letter) => {
		const words = STRIDE[letter].toLowerCase().replace(/[^a-z]/g, '');
		// "Elevation of Privileges" (Microsoft's tool, OTM files) as well as "privilege".
		return [[words, letter], [`${words}s`, letter], [letter.toLowerCase(), letter]] as Array<[string, StrideLetter]>;
	})
);

/** The STRIDE letter a category name means ("Information disclosure", "Denial Of Service", "T"), or undefined. */
export function strideLetterNamed(name: string): StrideLetter | undefined {
	return STRIDE_BY_WORDS.get(name.toLowerCase().replace(/[^a-z]/g, ''));
}

/** Distinct letters in STRIDE order. */
export function sortStride(letters: Iterable<StrideLetter>): StrideLetter[] {
	const set = new Set(letters);
	return STRIDE_LETTERS.filter((letter) => set.has(letter));
}
