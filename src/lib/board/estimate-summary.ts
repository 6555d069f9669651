/**
 * How a threat card tells a recorded estimate: the agreed values, the spread of the picks behind
 * them and how many people picked. Pure, so that the wording is tested once.
 */
import type { RiskEstimate } from '#shared/board/schema';

export interface EstimateSummary {
	likelihood: number;
	impact: number;
	/** "picks L 1–5, I 2–4 from 3 people" */
	spread: string;
	wide: boolean;
	/** Every pick by name, for the tooltip. */
	detail: string;
}

function range(values: number[]): string {
	const min = Math.min(...values);
	const max = Math.max(...values);
	return min === max ? String(min) : `${min}–${max}`;
}

export function estimateSummary(estimate: RiskEstimate): EstimateSummary {
	const { picks } = estimate;
	const people = `${picks.length} ${picks.length === 1 ? 'person' : 'people'}`;
	const spread =
		picks.length === 0
			? 'no picks'
			: `picks L ${range(picks.map((p) => p.likelihood))}, I ${range(picks.map((p) => p.impact))} from ${people}`;
	return {
		likelihood: estimate.likelihood,
		impact: estimate.impact,
		spread,
		wide: estimate.wideSpread,
		detail: picks.map((p) => `${p.name}: likelihood ${p.likelihood}, impact ${p.impact}`).join('\n')
	};
}
