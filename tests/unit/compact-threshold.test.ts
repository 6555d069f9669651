import { describe, expect, it } from 'vitest';
import { compactThreshold } from '../../server/rooms/commit-pipeline.ts';

describe('compactThreshold', () => {
	it('takes up to a quarter off the configured count, never more, never below one', () => {
		expect(compactThreshold(1000, 0)).toBe(1000);
		expect(compactThreshold(1000, 0.5)).toBe(875);
		expect(compactThreshold(1000, 0.999999)).toBe(751);
		expect(compactThreshold(1, 0.9)).toBe(1);
		expect(compactThreshold(5, 0.99)).toBe(4);
	});

	it('spreads documents over the whole range', () => {
		const thresholds = Array.from({ length: 200 }, () => compactThreshold(1000));
		expect(Math.min(...thresholds)).toBeGreaterThan(750);
		expect(Math.max(...thresholds)).toBeLessThanOrEqual(1000);
		// 50 rooms loaded together must not compact together: many distinct thresholds.
		expect(new Set(thresholds).size).toBeGreaterThan(100);
	});
});
