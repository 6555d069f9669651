/** Issue 17's comparisons (bench/comparisons.ts), from hand-made scenario results. */
import { describe, expect, it } from 'vitest';
import { compareScaleOut } from '../../bench/comparisons.ts';

const threeInstances = {
	ours: {
		singleInstance: { latencyMs: { p99: 20 }, instancesCpu: { loadTotalSeconds: 4 } },
		threeInstances: { latencyMs: { p99: 50 }, instancesCpu: { loadTotalSeconds: 6 } }
	}
};

describe('compareScaleOut', () => {
	it('compares three instances with one, and PostgreSQL with SQLite, against the issue bounds', () => {
		const comparisons = compareScaleOut({
			'edits-100x5': { ours: { latencyMs: { p99: 10 } } },
			'edits-100x5-postgres': { ours: { latencyMs: { p99: 15 } } },
			'edits-100x5-three-instances': threeInstances
		});
		expect(comparisons.map((c) => [c.ratio, c.target, c.met])).toEqual([
			[1.5, '<= 2x', true],
			[2.5, '<= 2x', false],
			[5, '<= 2x', false],
			[1.5, 'reported', true]
		]);
		expect(comparisons[1].numerator).toEqual({ scenario: 'edits-100x5-three-instances', metric: 'ours.threeInstances.latencyMs.p99', value: 50 });
	});

	it('holds our CPU beside the stock server\'s, measured at the same time, to the parity bound', () => {
		const sideBySide = (ours: number, stock: number) => ({
			'edits-100x5-side-by-side': { ours: { ours: { load: { serverCpuSeconds: ours } }, stock: { load: { serverCpuSeconds: stock } } } }
		});
		const [over] = compareScaleOut(sideBySide(3, 2));
		expect([over.ratio, over.target, over.met]).toEqual([1.5, '<= 1.2x', false]);
		expect(over.denominator).toEqual({ scenario: 'edits-100x5-side-by-side', metric: 'ours.stock.load.serverCpuSeconds', value: 2 });
		expect(compareScaleOut(sideBySide(2.2, 2))[0].met).toBe(true);
	});

	it('leaves out what the run did not measure', () => {
		const comparisons = compareScaleOut({ 'edits-100x5-three-instances': threeInstances });
		expect(comparisons.map((c) => c.what)).toEqual([
			'fan-out p99 across three instances / one instance (same run, PostgreSQL + Redis), 100 rooms x 5',
			'CPU of all three instances / one instance for the same load (load windows)'
		]);
		expect(compareScaleOut({ 'edits-100x5': { ours: { latencyMs: { p99: 0 } } }, 'edits-100x5-postgres': { ours: { latencyMs: { p99: 3 } } } })).toEqual([]);
	});
});
