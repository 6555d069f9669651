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

	it('keeps one person on two entries (one person, two browsers) under their plain name', () => {
		const labels = distinctNames([
			{ participantId: 'aaaa1111', name: 'Alex' },
			{ participantId: 'aaaa1111', name: 'Alex' }
		]);
		expect(labels.get('aaaa1111')).toBe('Alex');
	});
});
