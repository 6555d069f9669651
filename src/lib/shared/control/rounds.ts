/**
 * The control document's record of who is in the workshop and of the private rounds the server
 * runs: hidden voting rounds (ballots), risk estimation rounds and the closing poll. Only the
 * server writes it; everyone reads it. It says who took part and how many have answered, never
 * what anyone answered until the facilitator reveals it: the answers themselves wait in the
 * server-only `sealed` document (shared/sealed/doc.ts).
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { EstimatePick, RecordId, Timestamp } from '../board/schema.ts';
import { DisplayName } from '../person.ts';
import { MAX_POLL_ANSWER_LENGTH } from '../sealed/doc.ts';

export const ROUNDS_ROOTS = {
	/** Y.Map participantId → Person: everyone who joined with an identity. */
	people: 'people',
	/** Y.Map of the rounds below, by name (ballot, estimation, poll). */
	rounds: 'rounds'
} as const;

const peopleMap = (doc: Y.Doc) => doc.getMap<unknown>(ROUNDS_ROOTS.people);
const roundsMap = (doc: Y.Doc) => doc.getMap<unknown>(ROUNDS_ROOTS.rounds);

// ---- People -----------------------------------------------------------------------------------

/** A role in the workshop, given by the facilitator, shown beside a name and in the report. */
export const WORKSHOP_ROLES = ['product-owner', 'security', 'engineering', 'architecture', 'operations', 'other'] as const;
export type WorkshopRole = (typeof WORKSHOP_ROLES)[number];
export const WORKSHOP_ROLE_LABELS = {
	'product-owner': 'Product owner',
	security: 'Security',
	engineering: 'Engineering',
	architecture: 'Architecture',
	operations: 'Operations',
	other: 'Other'
} as const satisfies Record<WorkshopRole, string>;

export const Person = z.object({
	name: DisplayName,
	role: z.enum(WORKSHOP_ROLES).nullable(),
	joinedAt: Timestamp,
	/**
	 * When a facilitator removed them from the workshop: their identity no longer signs in, their
	 * name is free, and they count in no round. The record stays, for the notes and decisions they
	 * made while they took part.
	 */
	removedAt: Timestamp.optional()
});
export type Person = z.infer<typeof Person>;
/** People a room keeps at most: a bound on what joining can make the server write. */
export const MAX_PEOPLE = 1_000;

/** Whether a person still takes part (no facilitator removed them). */
export const takesPart = (person: Pick<Person, 'removedAt'>): boolean => person.removedAt === undefined;

/** Everyone who joined with an identity, by participant id, those removed since too. */
export function readPeople(doc: Y.Doc): Map<string, Person> {
	const people = new Map<string, Person>();
	peopleMap(doc).forEach((value, id) => {
		const parsed = Person.safeParse(value);
		if (parsed.success && RecordId.safeParse(id).success) people.set(id, parsed.data);
	});
	return people;
}

export function readPerson(doc: Y.Doc, participantId: string): Person | undefined {
	const parsed = Person.safeParse(peopleMap(doc).get(participantId));
	return parsed.success ? parsed.data : undefined;
}

/** Server only. */
export function writePerson(doc: Y.Doc, participantId: string, person: Person, origin: unknown = null): void {
	doc.transact(() => peopleMap(doc).set(RecordId.parse(participantId), Person.parse(person)), origin);
}

// ---- Rounds -----------------------------------------------------------------------------------

/**
 * The current hidden voting round: its number (ballots are filed by it), who may not vote in it,
 * and how many of those who may have voted so far. The round itself (open or closed, budget,
 * hidden totals) is the control state's `voting`.
 */
export const BallotRound = z.object({
	round: z.number().int().nonnegative(),
	excluded: z.array(RecordId).max(MAX_PEOPLE),
	voted: z.number().int().nonnegative(),
	eligible: z.number().int().nonnegative()
});
export type BallotRound = z.infer<typeof BallotRound>;
export const NO_BALLOT_ROUND: BallotRound = { round: 0, excluded: [], voted: 0, eligible: 0 };

/** Threats put up for estimation (at most this many in one queue). */
export const MAX_ESTIMATION_QUEUE = 50;

