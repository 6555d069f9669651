/** Issue 17's scale-out comparisons (bench/comparisons.ts), from hand-made scenario results. */
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

	it('leaves out what the run did not measure', () => {
		const comparisons = compareScaleOut({ 'edits-100x5-three-instances': threeInstances });
		expect(comparisons.map((c) => c.what)).toEqual([
			'fan-out p99 across three instances / one instance (same run, PostgreSQL + Redis), 100 rooms x 5',
			'CPU of all three instances / one instance for the same load (load windows)'
		]);
		expect(compareScaleOut({ 'edits-100x5': { ours: { latencyMs: { p99: 0 } } }, 'edits-100x5-postgres': { ours: { latencyMs: { p99: 3 } } } })).toEqual([]);
	});
});
