import { describe, expect, it } from 'vitest';
import { ESTIMATED_NOTE_PX, computeWindow } from './windowing.ts';

const heights = (list: number[]) => (index: number) => list[index];
const indices = (window: ReturnType<typeof computeWindow>) => window.items.map((item) => item.index);

describe('computeWindow', () => {
	it('renders the cards in the visible band plus the overscan, and spaces for the rest', () => {
		const window = computeWindow({ count: 100, heightOf: () => 90, top: 1000, bottom: 1400, overscan: 200, gap: 10 });
		// Card i spans [100 i, 100 i + 90): the band [800, 1600] touches cards 8 to 16.
		expect(indices(window)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
		expect(window.items[0].spaceBefore).toBe(800);
		expect(window.items.slice(1).every((item) => item.spaceBefore === 10)).toBe(true);
		expect(window.total).toBe(100 * 90 + 99 * 10);
		expect(window.spaceAfter).toBe(window.total - (1600 + 90));
	});

	it('keeps the whole list height: rendered cards plus spaces add up to the total', () => {
		const list = Array.from({ length: 50 }, (_, i) => 60 + ((i * 37) % 80));
		const window = computeWindow({ count: 50, heightOf: heights(list), top: 700, bottom: 1300, pinned: [2, 45], overscan: 100 });
		const covered = window.items.reduce((sum, item) => sum + item.spaceBefore + list[item.index], 0) + window.spaceAfter;
		expect(covered).toBe(window.total);
		expect(indices(window)).toContain(2);
		expect(indices(window)).toContain(45);
		expect(indices(window)).toEqual([...indices(window)].sort((a, b) => a - b));
	});

	it('renders pinned cards far from the band at their own offsets', () => {
		const window = computeWindow({ count: 200, heightOf: () => 40, top: 0, bottom: 200, pinned: [150, 999, -1], overscan: 0, gap: 10 });
		expect(indices(window)).toEqual([0, 1, 2, 3, 4, 150]);
		const pinned = window.items.at(-1);
		// Card 4 ends at 240; card 150 starts at 7500.
		expect(pinned?.spaceBefore).toBe(7500 - 240);
	});

	it('estimates unmeasured cards from the measured ones, or a default before any', () => {
		const none = computeWindow({ count: 10, heightOf: () => undefined, top: 0, bottom: 0, overscan: 0, gap: 0 });
		expect(none.total).toBe(10 * ESTIMATED_NOTE_PX);
		const some = computeWindow({ count: 4, heightOf: heights([50, 150]), top: 0, bottom: 0, overscan: 0, gap: 0 });
		expect(some.total).toBe(50 + 150 + 2 * 100);
	});

	it('handles an empty column and a band past the end', () => {
		expect(computeWindow({ count: 0, heightOf: () => 10, top: 0, bottom: 500 })).toEqual({ items: [], spaceAfter: 0, total: 0 });
		const past = computeWindow({ count: 5, heightOf: () => 10, top: 5000, bottom: 5500, overscan: 0, gap: 0 });
		expect(indices(past)).toEqual([]);
		expect(past.spaceAfter).toBe(50);
	});
});