/**
 * A risk estimation round: one threat at a time from a queue. While `picking`, everyone picks
 * likelihood and impact in private (`picked` says who has); `revealed` shows every pick at once.
 */
export const Estimation = z.object({
	id: RecordId,
	noteId: RecordId,
	queue: z.array(RecordId).max(MAX_ESTIMATION_QUEUE),
	status: z.enum(['picking', 'revealed']),
	picked: z.array(RecordId).max(MAX_PEOPLE),
	revealed: z.array(EstimatePick).max(MAX_PEOPLE).nullable(),
	wideSpread: z.boolean().nullable()
});
export type Estimation = z.infer<typeof Estimation>;

export const PollResult = z.object({ participantId: RecordId, name: DisplayName, confidence: z.number().int().min(1).max(5), better: z.string().max(MAX_POLL_ANSWER_LENGTH) });
export type PollResult = z.infer<typeof PollResult>;

/** The closing poll: confidence 1-5 and one line on what to do better, hidden until revealed. */
export const Poll = z.object({
	id: RecordId,
	status: z.enum(['open', 'revealed']),
	answered: z.number().int().nonnegative(),
	revealed: z.array(PollResult).max(MAX_PEOPLE).nullable()
});
export type Poll = z.infer<typeof Poll>;

export function readBallotRound(doc: Y.Doc): BallotRound {
	const parsed = BallotRound.safeParse(roundsMap(doc).get('ballot'));
	return parsed.success ? parsed.data : NO_BALLOT_ROUND;
}

export function readEstimation(doc: Y.Doc): Estimation | null {
	const parsed = Estimation.safeParse(roundsMap(doc).get('estimation'));
	return parsed.success ? parsed.data : null;
}

export function readPoll(doc: Y.Doc): Poll | null {
	const parsed = Poll.safeParse(roundsMap(doc).get('poll'));
	return parsed.success ? parsed.data : null;
}

/** Server only: writes the rounds that are given (null clears one). */
export function writeRounds(
	doc: Y.Doc,
	rounds: { ballot?: BallotRound; estimation?: Estimation | null; poll?: Poll | null },
	origin: unknown = null
): void {
	doc.transact(() => {
		const map = roundsMap(doc);
		if (rounds.ballot) map.set('ballot', BallotRound.parse(rounds.ballot));
		if (rounds.estimation === null) map.delete('estimation');
		else if (rounds.estimation) map.set('estimation', Estimation.parse(rounds.estimation));
		if (rounds.poll === null) map.delete('poll');
		else if (rounds.poll) map.set('poll', Poll.parse(rounds.poll));
	}, origin);
}

/** The spread of a set of picks: max - min on each axis, and whether it calls for discussion. */
export function spreadOf(picks: ReadonlyArray<{ likelihood: number; impact: number }>, wide: number): {
	likelihood: number;
	impact: number;
	wide: boolean;
} {
	if (picks.length === 0) return { likelihood: 0, impact: 0, wide: false };
	const range = (values: number[]) => Math.max(...values) - Math.min(...values);
	const likelihood = range(picks.map((p) => p.likelihood));
	const impact = range(picks.map((p) => p.impact));
	return { likelihood, impact, wide: likelihood >= wide || impact >= wide };
}

/** Calls `listener` with the ids of the people a transaction wrote (joined, renamed, removed); returns the unsubscribe. */
export function onPeopleWritten(doc: Y.Doc, listener: (participantIds: string[]) => void): () => void {
	const people = peopleMap(doc);
	const handler = (event: Y.YMapEvent<unknown>) => listener([...event.keysChanged]);
	people.observe(handler);
	return () => people.unobserve(handler);
}

/** Calls `listener` once per transaction that changed people or rounds; returns the unsubscribe. */
export function onRoundsChange(doc: Y.Doc, listener: () => void): () => void {
	const roots = new Set<unknown>([peopleMap(doc), roundsMap(doc)]);
	const handler = (tr: Y.Transaction) => {
		for (const type of tr.changedParentTypes.keys()) if (roots.has(type)) return listener();
	};
	doc.on('afterTransaction', handler);
	return () => doc.off('afterTransaction', handler);
}
