import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canvasMap, initBoardDoc, listNotes, metaMap, notesMap, readMeta } from '../../../src/lib/shared/board/doc.ts';
import { getNoteText } from '../../../src/lib/shared/board/note-text.ts';
import {
	DocumentTooNewError,
	InvalidBoardDocumentError,
	MIGRATIONS,
	migrateBoardDoc,
	readSchemaVersion
} from '../../../src/lib/shared/board/migrations.ts';
import { SCHEMA_VERSION } from '../../../src/lib/shared/board/schema.ts';

/** A document as written before schemaVersion existed: no version, no scope, string text. */
function v0Doc(): Y.Doc {
	const doc = new Y.Doc();
	doc.transact(() => {
		metaMap(doc).set('title', 'Legacy workshop');
		metaMap(doc).set('createdAt', 1_600_000_000_000);
		const note = new Y.Map<unknown>();
		notesMap(doc).set('legacy1', note);
		note.set('kind', 'asset');
		note.set('question', 1);
		note.set('text', 'customer PII');
		note.set('author', 'Old');
		note.set('authorColor', '#000000');
		note.set('color', '#ffffff');
		note.set('order', 'V');
		note.set('createdAt', 1_600_000_000_001);
	});
	return doc;
}

function updatesDuring(doc: Y.Doc, run: () => void): number {
	let updates = 0;
	const count = () => updates++;
	doc.on('update', count);
	try {
		run();
	} finally {
		doc.off('update', count);
	}
	return updates;
}

describe('migrateBoardDoc', () => {
	it('numbers migrations 1..SCHEMA_VERSION without gaps', () => {
		expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
	});

	it('upgrades a v0 document to the current version in one transaction', () => {
		const doc = v0Doc();
		expect(readSchemaVersion(doc)).toBe(0);
		expect(readMeta(doc)).toBeUndefined();
		expect(listNotes(doc)).toEqual([]);

		let result: unknown;
		expect(updatesDuring(doc, () => (result = migrateBoardDoc(doc)))).toBe(1);
		expect(result).toEqual({ from: 0, to: SCHEMA_VERSION });
		expect(readMeta(doc)).toEqual({ title: 'Legacy workshop', scope: '', createdAt: 1_600_000_000_000, schemaVersion: SCHEMA_VERSION });
		expect(getNoteText(doc, 'legacy1')).toBeInstanceOf(Y.Text);
		expect(listNotes(doc).map((n) => [n.id, n.text])).toEqual([['legacy1', 'customer PII']]);
	});

	it('fills the model dependency elements of a v1 document, and only them (version 2)', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'Placed before', createdAt: 1 });
		metaMap(doc).set('schemaVersion', 1);
		const shape = (id: string, dfd: string | undefined, fill: string) => ({
			id,
			typeName: 'shape',
			type: 'geo',
			x: 10,
			y: 20,
			props: { geo: 'rectangle', w: 260, h: 150, color: 'violet', fill, dash: 'dotted' },
			meta: dfd ? { dfd, modelRef: 'm1', modelName: 'Payments' } : {}
		});
		const canvas = canvasMap(doc);
		canvas.set('shape:dep', shape('shape:dep', 'model-dependency', 'none'));
		canvas.set('shape:filled', shape('shape:filled', 'model-dependency', 'solid'));
		canvas.set('shape:box', shape('shape:box', undefined, 'none'));
		canvas.set('shape:entity', shape('shape:entity', 'external-entity', 'none'));

		expect(migrateBoardDoc(doc)).toEqual({ from: 1, to: 2 });
		expect(canvas.get('shape:dep')).toEqual(shape('shape:dep', 'model-dependency', 'semi'));
		expect(canvas.get('shape:filled')).toEqual(shape('shape:filled', 'model-dependency', 'solid'));
		expect(canvas.get('shape:box')).toEqual(shape('shape:box', undefined, 'none'));
		expect(canvas.get('shape:entity')).toEqual(shape('shape:entity', 'external-entity', 'none'));
		// Run again (a client migrating the same document concurrently): nothing more to write.
		expect(updatesDuring(doc, () => MIGRATIONS[1].up(doc))).toBe(0);
	});

	it('does nothing to a current document', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'New', createdAt: 1 });
		let result: unknown;
		expect(updatesDuring(doc, () => (result = migrateBoardDoc(doc)))).toBe(0);
		expect(result).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
	});

	it('converges when two clients migrate the same v0 document concurrently', () => {
		const alice = v0Doc();
		const bob = new Y.Doc();
		Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
		migrateBoardDoc(alice);
		migrateBoardDoc(bob);
		Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob));
		Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
		expect(readMeta(alice)).toEqual(readMeta(bob));
		expect(readMeta(alice)?.schemaVersion).toBe(SCHEMA_VERSION);
		expect(listNotes(alice)).toEqual(listNotes(bob));
		expect(listNotes(alice)[0]?.text).toBe('customer PII');
	});

	it('refuses a newer document with DocumentTooNewError and leaves it untouched', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'From the future', createdAt: 1 });
		metaMap(doc).set('schemaVersion', SCHEMA_VERSION + 1);
		metaMap(doc).delete('scope');
		const before = Y.encodeStateAsUpdate(doc);
		let error: unknown;
		const updates = updatesDuring(doc, () => {
			try {
				migrateBoardDoc(doc);
			} catch (caught) {
				error = caught;
			}
		});
		expect(error).toBeInstanceOf(DocumentTooNewError);
		expect(error).toMatchObject({ name: 'DocumentTooNewError', found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION });
		expect(updates).toBe(0);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
		expect(metaMap(doc).has('scope')).toBe(false);
	});

	it('refuses an empty document or a garbage version without writing', () => {
		const empty = new Y.Doc();
		expect(() => migrateBoardDoc(empty)).toThrow(InvalidBoardDocumentError);
		expect(metaMap(empty).size).toBe(0);

		for (const garbage of ['1', 1.5, -1, null, { v: 1 }]) {
			const doc = new Y.Doc();
			initBoardDoc(doc, { title: 'x', createdAt: 1 });
			metaMap(doc).set('schemaVersion', garbage);
			expect(readSchemaVersion(doc)).toBeUndefined();
			expect(updatesDuring(doc, () => expect(() => migrateBoardDoc(doc)).toThrow(InvalidBoardDocumentError))).toBe(0);
		}
	});
});
