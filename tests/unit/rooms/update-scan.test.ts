import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_TYPE_DEPTH, MAX_VALUE_DEPTH, scanUpdate } from '../../../server/rooms/update-scan.ts';
import { SCHEMA_VERSION, canvasMap, canvasSchemaMap, createNote, deleteNote, initBoardDoc, metaMap, notesMap, updateNoteFields } from '../../../src/lib/shared/board/doc.ts';
import { getNoteText } from '../../../src/lib/shared/board/note-text.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

/** The server's copy and a client's copy of one board, in sync. */
function pair() {
	const server = new Y.Doc();
	initBoardDoc(server, { title: 'T', createdAt: 1 });
	const client = new Y.Doc();
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	return { server, client };
}

/** The update a change on `doc` produces. */
function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const record = (u: Uint8Array) => updates.push(u);
	doc.on('update', record);
	try {
		change();
	} finally {
		doc.off('update', record);
	}
	return Y.mergeUpdates(updates);
}

function nested(depth: number): unknown {
	let value: unknown = 'leaf';
	for (let i = 1; i < depth; i++) value = [value];
	return value;
}

function okSummary(result: ReturnType<typeof scanUpdate>) {
	if (!result.ok) throw new Error(`refused: ${result.reason}`);
	return result.summary;
}

describe('scanUpdate: what honest clients write passes, with a summary', () => {
	it('a new note, typing into it, and its deletion', () => {
		const { server, client } = pair();
		let id = '';
		const created = updateOf(client, () => (id = createNote(client, { kind: 'threat', question: 2, ...AUTHOR })));
		expect(okSummary(scanUpdate(server, created)).written).toEqual([{ root: 'notes', key: id }]);
		Y.applyUpdate(server, created);

		const typed = updateOf(client, () => getNoteText(client, id)!.insert(0, 'SQL injection'));
		expect(okSummary(scanUpdate(server, typed)).written).toEqual([{ root: 'notes', key: id }]);
		Y.applyUpdate(server, typed);

		const deleted = updateOf(client, () => deleteNote(client, id));
		const summary = okSummary(scanUpdate(server, deleted));
		expect(summary.deleted).toContainEqual({ root: 'notes', key: id });
	});

	it('overwriting a key (an item placed by its origin) is located under its root key with its value', () => {
		const { server, client } = pair();
		const first = updateOf(client, () => canvasMap(client).set('shape:a', { id: 'shape:a', typeName: 'shape', x: 1 }));
		Y.applyUpdate(server, first);
		const second = updateOf(client, () => canvasMap(client).set('shape:a', { id: 'shape:a', typeName: 'shape', x: 2 }));
		const summary = okSummary(scanUpdate(server, second));
		expect(summary.written).toEqual([{ root: 'canvas', key: 'shape:a' }]);
		expect(summary.values).toEqual([{ root: 'canvas', key: 'shape:a', value: { id: 'shape:a', typeName: 'shape', x: 2 } }]);
		expect(summary.deleted).toEqual([{ root: 'canvas', key: 'shape:a' }]);
	});

	it("reports the fields set one level down: a new note's, and a later status change", () => {
		const { server, client } = pair();
		let id = '';
		const created = updateOf(client, () => (id = createNote(client, { kind: 'threat', question: 2, ...AUTHOR })));
		const fields = okSummary(scanUpdate(server, created)).fields;
		expect(fields).toContainEqual({ root: 'notes', key: id, field: 'kind', value: 'threat' });
		expect(fields).toContainEqual({ root: 'notes', key: id, field: 'status', value: 'open' });
		Y.applyUpdate(server, created);
		const accepted = updateOf(client, () => updateNoteFields(client, id, { status: 'accepted' }));
		expect(okSummary(scanUpdate(server, accepted)).fields).toEqual([{ root: 'notes', key: id, field: 'status', value: 'accepted' }]);
	});

	it('a value as deep as the limit allows', () => {
		const { server, client } = pair();
		const update = updateOf(client, () => canvasMap(client).set('shape:deep', nested(MAX_VALUE_DEPTH)));
		expect(scanUpdate(server, update).ok).toBe(true);
	});

	it('an update the server already has in part (a resend) is not a gap', () => {
		const { server, client } = pair();
		const a = updateOf(client, () => canvasMap(client).set('shape:a', 1));
		Y.applyUpdate(server, a);
		const both = Y.mergeUpdates([a, updateOf(client, () => canvasMap(client).set('shape:b', 2))]);
		expect(okSummary(scanUpdate(server, both)).written).toEqual([{ root: 'canvas', key: 'shape:b' }]);
	});
});

