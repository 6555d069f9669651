/**
 * Presence (who is here, their name and colour, what they are doing) travels in Yjs awareness,
 * never in the documents. Everything read from awareness comes from other clients: validate it.
 */
import { z } from 'zod';
import { Person } from '../person.ts';
import { ROLES } from './roles.ts';

/** `participantId` is set by the server from the identity the connection proved, never trusted from the client. */
export const PresenceUser = Person.extend({ role: z.enum(ROLES).optional() });
export type PresenceUser = z.infer<typeof PresenceUser>;

/** Most selected canvas ids one client shares; a bigger selection is shown in part. */
export const MAX_PRESENCE_SELECTION = 64;

const Coordinate = z.number().finite().min(-1e7).max(1e7);

/** Where someone is on the canvas: cursor, selection and viewport (for following them). */
export const CanvasPresence = z.object({
	// tldraw's own id shapes: a presence naming a page or a shape otherwise made tldraw refuse the
	// cursor record, and with it every other person's cursor in the same batch (or the canvas at load).
	pageId: z.string().max(128).startsWith('page:'),
	cursor: z.object({ x: Coordinate, y: Coordinate }).nullable(),
	selection: z.array(z.string().max(128).startsWith('shape:')).max(MAX_PRESENCE_SELECTION),
	camera: z.object({ x: Coordinate, y: Coordinate, z: z.number().finite().min(0.01).max(100) }),
	screen: z.object({ w: z.number().finite().min(1).max(20_000), h: z.number().finite().min(1).max(20_000) })
});
export type CanvasPresence = z.infer<typeof CanvasPresence>;

/** The awareness state of one client. Unknown extra fields are ignored, not trusted. */
export const PresenceState = z.object({
	user: PresenceUser,
	/** Id of the note this person is typing in, if any. */
	editing: z.string().max(64).nullable().optional(),
	/** A malformed canvas part hides that person's cursor, not the person. */
	canvas: CanvasPresence.optional().catch(undefined)
});
export type PresenceState = z.infer<typeof PresenceState>;

/** Parses a remote awareness state; undefined when it is not a valid presence. */
export function readPresence(state: unknown): PresenceState | undefined {
	const parsed = PresenceState.safeParse(state);
	return parsed.success ? parsed.data : undefined;
}
