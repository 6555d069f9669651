/**
 * Facilitation's side of the board policy (src/lib/board/policy.ts): what the room's control
 * document allows the board now. It keeps no state of its own: every getter reads the control
 * state and the role through the functions it is given, which read Svelte state, so the policy
 * is exactly as reactive as they are and the board follows the facilitator without callbacks.
 * Plain TypeScript (no runes) so that the mapping is unit-tested with plain functions.
 */
import type { ControlState, VotingState } from '#shared/control/doc';
import { takesPart } from '#shared/control/rounds';
import type { Role } from '#shared/wire/roles';
import { DEFAULT_BOARD_POLICY, type BoardPolicy, type EstimationPolicy, type FocusPolicy, type HiddenBallots, type NewNote, type VotingPolicy } from '$lib/board/policy.ts';

export interface FacilitationPolicySource {
	/** The latest control state (the server's, or the defaults until it arrived). */
	state(): ControlState;
	/** This person's role in the workshop. */
	role(): Role;
	/** Keeps a new threat as a private draft of the current silent round. */
	takeDraft(note: NewNote): void;
	/** This person's hidden ballots (the server keeps them while totals are hidden). */
	ballots?: HiddenBallots;
	/** Who joined the workshop, by participant id. */
	people?(): ReadonlyMap<string, { name: string; role: string | null; removedAt?: number }>;
	/** True when the facilitator left this person out of the current voting round. */
	excludedFromVoting?(): boolean;
	/** The threat up for estimation now, or null. */
	estimating?(): string | null;
	/** Puts a threat up for estimation (sent as a facilitator command). */
	estimate?(noteId: string): void;
	/** The element spotlit for this person now (null when none, or when they stepped out). */
	spotlight?(): string | null;
	/** The facilitator's focus as this person follows it. */
	focus?: FocusPolicy;
}

export function votingPolicyFrom(voting: Pick<VotingState, 'status' | 'budget' | 'hideTotals'>): VotingPolicy {
	return {
		budget: voting.budget,
		canVote: voting.status !== 'closed',
		totalsHidden: voting.status === 'open' && voting.hideTotals
	};
}

export class FacilitationPolicy implements BoardPolicy {
	readonly #source: FacilitationPolicySource;

	constructor(source: FacilitationPolicySource) {
		this.#source = source;
	}

	get voting(): VotingPolicy {
		const voting = votingPolicyFrom(this.#source.state().voting);
		// Someone left out of a hidden round gets no vote button the server would refuse anyway.
		if (voting.totalsHidden && this.#source.excludedFromVoting?.()) return { ...voting, canVote: false };
		return voting;
	}

	get participants(): ReadonlyArray<{ participantId: string; name: string; role: string | null }> {
		const people = this.#source.people?.() ?? new Map();
		// Someone a facilitator removed is not offered as decider of a new decision (the server asks
		// only that a decider joined: undo writes an old decision back as it was).
		return [...people].filter(([, p]) => takesPart(p)).map(([participantId, p]) => ({ participantId, name: p.name, role: p.role }));
	}

	/** While totals are hidden, votes are ballots the server keeps. */
	get ballots(): HiddenBallots | null {
		return this.voting.totalsHidden ? (this.#source.ballots ?? null) : null;
	}

	/** The server refuses a locked board's writes from everyone but facilitators; the board says so first. */
	get locked(): boolean {
		return this.#source.state().lock.locked && this.#source.role() !== 'facilitator';
	}

	/** What the facilitator spotlit, unless this person stepped out. */
	get spotlight(): string | null {
		return this.#source.spotlight?.() ?? null;
	}

	/** Only facilitators put threats up: the server refuses the command from anyone else. */
	get estimation(): EstimationPolicy {
		const source = this.#source;
		return {
			current: source.estimating?.() ?? null,
			canStart: source.role() === 'facilitator' && source.estimate !== undefined,
			start: (noteId) => source.estimate?.(noteId)
		};
	}

	get focus(): FocusPolicy {
		return this.#source.focus ?? DEFAULT_BOARD_POLICY.focus;
	}

	/** During a silent round new threats stay in this browser until the reveal; other kinds go on the board. */
	becomesDraft(note: NewNote): boolean {
		return note.kind === 'threat' && this.#source.state().silent.active;
	}

	takeDraft(note: NewNote): void {
		this.#source.takeDraft(note);
	}
}
