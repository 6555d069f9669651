import { describe, expect, it } from 'vitest';
import { averageConfidence, progressLabel, rangeLabel, rankByDots, spreadOfPicks, topVotedThreats } from './rounds-view.ts';

describe('the spread of revealed picks', () => {
	it('has nothing to say about no picks', () => {
		expect(spreadOfPicks([])).toBeUndefined();
	});

	it('gives min, max and the median per axis, and flags a spread of two or more', () => {
		const spread = spreadOfPicks([
			{ likelihood: 1, impact: 3 },
			{ likelihood: 5, impact: 4 }
		]);
		expect(spread).toEqual({ likelihood: { min: 1, max: 5, median: 3 }, impact: { min: 3, max: 4, median: 4 }, wide: true });
		expect(rangeLabel(spread!.likelihood)).toBe('1–5');
	});

	it('does not flag picks one apart, on either axis', () => {
		const spread = spreadOfPicks([
			{ likelihood: 2, impact: 4 },
			{ likelihood: 3, impact: 4 },
			{ likelihood: 3, impact: 5 }
		]);
		expect(spread?.wide).toBe(false);
		expect(spread?.likelihood.median).toBe(3);
		expect(rangeLabel(spread!.impact)).toBe('4–5');
		expect(rangeLabel({ min: 4, max: 4, median: 4 })).toBe('4');
	});

	it('flags a wide spread on impact alone', () => {
		expect(spreadOfPicks([{ likelihood: 3, impact: 1 }, { likelihood: 3, impact: 3 }])?.wide).toBe(true);
	});
});

describe('the estimation queue from votes', () => {
	it('takes threats with votes, most first, board order breaking ties, up to the limit', () => {
		const votes = new Map([
			['b', 2],
			['c', 5],
			['d', 2],
			['e', 1]
		]);
		expect(topVotedThreats(['a', 'b', 'c', 'd', 'e'], votes, 3)).toEqual(['c', 'b', 'd']);
		expect(topVotedThreats(['a'], votes, 3)).toEqual([]);
	});

	it('ranks the results of a round: equal dots share a rank, the next rank skips', () => {
		const dots = new Map([
			['b', 2],
			['c', 5],
			['d', 2],
			['e', 1]
		]);
		expect(rankByDots(['a', 'b', 'c', 'd', 'e'], dots)).toEqual([
			{ noteId: 'c', dots: 5, rank: 1 },
			{ noteId: 'b', dots: 2, rank: 2 },
			{ noteId: 'd', dots: 2, rank: 2 },
			{ noteId: 'e', dots: 1, rank: 4 }
		]);
		expect(rankByDots(['a', 'b'], new Map())).toEqual([]);
	});
});

describe('labels', () => {
	it('counts with the right verb', () => {
		const verb = { one: 'has picked', many: 'have picked' };
		expect(progressLabel(1, 3, verb)).toBe('1 of 3 has picked');
		expect(progressLabel(2, 3, verb)).toBe('2 of 3 have picked');
	});

	it('averages the poll confidence, and says nothing for no answers', () => {
		expect(averageConfidence([{ confidence: 4 }, { confidence: 5 }])).toBe(4.5);
		expect(averageConfidence([])).toBeNull();
	});
});
