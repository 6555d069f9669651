/** Hand-encoded y-websocket frames, for tests that speak the protocol without a provider. */
import * as encoding from 'lib0/encoding';
import { MessageType, SyncStep } from '../../src/lib/shared/protocol.ts';

export function syncFrame(step: number, payload: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.Sync);
	encoding.writeVarUint(e, step);
	encoding.writeVarUint8Array(e, payload);
	return encoding.toUint8Array(e);
}

export const emptyStep1 = () => syncFrame(SyncStep.Step1, new Uint8Array([0]));

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** Raw JSON text, so tests can send invalid JSON too. */
	json: string;
}

export function awarenessFrame(entries: AwarenessEntry[]): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(inner, entry.clientId);
		encoding.writeVarUint(inner, entry.clock);
		encoding.writeVarString(inner, entry.json);
	}
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MessageType.Awareness);
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}
