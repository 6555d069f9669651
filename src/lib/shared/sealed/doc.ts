/**
 * Typed access to a room's `sealed` document: what participants hand in privately until the
 * facilitator reveals it. Only the server reads and writes it (no sync path reaches it), so
 * nothing here is ever sent to a browser: hidden ballots, estimation picks, closing-poll answers,
 * and the hashes of participants' secrets. It is stored and replicated like the other documents,
 * so everything in it survives a restart or kill -9 and works whichever instance a participant
 * reaches.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { RecordId, Rating, Timestamp } from '../board/schema.ts';

export const SEALED_ROOTS = {
	/** participantId → { secretHash, createdAt } */
	participants: 'participants',
	/** `${round}:${participantId}:${noteId}` → dots (a hidden voting round's ballots) */
	ballots: 'ballots',
	/** `${estimationId}:${participantId}` → { likelihood, impact, at } */
	picks: 'picks',
	/** `${pollId}:${participantId}` → { confidence, better, at } */
	answers: 'answers'
} as const;

const participantsMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.participants);
const ballotsMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.ballots);
const picksMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.picks);
const answersMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.answers);

// ---- Participants -----------------------------------------------------------------------------

export const ParticipantSecretRecord = z.strictObject({
	/** SHA-256 (hex) of the participant's secret; the secret itself is never stored. */
	secretHash: z.string().regex(/^[0-9a-f]{64}$/),
	createdAt: Timestamp
});
export type ParticipantSecretRecord = z.infer<typeof ParticipantSecretRecord>;

export function readParticipantSecret(doc: Y.Doc, participantId: string): ParticipantSecretRecord | undefined {
	const parsed = ParticipantSecretRecord.safeParse(participantsMap(doc).get(participantId));
	return parsed.success ? parsed.data : undefined;
}

export function writeParticipantSecret(doc: Y.Doc, participantId: string, record: ParticipantSecretRecord): void {
	participantsMap(doc).set(RecordId.parse(participantId), ParticipantSecretRecord.parse(record));
}

export function countParticipants(doc: Y.Doc): number {
	return participantsMap(doc).size;
}

// ---- Hidden ballots ---------------------------------------------------------------------------

export interface Ballot {
	round: number;
	participantId: string;
	noteId: string;
	dots: number;
}

const ballotKey = (round: number, participantId: string, noteId: string) => `${round}:${participantId}:${noteId}`;

/** Sets a participant's dots on one note in a round (0 removes them). */
export function setBallot(doc: Y.Doc, ballot: Ballot): void {
	const key = ballotKey(ballot.round, RecordId.parse(ballot.participantId), RecordId.parse(ballot.noteId));
	const dots = z.number().int().min(0).max(1_000).parse(ballot.dots);
	if (dots === 0) ballotsMap(doc).delete(key);
	else ballotsMap(doc).set(key, dots);
}

/** Every ballot of a round. */
export function listBallots(doc: Y.Doc, round: number): Ballot[] {
	const ballots: Ballot[] = [];
	ballotsMap(doc).forEach((value, key) => {
		const [r, participantId, noteId, extra] = key.split(':');
		if (extra !== undefined || Number(r) !== round || typeof value !== 'number' || !Number.isInteger(value) || value <= 0) return;
		if (!RecordId.safeParse(participantId).success || !RecordId.safeParse(noteId).success) return;
		ballots.push({ round, participantId, noteId, dots: value });
	});
	return ballots.sort((a, b) => (a.participantId + a.noteId < b.participantId + b.noteId ? -1 : 1));
}

// ---- Estimation picks -------------------------------------------------------------------------

export const Pick = z.strictObject({ likelihood: Rating, impact: Rating, at: Timestamp });
export type Pick = z.infer<typeof Pick>;

export function setPick(doc: Y.Doc, estimationId: string, participantId: string, pick: Pick): void {
	picksMap(doc).set(`${RecordId.parse(estimationId)}:${RecordId.parse(participantId)}`, Pick.parse(pick));
}

/** Every pick of one estimation, by participant id. */
export function listPicks(doc: Y.Doc, estimationId: string): Map<string, Pick> {
	const picks = new Map<string, Pick>();
	picksMap(doc).forEach((value, key) => {
		const [id, participantId, extra] = key.split(':');
		if (extra !== undefined || id !== estimationId) return;
		const parsed = Pick.safeParse(value);
		if (parsed.success && RecordId.safeParse(participantId).success) picks.set(participantId, parsed.data);
	});
	return picks;
}

// ---- Closing poll answers ---------------------------------------------------------------------

export const MAX_POLL_ANSWER_LENGTH = 280;
export const PollAnswer = z.strictObject({
	confidence: z.number().int().min(1).max(5),
	better: z.string().max(MAX_POLL_ANSWER_LENGTH),
	at: Timestamp
});
export type PollAnswer = z.infer<typeof PollAnswer>;

export function setAnswer(doc: Y.Doc, pollId: string, participantId: string, answer: PollAnswer): void {
	answersMap(doc).set(`${RecordId.parse(pollId)}:${RecordId.parse(participantId)}`, PollAnswer.parse(answer));
}

export function listAnswers(doc: Y.Doc, pollId: string): Map<string, PollAnswer> {
	const answers = new Map<string, PollAnswer>();
	answersMap(doc).forEach((value, key) => {
		const [id, participantId, extra] = key.split(':');
		if (extra !== undefined || id !== pollId) return;
		const parsed = PollAnswer.safeParse(value);
		if (parsed.success && RecordId.safeParse(participantId).success) answers.set(participantId, parsed.data);
	});
	return answers;
}
