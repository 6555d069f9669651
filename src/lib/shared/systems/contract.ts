/**
 * The contract between systems (issue 15, item 2) and the models that reference each other in
 * their diagrams (item 3): how a dependency element is tagged on the canvas, what a model's
 * public reference looks like, and the shapes of the API a workshop page reads its system and its
 * dependencies through. Both the server and the browser validate with these schemas.
 *
 * A model's `modelRef` names it inside its system and is not a capability: it is drawn at random
 * when the room joins a system, it is what a dependency element stores, and it is the only name
 * of another model a workshop ever sees. A room id is never written into another room's board:
 * every participant (and observer) of the referencing model reads the board, and a room id is the
 * edit link to that room.
 */
import { z } from 'zod';
import type * as Y from 'yjs';
import { canvasMap } from '../board/doc.ts';
import { DFD_META_KEY, MODEL_DEPENDENCY_KIND } from '../canvas/dfd.ts';
import { isObject } from '../canvas/plain.ts';

/** The `meta.dfd` value of a dependency element: a shape standing for another model of the system. */
export { MODEL_DEPENDENCY_KIND };
/** The `meta` key holding the referenced model's `modelRef`. */
export const MODEL_REF_META_KEY = 'modelRef';

/** 96 random bits, base64url: unguessable enough that a forged ref finds nothing, short to store. */
export const ModelRef = z.string().regex(/^[A-Za-z0-9_-]{16}$/);
export type ModelRef = z.infer<typeof ModelRef>;

/** The most dependency elements one diagram may name (more are ignored by readers). */
export const MAX_DEPENDENCY_REFS = 100;

/**
 * The distinct model refs a board's diagram references, in record-id order. Reads the canvas
 * root as plain values and skips anything malformed: any peer may be hostile.
 */
export function readDependencyRefs(board: Y.Doc): ModelRef[] {
	const refs = new Set<ModelRef>();
	const canvas = canvasMap(board);
	const ids = [...canvas.keys()].sort();
	for (const id of ids) {
		if (refs.size >= MAX_DEPENDENCY_REFS) break;
		const ref = dependencyRefOfRecord(canvas.get(id));
		if (ref) refs.add(ref);
	}
	return [...refs];
}

/** The model ref a tldraw record (plain JSON) stands for, when it is a well-formed dependency element. */
export function dependencyRefOfRecord(record: unknown): ModelRef | undefined {
	if (!isObject(record) || record.typeName !== 'shape' || !isObject(record.meta)) return undefined;
	if (record.meta[DFD_META_KEY] !== MODEL_DEPENDENCY_KIND) return undefined;
	const parsed = ModelRef.safeParse(record.meta[MODEL_REF_META_KEY]);
	return parsed.success ? parsed.data : undefined;
}

/** One open high-risk threat of a referenced model, as the referencing model sees it (read-only). */
export const DependencyThreat = z.strictObject({
	/** The threat's note id in the referenced model (stable across its iterations). */
	id: z.string().max(64),
	/** T1, T2… as the referenced model's report numbers it. */
	ref: z.string().max(16),
	title: z.string().max(500),
	stride: z.array(z.enum(['S', 'T', 'R', 'I', 'D', 'E'])).max(6),
	risk: z.number().int().min(1).max(25),
	status: z.string().max(40)
});
export type DependencyThreat = z.infer<typeof DependencyThreat>;

/**
 * What a workshop learns about one model it references. `unknown` covers a ref that is not in
 * this room's system, a forged ref and a ref of another system alike, so the answer never tells
 * them apart; `removed` is a model that was in this system and was removed or archived.
 */
export const DependencyStatus = z.discriminatedUnion('state', [
	z.strictObject({
		modelRef: ModelRef,
		state: z.literal('ok'),
		name: z.string().max(200),
		/** Open threats at HIGH_RISK_MIN_SCORE or more, highest risk first, at most 20. */
		openHighRisk: z.array(DependencyThreat).max(20),
		/** How many there are in all (openHighRisk may be cut at 20). */
		openHighRiskCount: z.number().int().min(0)
	}),
	z.strictObject({ modelRef: ModelRef, state: z.literal('removed'), name: z.string().max(200) }),
	z.strictObject({ modelRef: ModelRef, state: z.literal('unknown') })
]);
export type DependencyStatus = z.infer<typeof DependencyStatus>;

/** A model of the system as a member model's workshop sees it (for choosing a dependency). */
export const SystemModelEntry = z.strictObject({
	modelRef: ModelRef,
	name: z.string().max(200),
	/** True for the room asking. */
	self: z.boolean(),
	removed: z.boolean()
});
export type SystemModelEntry = z.infer<typeof SystemModelEntry>;

/**
 * `GET /api/rooms/:roomId/system` (any link to the room, observer links included): the system
 * the room belongs to, or null.
 */
export const RoomSystemResponse = z.strictObject({
	system: z
		.strictObject({
			name: z.string().max(200),
			/** This room's own ref in the system. */
			modelRef: ModelRef,
			models: z.array(SystemModelEntry).max(500)
		})
		.nullable()
});
export type RoomSystemResponse = z.infer<typeof RoomSystemResponse>;

/**
 * `GET /api/rooms/:roomId/dependencies?refs=a,b,c` (at most MAX_DEPENDENCY_REFS refs): the status
 * of each model this room references, in the order asked. Refused with 400 when a ref is malformed.
 */
export const DependenciesResponse = z.strictObject({ dependencies: z.array(DependencyStatus).max(MAX_DEPENDENCY_REFS) });
export type DependenciesResponse = z.infer<typeof DependenciesResponse>;

/**
 * `GET /api/rooms/:roomId/dependencies/events?refs=a,b,c`: Server-Sent Events; each event is
 * `data: <DependenciesResponse JSON>`, sent at once and again whenever a referenced model's open
 * high-risk threats (or its state) change, at most every 250 ms per stream.
 */
export const DEPENDENCY_EVENTS_MIN_INTERVAL_MS = 250;

/** `GET /api/rooms/:roomId/dependents`: the models of the same system whose diagram references this room. */
export const DependentsResponse = z.strictObject({
	dependents: z.array(z.strictObject({ modelRef: ModelRef, name: z.string().max(200) })).max(500)
});
export type DependentsResponse = z.infer<typeof DependentsResponse>;
