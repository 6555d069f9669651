import { describe, expect, it } from 'vitest';
import { NOTE_KINDS } from '#shared/board/schema';
import { DEFAULT_VOTE_BUDGET } from '#shared/control/doc';
import { DEFAULT_BOARD_POLICY } from './policy.ts';

describe('the default board policy (a board without facilitation)', () => {
	it('allows free voting with the default budget, no lock and no spotlight', () => {
		expect(DEFAULT_BOARD_POLICY.voting).toEqual({ budget: DEFAULT_VOTE_BUDGET, canVote: true, totalsHidden: false });
		expect(DEFAULT_VOTE_BUDGET).toBe(5);
		expect(DEFAULT_BOARD_POLICY.locked).toBe(false);
		expect(DEFAULT_BOARD_POLICY.spotlight).toBeNull();
	});

	it('puts every new note on the board (nothing becomes a draft)', () => {
		for (const kind of NOTE_KINDS) {
			expect(DEFAULT_BOARD_POLICY.becomesDraft({ kind, question: 2 })).toBe(false);
		}
		expect(() => DEFAULT_BOARD_POLICY.takeDraft({ kind: 'threat', question: 2 })).not.toThrow();
	});

	it('cannot be changed by one board for every other', () => {
		expect(Object.isFrozen(DEFAULT_BOARD_POLICY)).toBe(true);
		expect(Object.isFrozen(DEFAULT_BOARD_POLICY.voting)).toBe(true);
	});
});