describe('scanUpdate refuses what no honest client writes', () => {
	it.each([
		['a value nested deeper than the limit', (doc: Y.Doc) => canvasMap(doc).set('shape:x', nested(MAX_VALUE_DEPTH + 1))],
		['a value nested 5,000 levels deep', (doc: Y.Doc) => canvasMap(doc).set('shape:x', nested(5_000))],
		['a binary value', (doc: Y.Doc) => canvasMap(doc).set('shape:x', new Uint8Array([1, 2]))],
		['a huge string value', (doc: Y.Doc) => canvasMap(doc).set('shape:x', 'x'.repeat(1_100_000))],
		['text formatting', (doc: Y.Doc) => {
			const text = new Y.Text('hi');
			notesMap(doc).set('n1', text);
			text.format(0, 1, { bold: true });
		}],
		['an XML type', (doc: Y.Doc) => notesMap(doc).set('n1', new Y.XmlFragment())],
		['a sub-document', (doc: Y.Doc) => notesMap(doc).set('n1', new Y.Doc())],
		['shared types nested too deeply', (doc: Y.Doc) => {
			let map = notesMap(doc) as Y.Map<unknown>;
			for (let i = 0; i < MAX_TYPE_DEPTH + 1; i++) {
				const child = new Y.Map<unknown>();
				map.set('m', child);
				map = child;
			}
		}]
	])('%s', (_name, change) => {
		const { server, client } = pair();
		const result = scanUpdate(server, updateOf(client, () => client.transact(() => change(client))));
		expect(result).toMatchObject({ ok: false, gap: false });
	});

	it('an undecodable update', () => {
		const { server } = pair();
		expect(scanUpdate(server, new Uint8Array([5, 200, 1, 2]))).toMatchObject({ ok: false, gap: false, reason: 'undecodable update' });
	});

	it("a deletion of someone else's items that do not exist yet", () => {
		const { server, client } = pair();
		const victim = client.clientID;
		Y.applyUpdate(server, updateOf(client, () => createNote(client, { kind: 'threat', question: 2, ...AUTHOR })));
		const known = Y.getState(server.store, victim);
		// A hand-made update: no structs, a delete set aimed at the victim's next 10 clocks.
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint(encoder, victim);
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint(encoder, known);
		encoding.writeVarUint(encoder, 10);
		expect(scanUpdate(server, encoding.toUint8Array(encoder))).toMatchObject({ ok: false, gap: false, reason: 'deletes items that do not exist yet' });
	});
});

/**
 * A hand-made update of one client's strings, each placed after the item at `origins[i]` of the
 * same client (Yjs's update format, version 1). Yjs itself never writes such an update.
 */
function stringsPlacedAfter(client: number, origins: number[]): Uint8Array {
	const ITEM_WITH_ORIGIN_AND_STRING = 0x80 | 4; // BIT8: a left origin follows; 4: ContentString
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1); // clients
	encoding.writeVarUint(encoder, origins.length); // structs
	encoding.writeVarUint(encoder, client);
	encoding.writeVarUint(encoder, 0); // clock of the first
	for (const origin of origins) {
		encoding.writeUint8(encoder, ITEM_WITH_ORIGIN_AND_STRING);
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, origin);
		encoding.writeVarString(encoder, 'x');
	}
	encoding.writeVarUint(encoder, 0); // delete set: no clients
	return encoding.toUint8Array(encoder);
}

