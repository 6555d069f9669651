/**
 * What the board may do now, as the board sees it: the voting rules, whether a new note must
 * become a private draft (a silent round), whether a facilitator's lock keeps this person from
 * writing, and which canvas element is spotlit. The board owns this interface and knows nothing
 * of who fills it: in a workshop the facilitation module implements it from the control document
 * and hands it over through Svelte context (setBoardPolicy in ./context.ts); with no policy
 * given (unit tests, a board shown alone) the board uses DEFAULT_BOARD_POLICY.
 *
 * Implementations are reactive: their getters read Svelte state, so whatever the board derives
 * from them (vote tallies, disabled buttons) follows the facilitator without change callbacks.
 */
import type { NoteKind, QuestionNumber, StrideLetter } from '#shared/board/schema';
import { DEFAULT_VOTE_BUDGET } from '#shared/control/doc';
import type { ColumnId } from './lanes.ts';
import type { LaneSort } from './sorting.ts';

export interface VotingPolicy {
	/** Dots each person may place. */
	readonly budget: number;
	/** False once the facilitator closed the round (votes are frozen). */
	readonly canVote: boolean;
	/** True while a round with hidden totals is open: people see only their own dots. */
	readonly totalsHidden: boolean;
}

/**
 * This person's ballots while a voting round runs with hidden totals: the server keeps them (no
 * browser receives anyone else's), so the board shows and changes them through this.
 */
export interface HiddenBallots {
	/** This person's dots by note, as the server last confirmed them. */
	readonly mine: ReadonlyMap<string, number>;
	/** Sets this person's dots on a note; resolves with the reason when the server refuses. */
	cast(noteId: string, dots: number): Promise<string | undefined>;
}

/** Risk estimation rounds as the board sees them: which threat is up, and putting one up. */
export interface EstimationPolicy {
	/** The threat being estimated now, or null. */
	readonly current: string | null;
	/** True when this person may put a threat up for estimation (a facilitator). */
	readonly canStart: boolean;
	/** Puts a threat up for estimation now (only when canStart). */
	start(noteId: string): void;
}

/**
 * The facilitator's focus: the lane every screen is pointed at and the facilitator's lane sorts,
 * which apply to everyone who has not stepped out.
 */
export interface FocusPolicy {
	/** The lane to highlight and bring into view (the current question's, or the facilitator's pick), or null. */
	readonly lane: ColumnId | null;
	/** True when the facilitator pointed everyone at a lane other than the current question's. */
	readonly pointed: boolean;
	/** True when this person sets the focus for everyone (a facilitator). */
	readonly leads: boolean;
	/** True when this person sorts lanes on their own although the facilitator shares a sort. */
	readonly steppedOut: boolean;
	/** The facilitator's sort of a lane for this person, or null (then this person's own applies). */
	sortOf(column: ColumnId): LaneSort | null;
	/** A sort chosen here: shared when this person leads, else a step out of the facilitator's sorts. */
	setSort(column: ColumnId, sort: LaneSort): void;
	/** Points everyone at a lane (null: back to the current question's); leaders only. */
	pointAt(lane: ColumnId | null): void;
	rejoin(): void;
}

/** A note someone asked the board to create. */
export interface NewNote {
	readonly kind: NoteKind;
	readonly question: QuestionNumber;
	/** Canvas elements a new threat concerns (a gap cell, a selection, the spotlight). */
	readonly elementIds?: readonly string[];
	/** The STRIDE letter a new threat is tagged with (a gap cell of the coverage map). */
	readonly stride?: StrideLetter;
}

export interface BoardPolicy {
	readonly voting: VotingPolicy;
	/** The server's ballots while totals are hidden; null in every other round. */
	readonly ballots: HiddenBallots | null;
	/** The workshop's participants, to name who decided a risk (with workshop roles when given). */
	readonly participants: ReadonlyArray<{ participantId: string; name: string; role: string | null }>;
	/** True while a facilitator's lock keeps this person from writing (facilitators write through it). */
	readonly locked: boolean;
	/** The canvas element the facilitator has spotlit, or null (none, or this person stepped out). */
	readonly spotlight: string | null;
	/** The estimation round, as far as a threat card shows it. */
	readonly estimation: EstimationPolicy;
	/** The facilitator's focus (lane and sorts) for every screen. */
	readonly focus: FocusPolicy;
	/** True when this note must not go on the board but become a private draft (a silent round). */
	becomesDraft(note: NewNote): boolean;
	/** Takes a note for which becomesDraft said true; the board then writes nothing. */
	takeDraft(note: NewNote): void;
}

/** No facilitation: free voting with the default budget, no drafts, no lock, no spotlight, no estimation. */
export const DEFAULT_BOARD_POLICY: BoardPolicy = Object.freeze({
	voting: Object.freeze({ budget: DEFAULT_VOTE_BUDGET, canVote: true, totalsHidden: false }),
	ballots: null,
	participants: Object.freeze([]),
	locked: false,
	spotlight: null,
	estimation: Object.freeze({ current: null, canStart: false, start: () => undefined }),
	focus: Object.freeze({
		lane: null,
		pointed: false,
		leads: false,
		steppedOut: false,
		sortOf: () => null,
		setSort: () => undefined,
		pointAt: () => undefined,
		rejoin: () => undefined
	}),
	becomesDraft: () => false,
	takeDraft: () => undefined
});
