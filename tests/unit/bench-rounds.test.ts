import { describe, expect, it } from 'vitest';
import { medianRound, summarizeRounds, type Rounds } from '../../bench/rounds.ts';

const run = (cpu: number, p99 = 1) => ({ latencyMs: { p50: 0.5, p99 }, load: { serverCpuSeconds: cpu } });
const CPU_RATIO: Rounds = { count: 3, by: 'load.serverCpuSeconds', relative: true };
const OURS_P99: Rounds = { count: 3, by: 'latencyMs.p99' };

describe('alternating bench rounds', () => {
	it('reports the pair with the median CPU ratio, not the median of either server alone', () => {
		const rounds = [
			{ ours: run(3.0), reference: run(2.0) }, // 1.5
			{ ours: run(5.0), reference: run(4.5) }, // 1.11: a slow machine for both
			{ ours: run(3.3), reference: run(2.4) } // 1.375
		];
		expect(medianRound(rounds, CPU_RATIO)).toBe(rounds[2]);
	});

	it('orders by ours alone when not relative, and by ours alone when a round has no reference', () => {
		const rounds = [
			{ ours: run(1, 30), reference: run(1, 1) },
			{ ours: run(1, 10), reference: run(1, 100) },
			{ ours: run(1, 20), reference: run(1, 1) }
		];
		expect(medianRound(rounds, OURS_P99)).toBe(rounds[2]);
		expect(medianRound([{ ours: run(4) }, { ours: run(2) }], CPU_RATIO)).toEqual({ ours: run(2) });
	});

	it('takes the lower middle round of an even count', () => {
		const four = [1.4, 1.2, 1.3, 1.1].map((r) => ({ ours: run(r), reference: run(1) }));
		expect(medianRound(four, CPU_RATIO)).toBe(four[1]);
	});

	it('summarizes every round in the order run, with its measure', () => {
		const summary = summarizeRounds(
			[
				{ ours: run(3, 4), reference: run(2, 3) },
				{ ours: run(6, 5) }
			],
			CPU_RATIO
		);
		expect(summary).toEqual([
			{
				ours: { 'latencyMs.p50': 0.5, 'latencyMs.p99': 4, 'load.serverCpuSeconds': 3 },
				reference: { 'latencyMs.p50': 0.5, 'latencyMs.p99': 3, 'load.serverCpuSeconds': 2 },
				measure: 1.5
			},
			{ ours: { 'latencyMs.p50': 0.5, 'latencyMs.p99': 5, 'load.serverCpuSeconds': 6 }, measure: 6 }
		]);
		const byOther = summarizeRounds([{ ours: { joiners: { p50: 2 } } }], { count: 1, by: 'joiners.p50' });
		expect(byOther).toEqual([{ ours: { 'joiners.p50': 2 }, measure: 2 }]);
	});

	it('refuses no rounds', () => {
		expect(() => medianRound([], CPU_RATIO)).toThrow('no rounds');
	});
});