describe('scanUpdate refuses items that can be placed nowhere', () => {
	it('two items each placed after the other', () => {
		const { server } = pair();
		expect(scanUpdate(server, stringsPlacedAfter(424242, [1, 0]))).toMatchObject({ ok: false, gap: false, reason: 'items that reference each other in a cycle' });
	});

	it('an item placed after itself', () => {
		const { server } = pair();
		expect(scanUpdate(server, stringsPlacedAfter(424242, [0]))).toMatchObject({ ok: false, gap: false, reason: 'items that reference each other in a cycle' });
	});

	it('a chain of items ending in one the document does not have is a gap, not a cycle', () => {
		const { server } = pair();
		// Clock 0 after clock 1, clock 1 after clock 2, clock 2 after clock 5: the update ends at 2.
		expect(scanUpdate(server, stringsPlacedAfter(424242, [1, 2, 5]))).toMatchObject({ ok: false, gap: true });
	});
});

describe('scanUpdate reports gaps instead of letting them be parked', () => {
	it("an update after one the server never got (the author's own clock has a hole)", () => {
		const { server, client } = pair();
		updateOf(client, () => canvasMap(client).set('shape:a', 1)); // never reaches the server
		const later = updateOf(client, () => canvasMap(client).set('shape:b', 2));
		expect(scanUpdate(server, later)).toMatchObject({ ok: false, gap: true });
	});

	it("an update that builds on another client's item the server does not have", () => {
		const { server, client } = pair();
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
		const missing = updateOf(other, () => canvasMap(other).set('shape:a', 1));
		Y.applyUpdate(client, missing); // the client has it, the server does not
		const overwrite = updateOf(client, () => canvasMap(client).set('shape:a', 2));
		expect(scanUpdate(server, overwrite)).toMatchObject({ ok: false, gap: true });
	});

	it('deletes located in the document, including the tldraw schema entry', () => {
		const { server, client } = pair();
		const set = updateOf(client, () => canvasSchemaMap(client).set('schema', { schemaVersion: 2, sequences: {} }));
		Y.applyUpdate(server, set);
		const removed = updateOf(client, () => canvasSchemaMap(client).delete('schema'));
		expect(okSummary(scanUpdate(server, removed))).toMatchObject({ written: [], deleted: [{ root: 'canvasSchema', key: 'schema' }] });
	});
});

/**
 * Hand-built v1 updates: one block per entry (client, first clock, items), each item a list of
 * plain values directly under a root key, placed by naming its parent (no origin), as a forger
 * would write it. Blocks with no items are written as such.
 */
function forged(blocks: Array<{ client: number; clock: number; items: Array<{ root: string; key: string; values: unknown[] }> }>): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, blocks.length);
	for (const block of blocks) {
		encoding.writeVarUint(encoder, block.items.length);
		encoding.writeVarUint(encoder, block.client);
		encoding.writeVarUint(encoder, block.clock);
		for (const item of block.items) {
			encoding.writeUint8(encoder, 8 | 32); // ContentAny, with a key, no origins
			encoding.writeVarUint(encoder, 1); // the parent is a root, named
			encoding.writeVarString(encoder, item.root);
			encoding.writeVarString(encoder, item.key);
			encoding.writeVarUint(encoder, item.values.length);
			for (const value of item.values) encoding.writeAny(encoder, value as never);
		}
	}
	encoding.writeVarUint(encoder, 0); // no deletions
	return encoding.toUint8Array(encoder);
}

/** Applies what the scan passed, as the server does, and returns what Yjs stores and relays for it. */
function applyScanned(doc: Y.Doc, result: ReturnType<typeof scanUpdate>): Uint8Array[] {
	if (!result.ok) throw new Error(`refused: ${result.reason}`);
	const relayed: Uint8Array[] = [];
	const record = (u: Uint8Array) => relayed.push(u);
	doc.on('update', record);
	try {
		Y.applyUpdate(doc, result.update);
	} finally {
		doc.off('update', record);
	}
	return relayed;
}

