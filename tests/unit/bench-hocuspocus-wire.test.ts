/** The bench clients' Hocuspocus framing (bench/hocuspocus-wire.ts), frame by frame. */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { HocuspocusType, documentPrefix, encodeAuth, hocuspocusDocumentOf, hocuspocusUrl, unwrapFrame } from '../../bench/hocuspocus-wire.ts';
import { MessageType } from '../../src/lib/shared/wire/protocol.ts';

/** A frame as Hocuspocus sends it: the document's name, then the message. */
function frame(documentName: string, ...bytes: number[]): Buffer {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, documentName);
	for (const byte of bytes) encoding.writeUint8(encoder, byte);
	return Buffer.from(encoding.toUint8Array(encoder));
}

describe('Hocuspocus URLs', () => {
	it('carry the document name in the path, and only Hocuspocus URLs have one', () => {
		const url = hocuspocusUrl('ws://127.0.0.1:1234', 'room/with space');
		expect(hocuspocusDocumentOf(url)).toBe('room/with space');
		expect(hocuspocusDocumentOf('ws://127.0.0.1:1234/sync/abc/board')).toBeNull();
	});
});

describe('frames', () => {
	const prefix = documentPrefix('room-1');

	it('open the document with an Auth message carrying an empty token', () => {
		const decoder = decoding.createDecoder(encodeAuth(prefix));
		expect(decoding.readVarString(decoder)).toBe('room-1');
		expect(decoding.readVarUint(decoder)).toBe(HocuspocusType.Auth);
		expect(decoding.readVarUint(decoder)).toBe(0); // token
		expect(decoding.readVarString(decoder)).toBe('');
		expect(decoding.hasContent(decoder)).toBe(false);
	});

	it('unwrap to the y-websocket message, without copying', () => {
		const received = frame('room-1', MessageType.Sync, 2, 1, 0xff);
		const inner = unwrapFrame(received, prefix)!;
		expect([...inner]).toEqual([MessageType.Sync, 2, 1, 0xff]);
		expect(inner.buffer).toBe(received.buffer);
		expect([...unwrapFrame(frame('room-1', MessageType.Awareness, 0), prefix)!]).toEqual([MessageType.Awareness, 0]);
	});

	it("read the server's SyncReply as a Sync message", () => {
		expect([...unwrapFrame(frame('room-1', HocuspocusType.SyncReply, 0, 0), prefix)!]).toEqual([MessageType.Sync, 0, 0]);
	});

	it("drop another document's frames and those that carry no document change", () => {
		expect(unwrapFrame(frame('room-2', MessageType.Sync, 2, 0), prefix)).toBeNull();
		expect(unwrapFrame(frame('room-10', MessageType.Sync, 2, 0), documentPrefix('room-1'))).toBeNull();
		expect(unwrapFrame(frame('room-1', HocuspocusType.Auth, 2), prefix)).toBeNull();
		expect(unwrapFrame(frame('room-1', HocuspocusType.SyncStatus, 1), prefix)).toBeNull();
		expect(unwrapFrame(frame('room-1'), prefix)).toBeNull();
	});
});
