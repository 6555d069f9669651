/**
 * The wire contract between browsers and the sync server, defined once for both sides.
 *
 * Message framing is the y-websocket protocol: every binary frame starts with a varUint
 * message type, followed by a y-protocols payload (sync, awareness or auth).
 */

/** Bumped when the framing or path layout changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/** WebSocket sub-protocol every Threatboard client offers; the server selects it. */
export const SUBPROTOCOL = 'threatboard.v1';
/**
 * Prefix of the optional second sub-protocol carrying a facilitator key. Sent in the
 * handshake (not the URL) so that secrets never land in access logs or browser history.
 */
export const FACILITATOR_SUBPROTOCOL_PREFIX = 'tb-key.';
/** Prefix of the sub-protocol carrying a participant's identity: `tb-participant.<id>.<secret>`. */
export const PARTICIPANT_SUBPROTOCOL_PREFIX = 'tb-participant.';

export const MessageType = {
	Sync: 0,
	Awareness: 1,
	Auth: 2,
	QueryAwareness: 3,
	/** Server → one client: a facilitator key granted to it (src/lib/shared/wire/facilitator-key.ts). */
	FacilitatorKey: 4
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types of a Sync message (y-protocols/sync). */
export const SyncStep = {
	Step1: 0,
	Step2: 1,
	Update: 2
} as const;

/**
 * Close codes sent by the server. 44xx mirror the HTTP 4xx status with the same meaning and are
 * final: y-websocket (3.x) stops reconnecting on 4400-4499. 45xx are transient: it retries.
 */
/** The reason a removed participant's connections close with (4401): their browser says so, and does not join again by itself. */
export const REMOVED_BY_FACILITATOR = 'participant removed by a facilitator';

export const CloseCode = {
	Normal: 1000,
	GoingAway: 1001,
	/** The frame exceeded MAX_MESSAGE_BYTES (the ws library's own code for this). */
	MessageTooBig: 1009,
	/** The server cannot take the connection right now (shutting down, storage down). */
	TryAgainLater: 1013,
	MalformedMessage: 4400,
	Unauthorized: 4401,
	Forbidden: 4403,
	RoomNotFound: 4404,
	/** The client did not keep up with what the server had to send it; it may reconnect. */
	SlowConsumer: 4508,
	/** The store cannot take writes right now; the client may reconnect later. */
	StorageUnavailable: 4503,
	/** Awareness state over MAX_AWARENESS_BYTES, or too many awareness client ids. */
	AwarenessTooLarge: 4413,
	/**
	 * The update would grow the document past MAX_DOC_BYTES. Final: the client would only send
	 * the same update again. Stored data is untouched.
	 */
	DocumentTooLarge: 4422,
	/** Over MAX_MESSAGES_PER_SECOND or MAX_BYTES_PER_SECOND. */
	RateLimited: 4429,
	/**
	 * The update holds what no honest client writes (a value nested too deeply, a deletion of
	 * items that do not exist yet, a write to a key only the server sets). Nothing was applied.
	 */
	UpdateRefused: 4406,
	/** The room already has MAX_CONNECTIONS_PER_ROOM connections on this server; retry later. */
	RoomFull: 4529
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Documents clients open through /sync/<id>/<doc>. */
export const SYNC_DOC_NAMES = ['board', 'control'] as const;
export type SyncDocName = (typeof SYNC_DOC_NAMES)[number];
/**
 * Every document a room keeps: the two clients sync, and `sealed`, which holds what participants
 * hand in privately (participant secrets' hashes, hidden ballots, estimation picks, poll answers)
 * until the facilitator reveals it. Only the server reads and writes `sealed`: no sync path reaches it.
 */
export const DOC_NAMES = [...SYNC_DOC_NAMES, 'sealed'] as const;
export type DocName = (typeof DOC_NAMES)[number];

/** Reason string carried by an Auth permission-denied message when writes are refused. */
export const READ_ONLY_REASON = 'read-only';

export const SYNC_PATH_PREFIX = '/sync/';
