import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { encodeSyncMessage } from '#shared/wire/messages';
import { MessageType, SyncStep } from '#shared/wire/protocol';

/** The frame as y-protocols writes it, with lib0's encoder. */
function libFrame(step: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Sync);
	encoding.writeVarUint(encoder, step);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

describe('encodeSyncMessage', () => {
	// Lengths on each side of a varUint's byte boundaries (7, 14 and 21 bits).
	const lengths = [0, 1, 127, 128, 129, 16_383, 16_384, 2_097_151, 2_097_152];

	it.each(lengths)('writes the bytes lib0 writes for a %i-byte payload', (length) => {
		const payload = new Uint8Array(length);
		for (let i = 0; i < length; i++) payload[i] = (i * 31 + 7) & 0xff;
		for (const step of [SyncStep.Step1, SyncStep.Step2, SyncStep.Update]) {
			expect(Buffer.from(encodeSyncMessage(step, payload)).equals(Buffer.from(libFrame(step, payload)))).toBe(true);
		}
	});

	it('reads back as a sync message of that step and payload', () => {
		const payload = Uint8Array.from([1, 2, 3, 250]);
		const decoder = decoding.createDecoder(encodeSyncMessage(SyncStep.Update, payload));
		expect(decoding.readVarUint(decoder)).toBe(MessageType.Sync);
		expect(decoding.readVarUint(decoder)).toBe(SyncStep.Update);
		expect(Array.from(decoding.readVarUint8Array(decoder))).toEqual([1, 2, 3, 250]);
		expect(decoding.hasContent(decoder)).toBe(false);
	});

	it('refuses a step that would not fit its one byte', () => {
		expect(() => encodeSyncMessage(128, new Uint8Array(1))).toThrow(RangeError);
		expect(() => encodeSyncMessage(-1, new Uint8Array(1))).toThrow(RangeError);
	});
});
