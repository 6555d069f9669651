import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, initBoardDoc, updateNoteFields } from '#shared/board/doc';
import { addLink } from '#shared/board/links';
import { setNoteText } from '#shared/board/note-text';
import { writeCanvasRecords } from '#shared/export/canvas-records';
import { documentRecords, geoShape } from '../../../tests/fixtures/export/canvas.ts';
import type { Coverage } from '#shared/board/coverage';
import { LiveModel } from './live-model.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' };
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A live model and the last coverage it published. */
function watch(doc: Y.Doc) {
	const seen = { coverage: undefined as Coverage | undefined, texts: 0 };
	const live = new LiveModel(doc, { coverage: (next) => (seen.coverage = next), text: () => seen.texts++ });
	return Object.assign(seen, { live, row: (id: string) => seen.coverage!.rowById.get(id)! });
}

function board(): Y.Doc {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	writeCanvasRecords(doc, [...documentRecords(), geoShape('shape:api', 'API', { x: 0, y: 0 }, 'process')]);
	return doc;
}

describe('the live model', () => {
	it('follows links, note fields and deletions, and keeps a row that typing did not change', async () => {
		const doc = board();
		const id = createNote(doc, { kind: 'threat', question: 2, text: 'a', stride: ['S'], ...AUTHOR });
		const model = watch(doc);
		expect(model.row('shape:api').cells.S).toEqual([]);

		addLink(doc, { kind: 'canvas', noteId: id, elementId: 'shape:api' });
		await Promise.resolve(); // a link shows within the transaction's microtasks, before a frame
		expect(model.row('shape:api').cells.S).toEqual([id]);

		const row = model.row('shape:api');
		setNoteText(doc, id, 'typed');
		await settled();
		expect(model.row('shape:api')).toBe(row);
		expect(model.texts).toBeGreaterThan(0);

		updateNoteFields(doc, id, { stride: ['T'] });
		await settled();
		expect(model.row('shape:api').cells).toMatchObject({ S: [], T: [id] });

		deleteNote(doc, id);
		await settled();
		expect(model.row('shape:api').threatIds).toEqual([]);
		model.live.destroy();
	});

	it('reads a canvas change, and a shape added later becomes a row', async () => {
		const doc = board();
		const model = watch(doc);
		writeCanvasRecords(doc, [...documentRecords(), geoShape('shape:api', 'API', { x: 0, y: 0 }, 'process'), geoShape('shape:db', 'DB', { x: 300, y: 0 }, 'data-store')]);
		await settled();
		expect(model.coverage!.rows.map((r) => r.label)).toEqual(['API', 'DB']);
		model.live.destroy();
	});
});
