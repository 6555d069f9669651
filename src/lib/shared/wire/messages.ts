/** Encoders for y-websocket frames, shared by the server, tests and the load generator. */
import * as encoding from 'lib0/encoding';
import { writePermissionDenied } from 'y-protocols/auth';
import { MessageType } from './protocol.ts';

/** A Sync frame: step 1 (state vector), step 2 or update (Yjs update). */
export function encodeSyncMessage(step: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Sync);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

export interface AwarenessWireEntry {
	clientId: number;
	clock: number;
	/** The state as JSON text; 'null' when the client has left. */
	json: string;
}

/** An Awareness frame carrying the given entries (y-protocols/awareness layout). */
export function encodeAwarenessMessage(entries: Iterable<AwarenessWireEntry>): Uint8Array {
	const list = [...entries];
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, list.length);
	for (const entry of list) {
		encoding.writeVarUint(inner, entry.clientId);
		encoding.writeVarUint(inner, entry.clock);
		encoding.writeVarString(inner, entry.json);
	}
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Awareness);
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
	return encoding.toUint8Array(encoder);
}

/** An Auth permission-denied frame (y-protocols/auth), e.g. for a refused write. */
export function encodePermissionDenied(reason: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Auth);
	writePermissionDenied(encoder, reason);
	return encoding.toUint8Array(encoder);
}
