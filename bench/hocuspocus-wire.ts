/**
 * Hocuspocus's framing for the bench clients. Hocuspocus multiplexes documents over one socket:
 * every frame starts with the document's name (a lib0 varString), then the y-websocket message
 * (type, payload), with four differences the clients meet:
 * - a connection is not set up until the client sends an Auth message (type 2, token) for the
 *   document; what it sends before is queued, so Auth then step 1 may go out back to back;
 * - the server answers step 1 with step 2 (type Sync) and then its own step 1 as type 4
 *   (SyncReply), which the client answers like a Sync step 1;
 * - it also sends Auth (authenticated) and SyncStatus (type 8) frames, which carry no document
 *   change;
 * - the socket's URL path is not read: the bench puts the document's name in it
 *   (`/hocuspocus/<name>`, see servers.ts) and the client takes it from there.
 */
import * as encoding from 'lib0/encoding';
import { MessageType } from '#shared/wire/protocol';

const PATH_PREFIX = '/hocuspocus/';
/** Hocuspocus's message types beyond y-websocket's Sync (0) and Awareness (1). */
export const HocuspocusType = { Auth: 2, SyncReply: 4, SyncStatus: 8 } as const;
/** AuthMessageType.Token in @hocuspocus/common. */
const AUTH_TOKEN = 0;

/** The URL a bench client opens for a document on a Hocuspocus server at `baseWsUrl`. */
export function hocuspocusUrl(baseWsUrl: string, documentName: string): string {
	return `${baseWsUrl}${PATH_PREFIX}${encodeURIComponent(documentName)}`;
}

/** The document name of a Hocuspocus URL (see hocuspocusUrl), or null for any other server. */
export function hocuspocusDocumentOf(url: string): string | null {
	const { pathname } = new URL(url);
	return pathname.startsWith(PATH_PREFIX) ? decodeURIComponent(pathname.slice(PATH_PREFIX.length)) : null;
}

/** What every frame to or from this document starts with. */
export function documentPrefix(documentName: string): Buffer {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, documentName);
	return Buffer.from(encoding.toUint8Array(encoder));
}

/** The Auth message that opens the document (an empty token: the server has no auth hook). */
export function encodeAuth(prefix: Buffer): Buffer {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, HocuspocusType.Auth);
	encoding.writeVarUint(encoder, AUTH_TOKEN);
	encoding.writeVarString(encoder, '');
	return Buffer.concat([prefix, encoding.toUint8Array(encoder)]);
}

/**
 * The y-websocket message inside a received frame, without copying: the bytes after the
 * document's name, with a SyncReply's type byte rewritten to Sync (the frame is ours to change).
 * Null for a frame of another document or a type that carries no document change.
 */
export function unwrapFrame(frame: Buffer, prefix: Buffer): Buffer | null {
	if (frame.length <= prefix.length || frame.compare(prefix, 0, prefix.length, 0, prefix.length) !== 0) return null;
	const inner = frame.subarray(prefix.length);
	if (inner[0] === HocuspocusType.SyncReply) inner[0] = MessageType.Sync;
	return inner[0] === MessageType.Sync || inner[0] === MessageType.Awareness ? inner : null;
}
