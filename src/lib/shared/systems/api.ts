/**
 * The systems API (issue 15, item 2), shared by the server and the system page:
 *
 *   POST   /api/systems                            → 201 CreateSystemResponse (rate-limited like rooms)
 *   GET    /api/systems/<id>                        → SystemView (<id>: member or observer id; owner key optional)
 *   PATCH  /api/systems/<systemId>                  rename (owner key)
 *   POST   /api/systems/<systemId>/models           a new workshop in the system (member link or owner
 *                                                   key), or an existing one (owner key AND the room's
 *                                                   facilitator key in X-Facilitator-Key)
 *   DELETE /api/systems/<systemId>/models/<ref>     archive a model (owner key): dependents see "removed"
 *   POST   /api/systems/<systemId>/models/<ref>/restore  un-archive it (owner key), under the same ref:
 *                                                   409 if its workshop joined a system since, or the
 *                                                   system is full
 *   GET    /api/systems/<id>/report.md|report.json  the system report
 *
 * Who sees what: the observer link and the member link see names and status only. Only the owner
 * key holder gets each model's workshop link (its room id, a participant capability), so handing
 * out the system's member or observer link never hands out the workshops. The member link may
 * create a new workshop in the system; its creator gets that workshop's links, as on the landing page.
 */
import { z } from 'zod';
import { PRINTABLE } from '../text.ts';
import { CreateRoomResponse, MAX_TITLE_LENGTH } from '../wire/api.ts';
import { DependencyThreat, ModelRef } from './contract.ts';
import { MAX_SYSTEM_NAME_LENGTH } from './links.ts';

/** The most models (not removed) one system may hold. */
export const MAX_MODELS_PER_SYSTEM = 200;
/** The header carrying the room's facilitator key when an existing workshop joins a system. */
export const FACILITATOR_KEY_HEADER = 'x-facilitator-key';

const SystemName = z
	.string()
	.trim()
	.min(1, 'a system needs a name')
	.max(MAX_SYSTEM_NAME_LENGTH, `name must be at most ${MAX_SYSTEM_NAME_LENGTH} characters`)
	.regex(PRINTABLE, 'name must not contain control characters');

export const CreateSystemRequest = z.strictObject({ name: SystemName });
export type CreateSystemRequest = z.infer<typeof CreateSystemRequest>;
export const RenameSystemRequest = CreateSystemRequest;

export const SystemLinks = z.strictObject({ owner: z.string(), member: z.string(), observer: z.string() });
export const CreateSystemResponse = z.strictObject({
	systemId: z.string(),
	name: z.string(),
	createdAt: z.number(),
	ownerKey: z.string(),
	observerId: z.string(),
	links: SystemLinks
});
export type CreateSystemResponse = z.infer<typeof CreateSystemResponse>;

/** POST .../models: `{title}` creates a workshop in the system; `{roomId}` adds an existing one. */
export const AddModelRequest = z.union([
	z.strictObject({
		title: z.string().trim().max(MAX_TITLE_LENGTH).regex(PRINTABLE, 'title must not contain control characters').optional()
	}),
	z.strictObject({ roomId: z.string().regex(/^[A-Za-z0-9_-]{24}$/, 'roomId is a workshop link id (24 characters)') })
]);
export type AddModelRequest = z.infer<typeof AddModelRequest>;

export const AddModelResponse = z.strictObject({
	modelRef: ModelRef,
	name: z.string(),
	/** The new workshop's links (only when the workshop was created by this request). */
	room: CreateRoomResponse.optional()
});
export type AddModelResponse = z.infer<typeof AddModelResponse>;

export const ModelStatus = z.strictObject({
	modelRef: ModelRef,
	name: z.string(),
	removed: z.boolean(),
	/** The workshop's participant link: owner key holders only. */
	link: z.string().optional(),
	threatCount: z.number().int().min(0),
	openHighRiskCount: z.number().int().min(0),
	/** Percent of diagram elements and flows with a threat; null with no diagram (or removed). */
	coverage: z.number().int().min(0).max(100).nullable(),
	lastIteration: z.strictObject({ number: z.number().int().min(1), createdAt: z.number() }).nullable(),
	/** The models of this system its diagram references. */
	dependsOn: z.array(ModelRef)
});
export type ModelStatus = z.infer<typeof ModelStatus>;

export const LaunchBlocker = z.strictObject({ modelRef: ModelRef, modelName: z.string(), threat: DependencyThreat });
export type LaunchBlocker = z.infer<typeof LaunchBlocker>;

export const SystemView = z.strictObject({
	name: z.string(),
	createdAt: z.number(),
	access: z.enum(['owner', 'member', 'observer']),
	/** The risk score from which an open threat is high risk (and a launch blocker). */
	highRiskMin: z.number().int(),
	models: z.array(ModelStatus),
	/** Every launch blocker of every model (not removed), highest risk first. */
	blockers: z.array(LaunchBlocker),
	/** When the figures were read (ms since the epoch). */
	readAt: z.number()
});
export type SystemView = z.infer<typeof SystemView>;
