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
	rounds: 'rounds',
	/**
	 * Y.Map participantId → when a facilitator removed them. Apart from the people, and only ever
	 * added to: kept in the person's record, a rename or role written on another instance at the
	 * same moment could win over the removal (Yjs keeps one of two writes of a key) and undo it.
	 */
	removed: 'removed'
} as const;

const peopleMap = (doc: Y.Doc) => doc.getMap<unknown>(ROUNDS_ROOTS.people);
const removedMap = (doc: Y.Doc) => doc.getMap<unknown>(ROUNDS_ROOTS.removed);
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
	 * When a facilitator removed them from the workshop (kept in ROUNDS_ROOTS.removed): their
	 * identity no longer signs in, their name is free, and they count in no round. The record
	 * stays, for the notes and decisions they made while they took part.
	 */
	removedAt: Timestamp.optional()
});
export type Person = z.infer<typeof Person>;
/** A person as the people map keeps them (their removal is kept apart). */
const StoredPerson = Person.omit({ removedAt: true });
/** People a room keeps at most: a bound on what joining can make the server write. */
export const MAX_PEOPLE = 1_000;

/** Whether a person still takes part (no facilitator removed them). */
export const takesPart = (person: Pick<Person, 'removedAt'>): boolean => person.removedAt === undefined;

/** Everyone who joined with an identity, by participant id, those removed since too. */
export function readPeople(doc: Y.Doc): Map<string, Person> {
	const people = new Map<string, Person>();
	peopleMap(doc).forEach((_, id) => {
		const person = readPerson(doc, id);
		if (person && RecordId.safeParse(id).success) people.set(id, person);
	});
	return people;
}

export function readPerson(doc: Y.Doc, participantId: string): Person | undefined {
	const parsed = StoredPerson.safeParse(peopleMap(doc).get(participantId));
	if (!parsed.success) return undefined;
	const removedAt = Timestamp.safeParse(removedMap(doc).get(participantId));
	return removedAt.success ? { ...parsed.data, removedAt: removedAt.data } : parsed.data;
}

/** Server only. A person's removal is written apart (writeRemoval), and never undone here. */
export function writePerson(doc: Y.Doc, participantId: string, person: Person, origin: unknown = null): void {
	const id = RecordId.parse(participantId);
	const { removedAt, ...stored } = person;
	doc.transact(() => {
		peopleMap(doc).set(id, StoredPerson.parse(stored));
		if (removedAt !== undefined) writeRemoval(doc, id, removedAt);
	}, origin);
}

/** Server only. Records that a facilitator removed this person (the first time counts). */
export function writeRemoval(doc: Y.Doc, participantId: string, at: number, origin: unknown = null): void {
	const id = RecordId.parse(participantId);
	if (removedMap(doc).has(id)) return;
	doc.transact(() => removedMap(doc).set(id, Timestamp.parse(at)), origin);
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

/** Calls `listener` with the ids of the people a transaction removed; returns the unsubscribe. */
export function onRemovals(doc: Y.Doc, listener: (participantIds: string[]) => void): () => void {
	const removed = removedMap(doc);
	const handler = (event: Y.YMapEvent<unknown>) => listener([...event.keysChanged]);
	removed.observe(handler);
	return () => removed.unobserve(handler);
}

/** Calls `listener` once per transaction that changed people or rounds; returns the unsubscribe. */
export function onRoundsChange(doc: Y.Doc, listener: () => void): () => void {
	const roots = new Set<unknown>([peopleMap(doc), roundsMap(doc), removedMap(doc)]);
	const handler = (tr: Y.Transaction) => {
		for (const type of tr.changedParentTypes.keys()) if (roots.has(type)) return listener();
	};
	doc.on('afterTransaction', handler);
	return () => doc.off('afterTransaction', handler);
}
