/**
 * The one server → client frame facilitation adds to the y-websocket protocol: a facilitator
 * key granted to this connection alone (a participant made co-facilitator). It travels only on
 * that person's own socket, so nobody else, and no document, ever holds it.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { isSecret } from '../ids.ts';
import { MessageType } from './protocol.ts';

export function encodeFacilitatorKeyMessage(key: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.FacilitatorKey);
	encoding.writeVarString(encoder, key);
	return encoding.toUint8Array(encoder);
}

/** Reads the key after the message type; undefined when it is not a well-formed secret. */
export function readFacilitatorKeyMessage(decoder: decoding.Decoder): string | undefined {
	try {
		const key = decoding.readVarString(decoder);
		return isSecret(key) ? key : undefined;
	} catch {
		return undefined;
	}
}
