/** Hand-encoded y-websocket frames, for tests that speak the protocol without a provider. */
import * as decoding from 'lib0/decoding';
import { encodeAwarenessMessage, encodeSyncMessage, type AwarenessWireEntry } from '../../src/lib/shared/wire/messages.ts';
import { MessageType, SyncStep } from '../../src/lib/shared/wire/protocol.ts';

export const syncFrame = encodeSyncMessage;
export const emptyStep1 = () => encodeSyncMessage(SyncStep.Step1, new Uint8Array([0]));
export const awarenessFrame = (entries: AwarenessWireEntry[]) => encodeAwarenessMessage(entries);

/** A sync frame's step and payload; undefined for any other message type. */
export function readSyncFrame(frame: Uint8Array): { step: number; payload: Uint8Array } | undefined {
	const decoder = decoding.createDecoder(frame);
	if (decoding.readVarUint(decoder) !== MessageType.Sync) return undefined;
	const step = decoding.readVarUint(decoder);
	return { step, payload: decoding.readVarUint8Array(decoder) };
}
