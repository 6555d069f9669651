/**
 * Risk = likelihood x impact (1-25), shown as a four-step band. One rule for the board's badges,
 * the reports and the interchange formats' severities (src/lib/shared/interop/ratings.ts).
 */
export const RISK_BANDS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

export const RISK_BAND_LABELS: Record<RiskBand, string> = {
	low: 'Low',
	medium: 'Medium',
	high: 'High',
	critical: 'Critical'
};

/** Upper bound (inclusive) of each band's score: a common 5x5 matrix split. */
const BAND_LIMITS: ReadonlyArray<[number, RiskBand]> = [
	[4, 'low'],
	[9, 'medium'],
	[16, 'high'],
	[25, 'critical']
];

/** L x I, or null until both are rated. */
export function riskScore(likelihood: number | null, impact: number | null): number | null {
	return likelihood === null || impact === null ? null : likelihood * impact;
}

export function riskBand(score: number): RiskBand {
	for (const [limit, band] of BAND_LIMITS) if (score <= limit) return band;
	return 'critical';
}
