/**
 * The board's columns: the four questions of the threat-modeling frame, and a parking lot for
 * `question` notes raised in any lane. Which kinds a lane offers and which lanes a kind may be
 * moved to live here, so the buttons, the drag targets and the keyboard moves agree.
 *
 * Moves across lanes keep the note's kind (the schema fixes it at creation, so links stay
 * valid): threats live in lane 2, mitigations in lane 3 and retro notes in lane 4, and only
 * reorder there; components, assets and assumptions may sit in any lane (an assumption often
 * surfaces while discussing mitigations); a question stays in the parking lot and moving it
 * left or right changes the lane it was raised in.
 */
import { QUESTIONS, type NoteKind, type QuestionNumber } from '#shared/board/schema';

export interface LaneSpec {
	question: QuestionNumber;
	prompt: string;
	/** For tight places (a parked question's "raised in" menu). */
	short: string;
	/** Kinds the lane's add buttons create, the first being the default for the N key. */
	kinds: readonly NoteKind[];
	summary: string;
	empty: string;
}

export const LANES: readonly LaneSpec[] = [
	{
		question: 1,
		prompt: QUESTIONS[1],
		short: 'What we build',
		kinds: ['component', 'asset', 'assumption'],
		summary: 'Components · assets · assumptions',
		empty: 'Sketch the system: its parts, the data it holds, and what you take for granted.'
	},
	{
		question: 2,
		prompt: QUESTIONS[2],
		short: 'Threats',
		kinds: ['threat', 'agent'],
		summary: 'Threats · agents',
		empty: 'List threats against each part. STRIDE helps you cover the ground.'
	},
	{
		question: 3,
		prompt: QUESTIONS[3],
		short: 'Mitigations',
		kinds: ['mitigation'],
		summary: 'Mitigations',
		empty: 'Decide how to mitigate, accept or transfer each threat, and who owns it.'
	},
	{
		question: 4,
		prompt: QUESTIONS[4],
		short: 'Retro',
		kinds: ['retro'],
		summary: 'Retrospective',
		empty: 'Look back: what worked, what did we miss, what should we change next time?'
	}
];

export const QUESTION_NUMBERS = [1, 2, 3, 4] as const satisfies readonly QuestionNumber[];

/** A column of the board: a question lane, or the parking lot. */
export type ColumnId = QuestionNumber | 'parking';
export const COLUMN_IDS: readonly ColumnId[] = [1, 2, 3, 4, 'parking'];

export const PARKING_LOT = {
	title: 'Parking lot',
	summary: 'Questions to come back to',
	empty: 'Park a question here to keep the discussion moving. Press Q in any lane.'
} as const;

export function laneSpec(question: QuestionNumber): LaneSpec {
	return LANES[question - 1];
}

/** The column a note is shown in. */
export function columnOf(note: { kind: NoteKind; question: QuestionNumber }): ColumnId {
	return note.kind === 'question' ? 'parking' : note.question;
}

const FIXED_LANE: Partial<Record<NoteKind, QuestionNumber>> = { threat: 2, agent: 2, mitigation: 3, retro: 4 };

/** Lanes (question numbers) a note of this kind may be moved to. */
export function lanesForKind(kind: NoteKind): readonly QuestionNumber[] {
	const fixed = FIXED_LANE[kind];
	return fixed ? [fixed] : QUESTION_NUMBERS;
}

/** Whether a note of `kind` may be dropped into `column`. */
export function canDropInto(kind: NoteKind, column: ColumnId): boolean {
	if (column === 'parking') return kind === 'question';
	return kind !== 'question' && lanesForKind(kind).includes(column);
}

/** Placeholder for an empty note's text, by kind. */
export const TEXT_PLACEHOLDERS: Record<NoteKind, string> = {
	component: 'Name a component, e.g. “Payments API gateway”',
	asset: 'Name an asset, e.g. “Cardholder data”',
	assumption: 'State an assumption, e.g. “TLS terminates at the load balancer”',
	threat: 'Describe what can go wrong…',
	mitigation: 'Describe what we will do…',
	agent: 'Who attacks, e.g. “Fraudster with stolen card numbers”',
	question: 'Ask a question to come back to…',
	retro: 'What went well, what did we miss?'
};
