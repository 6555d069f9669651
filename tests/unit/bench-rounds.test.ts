import { describe, expect, it } from 'vitest';
import { medianRound, summarizeRounds } from '../../bench/rounds.ts';

const run = (cpu: number, p99 = 1) => ({ latencyMs: { p50: 0.5, p99 }, load: { serverCpuSeconds: cpu } });

describe('alternating bench rounds', () => {
	it('reports the pair with the median CPU ratio, not the median of either server alone', () => {
		const rounds = [
			{ ours: run(3.0), reference: run(2.0) }, // 1.5
			{ ours: run(5.0), reference: run(4.5) }, // 1.11: a slow machine for both
			{ ours: run(3.3), reference: run(2.4) } // 1.375
		];
		expect(medianRound(rounds)).toBe(rounds[2]);
	});

	it('takes the lower middle round of an even count, and ours alone without a reference', () => {
		expect(medianRound([{ ours: run(4) }, { ours: run(2) }])).toEqual({ ours: run(2) });
		const four = [1.4, 1.2, 1.3, 1.1].map((r) => ({ ours: run(r), reference: run(1) }));
		expect(medianRound(four)).toBe(four[1]);
	});

	it('summarizes every round in the order run', () => {
		const summary = summarizeRounds([
			{ ours: run(3, 4), reference: run(2, 3) },
			{ ours: run(6, 5) }
		]);
		expect(summary).toEqual([
			{
				ours: { 'latencyMs.p50': 0.5, 'latencyMs.p99': 4, 'load.serverCpuSeconds': 3 },
				reference: { 'latencyMs.p50': 0.5, 'latencyMs.p99': 3, 'load.serverCpuSeconds': 2 },
				cpuRatio: 1.5
			},
			{ ours: { 'latencyMs.p50': 0.5, 'latencyMs.p99': 5, 'load.serverCpuSeconds': 6 }, cpuRatio: null }
		]);
	});

	it('refuses no rounds', () => {
		expect(() => medianRound([])).toThrow('no rounds');
	});
});
