/** The bands live in shared code (the exports map severities onto them); the board adds colours. */
import type { RiskBand } from '#shared/board/risk';

export { RISK_BANDS, RISK_BAND_LABELS, riskBand, riskScore, type RiskBand } from '#shared/board/risk';

export const RATING_LABELS: Record<number, string> = {
	1: 'Very low',
	2: 'Low',
	3: 'Medium',
	4: 'High',
	5: 'Very high'
};

/** Band colours (text on background), each pair >= 4.5:1 for WCAG AA; see risk.test.ts. */
export const RISK_BAND_COLORS: Record<RiskBand, { text: string; background: string }> = {
	low: { text: '#14532d', background: '#bbf7d0' },
	medium: { text: '#713f12', background: '#fde68a' },
	high: { text: '#ffffff', background: '#c2410c' },
	critical: { text: '#ffffff', background: '#991b1b' }
};
