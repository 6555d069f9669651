/**
 * Issue 17's comparisons between scenarios or parts of one, from the results of one bench run:
 * PostgreSQL against SQLite (edits-100x5-postgres / edits-100x5), three instances against one
 * (edits-100x5-three-instances, both measured in the same scenario run), and our server's CPU
 * against the stock server's under the same load at the same time (edits-100x5-side-by-side).
 * A comparison whose scenarios did not run is left out.
 */
import { round } from './stats.ts';
import { getPath } from './targets.ts';

export interface Comparison {
	what: string;
	numerator: { scenario: string; metric: string; value: number };
	denominator: { scenario: string; metric: string; value: number };
	ratio: number;
	/** Issue 17's bound on the ratio. */
	target: string;
	met: boolean;
}

interface Spec {
	what: string;
	numerator: [scenario: string, metric: string];
	denominator: [scenario: string, metric: string];
	maxRatio: number;
}

const SPECS: Spec[] = [
	{
		what: 'PostgreSQL p99 / SQLite p99, 100 rooms x 5',
		numerator: ['edits-100x5-postgres', 'ours.latencyMs.p99'],
		denominator: ['edits-100x5', 'ours.latencyMs.p99'],
		maxRatio: 2
	},
	{
		what: 'fan-out p99 across three instances / one instance (same run, PostgreSQL + Redis), 100 rooms x 5',
		numerator: ['edits-100x5-three-instances', 'ours.threeInstances.latencyMs.p99'],
		denominator: ['edits-100x5-three-instances', 'ours.singleInstance.latencyMs.p99'],
		maxRatio: 2
	},
	{
		what: 'fan-out p99 across three instances / one instance on SQLite (edits-100x5), 100 rooms x 5',
		numerator: ['edits-100x5-three-instances', 'ours.threeInstances.latencyMs.p99'],
		denominator: ['edits-100x5', 'ours.latencyMs.p99'],
		maxRatio: 2
	},
	{
		what: 'server CPU, ours / stock, the same load on both at the same time on one core (edits-100x5-side-by-side)',
		numerator: ['edits-100x5-side-by-side', 'ours.ours.load.serverCpuSeconds'],
		denominator: ['edits-100x5-side-by-side', 'ours.stock.load.serverCpuSeconds'],
		maxRatio: 1.2
	},
	{
		what: 'CPU of all three instances / one instance for the same load (load windows)',
		numerator: ['edits-100x5-three-instances', 'ours.threeInstances.instancesCpu.loadTotalSeconds'],
		denominator: ['edits-100x5-three-instances', 'ours.singleInstance.instancesCpu.loadTotalSeconds'],
		maxRatio: Infinity
	}
];

export function compareScaleOut(results: Record<string, unknown>): Comparison[] {
	const out: Comparison[] = [];
	for (const spec of SPECS) {
		const num = getPath(results[spec.numerator[0]], spec.numerator[1]);
		const den = getPath(results[spec.denominator[0]], spec.denominator[1]);
		if (num === undefined || den === undefined || !(den > 0)) continue;
		const ratio = round(num / den, 3);
		out.push({
			what: spec.what,
			numerator: { scenario: spec.numerator[0], metric: spec.numerator[1], value: num },
			denominator: { scenario: spec.denominator[0], metric: spec.denominator[1], value: den },
			ratio,
			target: spec.maxRatio === Infinity ? 'reported' : `<= ${spec.maxRatio}x`,
			met: ratio <= spec.maxRatio
		});
	}
	return out;
}
