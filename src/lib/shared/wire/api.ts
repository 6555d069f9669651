/** The JSON HTTP API's request and response shapes, shared by the server and the client. */
import { z } from 'zod';
import { PRINTABLE } from '../text.ts';
import { MAX_TITLE_LENGTH } from './room-links.ts';

export { DEFAULT_TITLE, MAX_TITLE_LENGTH, facilitatorPath, observerPath, participantPath } from './room-links.ts';


export const CreateRoomRequest = z
	.object({
		title: z
			.string()
			.trim()
			.max(MAX_TITLE_LENGTH, `title must be at most ${MAX_TITLE_LENGTH} characters`)
			.regex(PRINTABLE, 'title must not contain control characters')
			.optional()
	})
	.strict();
export type CreateRoomRequest = z.infer<typeof CreateRoomRequest>;

export const RoomLinks = z.object({
	participant: z.string(),
	facilitator: z.string(),
	observer: z.string()
});

export const CreateRoomResponse = z.object({
	roomId: z.string(),
	title: z.string(),
	createdAt: z.number(),
	facilitatorKey: z.string(),
	observerId: z.string(),
	/** Paths relative to the app's origin. Secrets travel in the fragment, never to a server. */
	links: RoomLinks
});
export type CreateRoomResponse = z.infer<typeof CreateRoomResponse>;

export const RoomInfoResponse = z.object({
	title: z.string(),
	createdAt: z.number(),
	role: z.enum(['participant', 'observer'])
});
export type RoomInfoResponse = z.infer<typeof RoomInfoResponse>;

/** Settings the browser needs at run time (GET /api/config), read from the server's environment. */
export const ClientConfigResponse = z.object({
	/** tldraw's licence key, or null (see README, "The canvas and tldraw's licence"). */
	tldrawLicenseKey: z.string().nullable()
});
export type ClientConfigResponse = z.infer<typeof ClientConfigResponse>;

export const ApiErrorCode = {
	InvalidRequest: 'invalid_request',
	InvalidJson: 'invalid_json',
	NotFound: 'not_found',
	PayloadTooLarge: 'payload_too_large',
	Internal: 'internal_error',
	Unavailable: 'unavailable',
	/** 401: the request needs a facilitator key and carried none. */
	Unauthorized: 'unauthorized',
	/** 403: the key given is not a facilitator key of this room. */
	Forbidden: 'forbidden',
	/** 409: the command does not apply now (e.g. "the timer is not running"). */
	Conflict: 'conflict',
	/** 409: a name to join or rename with only looks like another participant's; choose another. */
	NameLooksLikeAnother: 'name_looks_like_another',
	/** 409: another device of the same person renamed them since this device last saw their name; the workshop keeps that name. */
	NameChangedElsewhere: 'name_changed_elsewhere',
	/** 429: too many requests; retry shortly. */
	RateLimited: 'rate_limited',
	/** 415: the body is not JSON (a cross-site form cannot send JSON without asking first). */
	UnsupportedMediaType: 'unsupported_media_type',
	/** 507: the server takes no new workshops (MAX_ROOMS, or its disk is almost full). */
	InsufficientStorage: 'insufficient_storage'
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export interface ApiError {
	error: { code: ApiErrorCode; message: string; issues?: Array<{ path: string; message: string }> };
}
