/**
 * The facilitator commands of the private rounds (shared/control/rounds.ts), part of the
 * ControlCommand union: who may vote, re-opening a round, estimation rounds, the closing poll,
 * workshop roles, and removing a participant. Validated on the server like every command.
 */
import { z } from 'zod';
import { Rating, RecordId } from '../board/schema.ts';
import { MAX_ESTIMATION_QUEUE, MAX_PEOPLE, WORKSHOP_ROLES } from './rounds.ts';

export const ROUND_COMMANDS = [
	/** Who may not vote in the voting round (a product owner who decides later, say). */
	z.object({ type: z.literal('exclude-voters'), participantIds: z.array(RecordId).max(MAX_PEOPLE) }).strict(),
	/** Opens the last closed voting round again, with its ballots. */
	z.object({ type: z.literal('reopen-voting') }).strict(),
	/** Puts threats up for estimation, the first now and the rest as a queue. */
	z.object({ type: z.literal('estimate'), noteIds: z.array(RecordId).min(1).max(MAX_ESTIMATION_QUEUE) }).strict(),
	z.object({ type: z.literal('reveal-estimates') }).strict(),
	/** Records the agreed values on the threat, with the picks, and moves to the next in the queue. */
	z.object({ type: z.literal('record-estimate'), likelihood: Rating, impact: Rating }).strict(),
	z.object({ type: z.literal('skip-estimate') }).strict(),
	z.object({ type: z.literal('end-estimation') }).strict(),
	z.object({ type: z.literal('poll'), action: z.enum(['open', 'reveal', 'close']) }).strict(),
	z.object({ type: z.literal('set-workshop-role'), participantId: RecordId, role: z.enum(WORKSHOP_ROLES).nullable() }).strict(),
	/** Ends a participant's identity: signed out everywhere, their name free, counted in no round. */
	z.object({ type: z.literal('remove-participant'), participantId: RecordId }).strict()
] as const;

export type RoundCommandType = z.infer<(typeof ROUND_COMMANDS)[number]>['type'];
export const ROUND_COMMAND_TYPES = new Set<string>(ROUND_COMMANDS.map((c) => c.shape.type.value));
