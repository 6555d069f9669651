/**
 * Typed access to a room's `sealed` document: what participants hand in privately until the
 * facilitator reveals it. Only the server reads and writes it (no sync path reaches it), so
 * nothing here is ever sent to a browser: hidden ballots, estimation picks, closing-poll answers,
 * the hashes of participants' secrets, and what removed notes held (for undo). It is stored and replicated like the other documents,
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
	answers: 'answers',
	/** noteId → { author, authorId, estimate, votes, at }: what a removed note held (RemovedNote) */
	removals: 'removals'
} as const;

const participantsMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.participants);
const ballotsMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.ballots);
const picksMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.picks);
const answersMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.answers);
const removalsMap = (doc: Y.Doc) => doc.getMap<unknown>(SEALED_ROOTS.removals);

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

/** A participant's secret is forgotten: their identity no longer signs in. */
export function forgetParticipantSecret(doc: Y.Doc, participantId: string): void {
	participantsMap(doc).delete(participantId);
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

export function forgetPick(doc: Y.Doc, estimationId: string, participantId: string): void {
	picksMap(doc).delete(`${estimationId}:${participantId}`);
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

export function forgetAnswer(doc: Y.Doc, pollId: string, participantId: string): void {
	answersMap(doc).delete(`${pollId}:${participantId}`);
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

// ---- Removed notes ----------------------------------------------------------------------------

/**
 * What a removed note held that only its author or a round may write: a note brought back under
 * its id (undo) must bring back the same. Kept here, not in the server's memory, so that it holds
 * after a restart or an eviction and on every instance.
 */
export const RemovedNote = z.strictObject({
	/** The name the note was shown under. */
	author: z.string().nullable(),
	authorId: z.string().nullable(),
	/** The note's estimate as it was stored (null when it had none); compared as the rules read it. */
	estimate: z.unknown(),
	/** Vote key (`<participantId>:<noteId>`) → dots. */
	votes: z.record(z.string(), z.number()),
	at: Timestamp
});
export type RemovedNote = z.infer<typeof RemovedNote>;

/** Removed notes remembered per room, the oldest forgotten first. */
export const MAX_REMEMBERED_REMOVALS = 2_000;

/** Records what notes held as they were removed; past the limit, the oldest records go. */
export function rememberRemovedNotes(doc: Y.Doc, removed: ReadonlyMap<string, RemovedNote>): void {
	const map = removalsMap(doc);
	for (const [noteId, note] of removed) map.set(noteId, RemovedNote.parse(note));
	// Trimmed in steps (a tenth of the limit at a time), so a run of removals does not sort the
	// records once per removal.
	if (map.size <= MAX_REMEMBERED_REMOVALS + MAX_REMEMBERED_REMOVALS / 10) return;
	const byAge: Array<[string, number]> = [];
	map.forEach((value, key) => byAge.push([key, RemovedNote.safeParse(value).data?.at ?? 0]));
	byAge.sort((a, b) => a[1] - b[1]);
	for (const [key] of byAge.slice(0, byAge.length - MAX_REMEMBERED_REMOVALS)) map.delete(key);
}

export function readRemovedNote(doc: Y.Doc, noteId: string): RemovedNote | undefined {
	const parsed = RemovedNote.safeParse(removalsMap(doc).get(noteId));
	return parsed.success ? parsed.data : undefined;
}

export function countRemovedNotes(doc: Y.Doc): number {
	return removalsMap(doc).size;
}
