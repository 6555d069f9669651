import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_TYPE_DEPTH, MAX_VALUE_DEPTH, scanUpdate } from '../../../server/rooms/update-scan.ts';
import { SCHEMA_VERSION, canvasMap, canvasSchemaMap, createNote, deleteNote, initBoardDoc, metaMap, notesMap, updateNoteFields } from '../../../src/lib/shared/board/doc.ts';
import { getNoteText } from '../../../src/lib/shared/board/note-text.ts';
import { forgedUpdate } from '../../helpers/forged-update.ts';
import { checkBoardWrite } from '../../../server/board/write-rules.ts';

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
	// Yjs integrates an author's items in order: one placed after a later one of the same author
	// makes it throw half-way through the update, keeping what it had applied.
	it('two items each placed after the other', () => {
		const { server } = pair();
		expect(scanUpdate(server, stringsPlacedAfter(424242, [1, 0]))).toMatchObject({ ok: false, gap: false, reason: 'refers to a later item of its own author' });
	});

	it('an item placed after itself', () => {
		const { server } = pair();
		expect(scanUpdate(server, stringsPlacedAfter(424242, [0]))).toMatchObject({ ok: false, gap: false, reason: 'refers to a later item of its own author' });
	});

	it('a chain of items each placed after a later one of their author', () => {
		const { server } = pair();
		// Clock 0 after clock 1, clock 1 after clock 2, clock 2 after clock 5: the update ends at 2.
		expect(scanUpdate(server, stringsPlacedAfter(424242, [1, 2, 5]))).toMatchObject({ ok: false, gap: false, reason: 'refers to a later item of its own author' });
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

/** Blocks of plain values set under root keys, placed by naming the parent, as a forger writes them. */
function forged(blocks: Array<{ client: number; clock: number; items: Array<{ root: string; key: string; values: unknown[] }> }>): Uint8Array {
	return forgedUpdate(blocks.map((b) => ({ client: b.client, clock: b.clock, structs: b.items.map((i) => ({ parent: i.root, key: i.key, values: i.values })) })));
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
		expect(okSummary(result)).toEqual({ written: [], values: [], fields: [], created: [], deleted: [], removed: [] });
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

describe('scanUpdate: structs Yjs would integrate otherwise than the scan saw them', () => {
	/** A server whose meta.schemaVersion was written by client 10 (item 10:0). */
	function versioned() {
		const author = new Y.Doc();
		author.clientID = 10;
		metaMap(author).set('schemaVersion', SCHEMA_VERSION);
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
		return server;
	}

	it.each([
		// Taken for an item already there, yet integrated as the key's new value; two of them made
		// Yjs throw before its transaction was cleaned up, and the document never reported a change again.
		['two empty items under one key', forgedUpdate([{ client: 999, clock: 0, structs: [{ parent: 'notes', key: 'z', values: [] }, { parent: 'notes', key: 'z', values: [] }] }])],
		['an empty item over the board version', forgedUpdate([{ client: 999, clock: 0, structs: [{ parent: 'meta', key: 'schemaVersion', values: [] }] }])],
		['an empty deletion', forgedUpdate([{ client: 60, clock: 0, structs: [{ parent: 'notes', key: 'b', values: [1] }] }], [[60, [[1, 0]]]])]
	])('refuses %s', (_name, update) => {
		expect(scanUpdate(versioned(), update)).toMatchObject({ ok: false, gap: false });
	});

	it('an item beside garbage lands nowhere, so its deletion of the board version is a bare deletion', () => {
		// A GC struct, then a value placed after the current version with the GC as its right
		// neighbour, and the version deleted: the scan saw an overwrite; Yjs made the value garbage.
		const update = forgedUpdate([{ client: 50, clock: 0, structs: [{ gc: 1 }, { origin: [10, 0], right: [50, 0], values: [SCHEMA_VERSION] }] }], [[10, [[0, 1]]]]);
		const summary = okSummary(scanUpdate(versioned(), update));
		expect(summary.written).toEqual([]);
		expect(summary.deleted).toEqual([{ root: 'meta', key: 'schemaVersion' }]);
		expect(checkBoardWrite(summary)).toMatchObject({ kind: 'reject' });
	});

	it('an item whose right neighbour the document lacks is a gap (Yjs would park it)', () => {
		const update = forgedUpdate([{ client: 50, clock: 0, structs: [{ origin: [10, 0], right: [77, 3], values: [1] }] }]);
		expect(scanUpdate(versioned(), update)).toMatchObject({ ok: false, gap: true });
	});

	/** A server with a text in notes.t, written by client 10: 10:0 the text, 10:1-2 its "ab". */
	function withText() {
		const author = new Y.Doc();
		author.clientID = 10;
		notesMap(author).set('t', new Y.Text('ab'));
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
		return server;
	}

	it('items of two authors that each wait for the other are refused (Yjs would park both)', () => {
		const update = forgedUpdate([
			{ client: 60, clock: 0, structs: [{ origin: [10, 2], right: [50, 0], text: 'y' }] },
			{ client: 50, clock: 0, structs: [{ origin: [10, 2], right: [60, 0], text: 'x' }] }
		]);
		expect(scanUpdate(withText(), update)).toEqual({ ok: false, gap: false, reason: 'items of two authors that wait for each other' });
	});

	it('items of two authors where one waits for the other pass and apply whole (a merged honest update)', () => {
		const server = withText();
		const update = forgedUpdate([
			{ client: 60, clock: 0, structs: [{ origin: [10, 2], right: [50, 0], text: 'y' }] },
			{ client: 50, clock: 0, structs: [{ origin: [10, 2], text: 'x' }] }
		]);
		const result = scanUpdate(server, update);
		expect(okSummary(result).written).toEqual([{ root: 'notes', key: 't' }]);
		applyScanned(server, result);
		expect(String(notesMap(server).get('t'))).toBe('abyx');
	});

	it.each([
		['by two authors', [{ client: 4000000000, clock: 0, structs: [{ parent: 'meta', key: 'schemaVersion', values: [999] }] }, { client: 5, clock: 0, structs: [{ parent: 'meta', key: 'schemaVersion', values: [SCHEMA_VERSION] }] }]],
		['by one author', [{ client: 4000000001, clock: 0, structs: [{ parent: 'meta', key: 'schemaVersion', values: [999] }, { parent: 'meta', key: 'schemaVersion', values: [SCHEMA_VERSION] }] }]]
	])('one key set twice %s is refused: Yjs keeps the value it orders last, the rules saw the other', (_name, blocks) => {
		expect(scanUpdate(versioned(), forgedUpdate(blocks as Parameters<typeof forgedUpdate>[0]))).toEqual({ ok: false, gap: false, reason: 'sets one entry twice' });
	});

	it('honest updates merged into one, a key set in the first and again in the second, pass', () => {
		const { server, client } = pair();
		const first = updateOf(client, () => canvasMap(client).set('shape:a', 1));
		const second = updateOf(client, () => canvasMap(client).set('shape:a', 2));
		expect(okSummary(scanUpdate(server, Y.mergeUpdates([first, second]))).values).toContainEqual({ root: 'canvas', key: 'shape:a', value: 2 });
	});

	it("an edit of a note someone deleted meanwhile passes: Yjs keeps it as garbage (it closed the editor's board)", () => {
		const { server, client: deleter } = pair();
		let id = '';
		Y.applyUpdate(server, updateOf(deleter, () => (id = createNote(deleter, { kind: 'threat', question: 2, ...AUTHOR }))));
		const editor = new Y.Doc();
		Y.applyUpdate(editor, Y.encodeStateAsUpdate(server));
		// A key the note did not have yet: the item names the note as its parent.
		const edit = updateOf(editor, () => (notesMap(editor).get(id) as Y.Map<unknown>).set('owner', 'Ada'));
		Y.applyUpdate(server, updateOf(deleter, () => deleteNote(deleter, id)));
		const result = scanUpdate(server, edit);
		expect(okSummary(result).written).toEqual([]);
		applyScanned(server, result);
		expect(notesMap(server).has(id)).toBe(false);
	});
});
