import { describe, expect, it } from 'vitest';
import { estimateSummary } from './estimate-summary.ts';

describe('a recorded estimate on a threat card', () => {
	it('says the agreed values, the spread of the picks and how many picked', () => {
		const summary = estimateSummary({
			likelihood: 3,
			impact: 4,
			wideSpread: true,
			agreedAt: 1,
			picks: [
				{ participantId: 'p1', name: 'Bo', likelihood: 1, impact: 4 },
				{ participantId: 'p2', name: 'Cem', likelihood: 5, impact: 4 }
			]
		});
		expect(summary).toMatchObject({ likelihood: 3, impact: 4, wide: true, spread: 'picks L 1–5, I 4 from 2 people' });
		expect(summary.detail).toBe('Bo: likelihood 1, impact 4\nCem: likelihood 5, impact 4');
	});

	it('counts one person as one person', () => {
		const summary = estimateSummary({ likelihood: 2, impact: 2, wideSpread: false, agreedAt: 1, picks: [{ participantId: 'p1', name: 'Bo', likelihood: 2, impact: 3 }] });
		expect(summary.spread).toBe('picks L 2, I 3 from 1 person');
	});
});
