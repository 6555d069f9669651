/**
 * "Nothing lost": after an edit run, a fresh client joins every room, takes in the server's whole
 * reply (the step 2 and any update sent to complete it), and checks that each editor's own entry
 * under the board's `notes` root holds the last marker that editor sent.
 */
import * as Y from 'yjs';
import { notesMap } from '../src/lib/shared/board/doc.ts';
import { SyncClient, closeAll, connectAll } from './clients.ts';
import { FrameReader } from './wire.ts';

export interface RoomsVerified {
	rooms: number;
	/** Editors checked (each has sent at least one edit). */
	editors: number;
	/** Editors whose last edit is not in the room as the server hands it to a fresh client. */
	lost: number;
	/** A few of them: room, key, expected, found. */
	examples: Array<{ room: number; key: string; expected: string; found: unknown }>;
}

class Verifier extends SyncClient {
	readonly doc: Y.Doc;

	constructor(url: string, protocols: string[]) {
		const doc = new Y.Doc();
		const take = (payload: Uint8Array) => Y.applyUpdate(doc, payload);
		super({ url, protocols, onStep2: take, onUpdate: (frame) => take(syncPayload(frame)) });
		this.doc = doc;
	}
}

function syncPayload(frame: Buffer): Uint8Array {
	const reader = new FrameReader(frame);
	reader.pos = 2;
	const length = reader.varUint();
	return frame.subarray(reader.pos, reader.pos + length);
}

/**
 * `expected[room]` maps an editor's key to the value its last edit wrote. Verifiers connect
 * while the editors are still connected: the stock server forgets a room when its last client
 * leaves.
 */
export async function verifyRooms(
	urls: readonly string[],
	protocols: string[],
	expected: ReadonlyArray<ReadonlyMap<string, string>>
): Promise<RoomsVerified> {
	const verifiers = await connectAll(urls.length, (r) => new Verifier(urls[r], protocols));
	const result: RoomsVerified = { rooms: urls.length, editors: 0, lost: 0, examples: [] };
	try {
		for (let r = 0; r < urls.length; r++) {
			const notes = notesMap(verifiers[r].doc);
			for (const [key, value] of expected[r]) {
				result.editors++;
				const found = notes.get(key);
				if (found === value) continue;
				result.lost++;
				if (result.examples.length < 5) result.examples.push({ room: r, key, expected: value, found: found ?? null });
			}
		}
	} finally {
		closeAll(verifiers);
		for (const v of verifiers) v.doc.destroy();
	}
	return result;
}
