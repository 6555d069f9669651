/** Encoders for y-websocket frames, shared by the server, tests and the load generator. */
import * as encoding from 'lib0/encoding';
import { writePermissionDenied } from 'y-protocols/auth';
import { MessageType } from './protocol.ts';

/**
 * A Sync frame: step 1 (state vector), step 2 or update (Yjs update). Written once into a frame
 * of its exact size (the layout lib0's encoder writes): the server frames every broadcast, and
 * the encoder's 100-byte start buffer and final copy doubled what that allocated.
 */
export function encodeSyncMessage(step: number, payload: Uint8Array): Uint8Array {
	if (!Number.isInteger(step) || step < 0 || step > 0x7f) throw new RangeError(`not a sync step: ${step}`);
	let lengthBytes = 1;
	for (let n = payload.length; n > 0x7f; n = Math.floor(n / 0x80)) lengthBytes++;
	const frame = new Uint8Array(2 + lengthBytes + payload.length);
	// The message type and the step are each below 128: a varUint of one byte.
	frame[0] = MessageType.Sync;
	frame[1] = step;
	let pos = 2;
	let n = payload.length;
	for (; n > 0x7f; n = Math.floor(n / 0x80)) frame[pos++] = 0x80 | (n & 0x7f);
	frame[pos++] = n;
	frame.set(payload, pos);
	return frame;
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
