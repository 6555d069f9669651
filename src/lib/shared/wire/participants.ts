/**
 * The participant API: registering an identity in a workshop, and what participants hand in
 * privately (hidden ballots, estimation picks, closing-poll answers). Requests carry the identity
 * in `Authorization: Participant <participantId>.<secret>`, never in the URL.
 */
import { z } from 'zod';
import { Rating, RecordId } from '../board/schema.ts';
import { DisplayName } from '../person.ts';
import { cleanText } from '../text.ts';
import { MAX_POLL_ANSWER_LENGTH } from '../sealed/doc.ts';

export const PARTICIPANT_AUTH_SCHEME = 'Participant';

export const participantsPath = (roomId: string) => `/api/rooms/${roomId}/participants`;
export const myParticipantPath = (roomId: string) => `/api/rooms/${roomId}/participants/me`;
export const ballotsPath = (roomId: string) => `/api/rooms/${roomId}/ballots`;
export const myBallotsPath = (roomId: string) => `/api/rooms/${roomId}/ballots/mine`;
export const ballotPath = (roomId: string, noteId: string) => `/api/rooms/${roomId}/ballots/${noteId}`;
export const myPickPath = (roomId: string) => `/api/rooms/${roomId}/estimates/mine`;
export const myAnswerPath = (roomId: string) => `/api/rooms/${roomId}/poll/mine`;

/** `<participantId>.<secret>`: the value of the sub-protocol and of the Authorization header. */
export function participantToken(participantId: string, secret: string): string {
	return `${participantId}.${secret}`;
}

export const RegisterParticipantRequest = z.strictObject({ name: DisplayName });
export const RegisterParticipantResponse = z.object({ participantId: RecordId, secret: z.string() });
export type RegisterParticipantResponse = z.infer<typeof RegisterParticipantResponse>;

/**
 * `from`: the names the renaming device knows the workshop may hold (seen there, taken, or sent
 * with the answer lost). When the workshop holds none of them, another device of the same person
 * has renamed them since, unseen by this one: the rename is refused (409 name_changed_elsewhere)
 * rather than overwrite the newer name with an older wish (a rename retried after a dropped
 * connection). Without `from` (or empty), the rename is taken.
 */
export const MAX_RENAME_FROM_NAMES = 8;
export const RenameParticipantRequest = z.strictObject({ name: DisplayName, from: z.array(DisplayName).max(MAX_RENAME_FROM_NAMES).optional() });

export const BallotRequest = z.strictObject({ dots: z.number().int().min(0).max(100) });
export const BallotsResponse = z.object({ mine: z.record(RecordId, z.number().int().positive()), used: z.number().int(), budget: z.number().int() });
export type BallotsResponse = z.infer<typeof BallotsResponse>;
/** What the facilitator sees during a hidden round: the running totals. */
export const BallotTotalsResponse = z.object({ totals: z.record(RecordId, z.number().int().positive()), voted: z.number().int(), eligible: z.number().int() });
export type BallotTotalsResponse = z.infer<typeof BallotTotalsResponse>;

export const PickRequest = z.strictObject({ likelihood: Rating, impact: Rating });
export const PickResponse = z.object({ pick: z.object({ likelihood: Rating, impact: Rating }).nullable() });
export type PickResponse = z.infer<typeof PickResponse>;

/**
 * "One line on what to do better": cleaned as typed text is (controls, bidi overrides and
 * invisible characters dropped) and made one line, since everyone reads it after the reveal and
 * it goes into the exports (it was stored as sent: a bidi override or a line break reached every
 * board and the JSON export).
 */
export const AnswerRequest = z.strictObject({
	confidence: z.number().int().min(1).max(5),
	better: z
		.string()
		.max(MAX_POLL_ANSWER_LENGTH)
		.transform((text) => cleanText(text).replace(/\s+/g, ' ').trim())
});
export const AnswerResponse = z.object({ answer: z.object({ confidence: z.number().int(), better: z.string() }).nullable() });
export type AnswerResponse = z.infer<typeof AnswerResponse>;
