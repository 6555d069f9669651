/**
 * y-websocket framing for the bench clients: encoders via lib0, and allocation-free readers for
 * the hot receive paths (one varUint at a time, string bytes skipped unless asked for).
 */
import { encodeAwarenessMessage, encodeSyncMessage } from '#shared/wire/messages';
import { SyncStep } from '#shared/wire/protocol';

/** The sync payload of a client that holds nothing: an empty state vector. */
export const EMPTY_STATE_VECTOR = new Uint8Array([0]);
/** An update with no structs and no deletes (what a client with nothing new sends as step 2). */
export const EMPTY_UPDATE = new Uint8Array([0, 0]);

export const encodeSync = encodeSyncMessage;
export const encodeStep1 = (stateVector: Uint8Array) => encodeSync(SyncStep.Step1, stateVector);
export const encodeStep2 = (update: Uint8Array) => encodeSync(SyncStep.Step2, update);
export const encodeUpdate = (update: Uint8Array) => encodeSync(SyncStep.Update, update);

/** An awareness message carrying one client's own state (never anybody else's). */
export function encodeOwnAwareness(clientId: number, clock: number, json: string): Uint8Array {
	return encodeAwarenessMessage([{ clientId, clock, json }]);
}

/** A cursor over a received frame; reads lib0 varUints without allocating. */
export class FrameReader {
	pos = 0;
	constructor(public buf: Uint8Array) {}

	varUint(): number {
		let num = 0;
		let mult = 1;
		for (;;) {
			if (this.pos >= this.buf.length) throw new RangeError('truncated varUint');
			const byte = this.buf[this.pos++];
			num += (byte & 0x7f) * mult;
			if (byte < 0x80) return num;
			mult *= 128;
			if (mult > Number.MAX_SAFE_INTEGER) throw new RangeError('varUint too long');
		}
	}
}

/** One entry of an awareness update: the JSON text sits at buf[start, end). */
export interface AwarenessEntryRef {
	clientId: number;
	clock: number;
	start: number;
	end: number;
}

/**
 * Walks the entries of an awareness message (type byte already consumed by `reader`), calling
 * `visit` for each; the JSON text is not decoded here.
 */
export function forEachAwarenessEntry(reader: FrameReader, visit: (entry: AwarenessEntryRef) => void): number {
	reader.varUint(); // length of the embedded update
	const count = reader.varUint();
	const entry: AwarenessEntryRef = { clientId: 0, clock: 0, start: 0, end: 0 };
	for (let i = 0; i < count; i++) {
		entry.clientId = reader.varUint();
		entry.clock = reader.varUint();
		const length = reader.varUint();
		entry.start = reader.pos;
		entry.end = reader.pos + length;
		reader.pos = entry.end;
		visit(entry);
	}
	return count;
}
