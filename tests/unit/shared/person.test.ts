import { describe, expect, it } from 'vitest';
import { distinctNames } from '../../../src/lib/shared/person.ts';

describe('names that tell people apart', () => {
	it('tells two people with the same name apart, and leaves unique names alone', () => {
		const labels = distinctNames([
			{ participantId: 'aaaa1111', name: 'Alex' },
			{ participantId: 'bbbb2222', name: 'Alex' },
			{ participantId: 'cccc3333', name: 'Bo' }
		]);
		expect(labels.get('aaaa1111')).toBe('Alex · aaaa');
		expect(labels.get('bbbb2222')).toBe('Alex · bbbb');
		expect(labels.get('cccc3333')).toBe('Bo');
	});

	it('tells apart names that are the same once case, accents, strokes and invisible characters are set aside', () => {
		const labels = distinctNames([
			{ participantId: 'aaaa1111', name: 'Søren' },
			{ participantId: 'bbbb2222', name: 'SOREN' },
			{ participantId: 'cccc3333', name: 'Ali\u200dce' },
			{ participantId: 'dddd4444', name: 'Alice' }
		]);
		expect([...labels.values()]).toEqual(['Søren · aaaa', 'SOREN · bbbb', 'Ali\u200dce · cccc', 'Alice · dddd']);
	});

	it('keeps one person on two entries (one person, two browsers) under their plain name', () => {
		const labels = distinctNames([
			{ participantId: 'aaaa1111', name: 'Alex' },
			{ participantId: 'aaaa1111', name: 'Alex' }
		]);
		expect(labels.get('aaaa1111')).toBe('Alex');
	});
});
