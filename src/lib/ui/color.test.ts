import { describe, expect, it } from 'vitest';
import { PRESENCE_COLORS } from '#shared/person';
import { contrastRatio, initials, readableTextOn } from './color.ts';

describe('avatar colours', () => {
	it('picks initials text that meets WCAG AA on every presence colour', () => {
		for (const color of PRESENCE_COLORS) expect(contrastRatio(color, readableTextOn(color))).toBeGreaterThanOrEqual(4.5);
	});

	it('computes known contrast ratios', () => {
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1, 5);
	});

	it('makes initials from names', () => {
		expect(initials('Ada Lovelace')).toBe('AL');
		expect(initials('Ada Byron Lovelace', 1)).toBe('A');
		expect(initials('  bob ')).toBe('B');
		expect(initials('élodie durand')).toBe('ÉD');
		expect(initials('😀 Smile')).toBe('😀S');
	});
});