describe('scanUpdate checks what Yjs applies, not what the update claims', () => {
	it('an item the document has in part is checked where everyone else will have it, and the server agrees', () => {
		// The attacker's own last write is meta.schemaVersion; a forged item that starts at that
		// write and runs one past it claims meta.pad. Yjs applied it here as meta.pad (deleting the
		// version), but stored and relayed it as a new meta.schemaVersion = 999: the room could no
		// longer be opened by anyone.
		const { server, client } = pair();
		Y.applyUpdate(server, updateOf(client, () => metaMap(client).set('schemaVersion', SCHEMA_VERSION)));
		const last = Y.getState(server.store, client.clientID) - 1;
		const result = scanUpdate(server, forged([{ client: client.clientID, clock: last, items: [{ root: 'meta', key: 'pad', values: [SCHEMA_VERSION, 999] }] }]));
		const summary = okSummary(result);
		expect(summary.written).toEqual([{ root: 'meta', key: 'schemaVersion' }]);
		expect(summary.values).toEqual([{ root: 'meta', key: 'schemaVersion', value: 999 }]);

		const replica = new Y.Doc();
		Y.applyUpdate(replica, Y.encodeStateAsUpdate(server));
		for (const update of applyScanned(server, result)) Y.applyUpdate(replica, update);
		expect(metaMap(server).toJSON()).toEqual(metaMap(replica).toJSON());
		expect(metaMap(server).get('schemaVersion')).toBe(999); // what the write rules now see and refuse
		expect(metaMap(server).has('pad')).toBe(false);
	});

	it('items the document already has create no roots, however many they name', () => {
		const { server, client } = pair();
		Y.applyUpdate(server, updateOf(client, () => client.transact(() => {
			for (let i = 0; i < 1_000; i++) canvasMap(client).set(`shape:${i}`, i);
		})));
		const roots = server.share.size;
		// The client's 1,000 items again, each naming a root of its own: Yjs looked every name up
		// (creating an empty root type that stays) even for items it then skipped.
		const items = Array.from({ length: 1_000 }, (_, i) => ({ root: `root${i}`, key: 'k', values: [i] }));
		const result = scanUpdate(server, forged([{ client: client.clientID, clock: 0, items }]));
		expect(okSummary(result)).toEqual({ written: [], values: [], fields: [], created: [], deleted: [] });
		applyScanned(server, result);
		expect(server.share.size).toBe(roots);
	});

	it.each([
		['a block of a client again after another client', [
			{ client: 7, clock: 0, items: [{ root: 'notes', key: 'decision', values: ['reasoned'] }] },
			{ client: 8, clock: 0, items: [{ root: 'notes', key: 'other', values: [1] }] },
			{ client: 7, clock: 0, items: [{ root: 'notes', key: 'status', values: ['accepted'] }] }
		]],
		['two blocks of one client, one after the other', [
			{ client: 7, clock: 0, items: [{ root: 'notes', key: 'decision', values: ['reasoned'] }] },
			{ client: 7, clock: 1, items: [{ root: 'notes', key: 'status', values: ['accepted'] }] }
		]],
		['an empty block that drops a client\'s earlier one', [
			{ client: 7, clock: 0, items: [{ root: 'notes', key: 'decision', values: ['reasoned'] }] },
			{ client: 8, clock: 0, items: [{ root: 'notes', key: 'status', values: ['accepted'] }] },
			{ client: 7, clock: 0, items: [] }
		]]
	])("an author's part given twice: %s (Yjs applies only the last block)", (_name, blocks) => {
		const { server } = pair();
		expect(scanUpdate(server, forged(blocks))).toEqual({ ok: false, gap: false, reason: "repeats part of an author's updates" });
	});

	it('an honest resend of typing the server has in part (one merged text item) passes and converges', () => {
		const { server, client } = pair();
		let id = '';
		Y.applyUpdate(server, updateOf(client, () => (id = createNote(client, { kind: 'threat', question: 2, ...AUTHOR }))));
		const stale = Y.encodeStateVector(server);
		Y.applyUpdate(server, updateOf(client, () => getNoteText(client, id)!.insert(0, 'SQL ')));
		updateOf(client, () => getNoteText(client, id)!.insert(4, 'injection')); // never reached the server
		// The client's items for "SQL " and "injection" are merged into one: a reply to a state
		// vector from before both holds that item, which the server has in part.
		const resend = Y.encodeStateAsUpdate(client, stale);
		const result = scanUpdate(server, resend);
		expect(okSummary(result).written).toEqual([{ root: 'notes', key: id }]);
		expect(result.ok && result.update.length).toBeLessThan(resend.length);
		applyScanned(server, result);
		expect(getNoteText(server, id)!.toString()).toBe('SQL injection');
	});
});
