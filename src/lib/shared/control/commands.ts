/**
 * Facilitator commands: the body of `POST /api/rooms/<roomId>/control`, validated with zod on
 * the server and typed for the client. The facilitator key travels in the Authorization header
 * (`Bearer <key>`), never in the URL or the body.
 */
import { z } from 'zod';
import { FocusColumn, FocusSort, TimeboxMs } from './doc.ts';
import { ROUND_COMMANDS } from './round-commands.ts';
import { DisplayName } from '../person.ts';
import { CanvasElementId, MAX_VOTES_PER_ENTRY, Question } from '../board/schema.ts';

/** Path of the command endpoint, relative to the API root. */
export function controlPath(roomId: string): string {
	return `/api/rooms/${roomId}/control`;
}
/** `GET` → { now }: the server's clock, for clients' offset estimation. */
export const TIME_PATH = '/api/time';

export const MIN_EXTEND_MS = 1_000;
export const MAX_EXTEND_MS = 60 * 60_000;
/** Awareness client ids are uint32 (Yjs). */
const ClientId = z.number().int().min(0).max(0xffff_ffff);

export const ControlCommand = z.discriminatedUnion('type', [
	z
		.object({
			type: z.literal('set-timeboxes'),
			timeboxesMs: z
				.object({ 1: TimeboxMs.optional(), 2: TimeboxMs.optional(), 3: TimeboxMs.optional(), 4: TimeboxMs.optional() })
				.strict()
		})
		.strict(),
	/** Starts the current question's timer (or resumes it); `name` is recorded as the facilitator's. */
	z.object({ type: z.literal('start'), name: DisplayName.optional() }).strict(),
	z.object({ type: z.literal('pause') }).strict(),
	z.object({ type: z.literal('resume') }).strict(),
	z.object({ type: z.literal('extend'), ms: z.number().int().min(MIN_EXTEND_MS).max(MAX_EXTEND_MS) }).strict(),
	z.object({ type: z.literal('next') }).strict(),
	z.object({ type: z.literal('previous') }).strict(),
	z.object({ type: z.literal('go-to'), question: Question }).strict(),
	z.object({ type: z.literal('end') }).strict(),
	z.object({ type: z.literal('lock'), locked: z.boolean() }).strict(),
	z
		.object({
			type: z.literal('voting'),
			status: z.enum(['free', 'open', 'closed']).optional(),
			budget: z.number().int().min(0).max(MAX_VOTES_PER_ENTRY).optional(),
			hideTotals: z.boolean().optional()
		})
		.strict(),
	z.object({ type: z.literal('start-silent-round') }).strict(),
	z.object({ type: z.literal('reveal') }).strict(),
	/** Follow me: `clientId` is the caller's own awareness client id on the board. */
	z.object({ type: z.literal('follow'), on: z.boolean(), clientId: ClientId.optional(), name: DisplayName.optional() }).strict(),
	/** Spotlights a canvas element for everyone (null clears it). */
	z.object({ type: z.literal('spotlight'), elementId: CanvasElementId.nullable() }).strict(),
	/**
	 * The facilitator's focus for every screen: `lane` points everyone at a lane (null: back to the
	 * current question's); `column` with `sort` orders that lane for everyone.
	 */
	z
		.object({ type: z.literal('focus'), lane: FocusColumn.nullable().optional(), column: FocusColumn.optional(), sort: FocusSort.optional() })
		.strict()
		.refine((c) => (c.column === undefined) === (c.sort === undefined), 'Give a column and its sort together.'),
	/** Makes a present participant a co-facilitator; with handOver the caller's own key stops working. */
	z
		.object({ type: z.literal('promote'), clientId: ClientId, name: DisplayName.optional(), handOver: z.boolean().default(false) })
		.strict(),
	z.object({ type: z.literal('revoke'), grantId: z.string().max(64) }).strict(),
	...ROUND_COMMANDS
]);
export type ControlCommand = z.input<typeof ControlCommand>;
export type ParsedControlCommand = z.output<typeof ControlCommand>;
export type ControlCommandType = ControlCommand['type'];

export const ControlCommandResponse = z.object({ ok: z.literal(true) });
export type ControlCommandResponse = z.infer<typeof ControlCommandResponse>;

export const ServerTimeResponse = z.object({ now: z.number() });
export type ServerTimeResponse = z.infer<typeof ServerTimeResponse>;
