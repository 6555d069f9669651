import { describe, expect, it } from 'vitest';
import { NOTE_KINDS } from '#shared/board/schema';
import { defaultControl, type ControlState } from '#shared/control/doc';
import type { Role } from '#shared/wire/roles';
import { DEFAULT_BOARD_POLICY, type NewNote } from '../board/policy.ts';
import { FacilitationPolicy } from './board-policy.ts';

/** A policy over state the test changes between reads, as the control client's state changes. */
function policyOver(role: Role = 'participant') {
	const source = { state: defaultControl(), role, taken: [] as NewNote[] };
	const policy = new FacilitationPolicy({
		state: () => source.state,
		role: () => source.role,
		takeDraft: (note) => source.taken.push(note)
	});
	const change = (patch: Partial<ControlState>) => (source.state = { ...source.state, ...patch });
	return { policy, source, change };
}

describe('the board policy facilitation hands the board', () => {
	it('is the default policy before the facilitator does anything', () => {
		const { policy } = policyOver();
		expect(policy.voting).toEqual(DEFAULT_BOARD_POLICY.voting);
		expect(policy.locked).toBe(DEFAULT_BOARD_POLICY.locked);
		expect(policy.spotlight).toBe(DEFAULT_BOARD_POLICY.spotlight);
		expect(policy.becomesDraft({ kind: 'threat', question: 2 })).toBe(false);
	});

	it('follows voting rounds: budget, open with hidden totals, closed, free again', () => {
		const { policy, change } = policyOver();
		change({ voting: { status: 'open', budget: 3, hideTotals: true, open: true } });
		expect(policy.voting).toEqual({ budget: 3, canVote: true, totalsHidden: true });
		change({ voting: { status: 'open', budget: 3, hideTotals: false, open: true } });
		expect(policy.voting.totalsHidden).toBe(false);
		change({ voting: { status: 'closed', budget: 3, hideTotals: true, open: false } });
		expect(policy.voting).toEqual({ budget: 3, canVote: false, totalsHidden: false });
		change({ voting: { status: 'free', budget: 8, hideTotals: true, open: false } });
		expect(policy.voting).toEqual({ budget: 8, canVote: true, totalsHidden: false });
	});

	it('locks participants and observers but not facilitators', () => {
		const lock = { locked: true, since: 1 };
		for (const [role, locked] of [['participant', true], ['observer', true], ['facilitator', false]] as const) {
			const { policy, change } = policyOver(role);
			expect(policy.locked).toBe(false);
			change({ lock });
			expect(policy.locked).toBe(locked);
			change({ lock: { locked: false, since: null } });
			expect(policy.locked).toBe(false);
		}
	});

	it('lets the role change under it (a participant promoted during a lock can write)', () => {
		const { policy, source, change } = policyOver('participant');
		change({ lock: { locked: true, since: 1 } });
		expect(policy.locked).toBe(true);
		source.role = 'facilitator';
		expect(policy.locked).toBe(false);
	});

	it('turns new threats into drafts during a silent round only, and hands them over', () => {
		const { policy, source, change } = policyOver();
		change({ silent: { ...source.state.silent, active: true, round: 1 } });
		for (const kind of NOTE_KINDS) {
			expect(policy.becomesDraft({ kind, question: kind === 'threat' ? 2 : 1 }), kind).toBe(kind === 'threat');
		}
		policy.takeDraft({ kind: 'threat', question: 2 });
		expect(source.taken).toEqual([{ kind: 'threat', question: 2 }]);
		change({ silent: { ...source.state.silent, active: false, revealedRound: 1 } });
		expect(policy.becomesDraft({ kind: 'threat', question: 2 })).toBe(false);
	});

	it('lets only facilitators put a threat up for estimation, and says which one is up', () => {
		const sent: string[] = [];
		let current: string | null = null;
		const policyAs = (role: Role) =>
			new FacilitationPolicy({
				state: defaultControl,
				role: () => role,
				takeDraft: () => undefined,
				estimating: () => current,
				estimate: (noteId) => sent.push(noteId)
			});
		expect(policyAs('participant').estimation.canStart).toBe(false);
		expect(policyAs('observer').estimation.canStart).toBe(false);
		const facilitator = policyAs('facilitator');
		expect(facilitator.estimation.canStart).toBe(true);
		facilitator.estimation.start('threat-1');
		expect(sent).toEqual(['threat-1']);
		expect(facilitator.estimation.current).toBeNull();
		current = 'threat-1';
		expect(policyAs('participant').estimation.current).toBe('threat-1');
		// Without a way to send the command there is nothing to offer, as with no facilitation at all.
		const { policy } = policyOver('facilitator');
		expect([policy.estimation.current, policy.estimation.canStart]).toEqual([DEFAULT_BOARD_POLICY.estimation.current, DEFAULT_BOARD_POLICY.estimation.canStart]);
	});

	it('takes the vote away from someone left out of a hidden round, and only then', () => {
		const source = { state: defaultControl(), excluded: true };
		const policy = new FacilitationPolicy({ state: () => source.state, role: () => 'participant', takeDraft: () => undefined, excludedFromVoting: () => source.excluded });
		expect(policy.voting.canVote).toBe(true); // free voting: the board's own votes, nobody left out
		source.state = { ...source.state, voting: { status: 'open', budget: 3, hideTotals: true, open: true } };
		expect(policy.voting).toEqual({ budget: 3, canVote: false, totalsHidden: true });
		source.excluded = false;
		expect(policy.voting.canVote).toBe(true);
	});
});
