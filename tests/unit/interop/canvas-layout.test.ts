/**
 * The records an import writes are records tldraw 5.4 itself accepts: every one goes through a
 * real tldraw store's validators, and a room built from an import loads through the canvas
 * binding with nothing refused. The stored schema is the one tldraw serializes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { TLRecord } from 'tldraw';
import { bindCanvasStore } from '../../../src/lib/canvas/react/yjs-binding.ts';
import { initBoardDoc } from '../../../src/lib/shared/board/doc.ts';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { writeRoomSnapshot } from '../../../src/lib/shared/export/json.ts';
import { createCanvasBuilder, indexKey } from '../../../src/lib/shared/interop/canvas-layout.ts';
import { importModel } from '../../../src/lib/shared/interop/import-model.ts';
import { newTldrawStore } from '../../helpers/tldraw-shapes.ts';
import { OTM_SAMPLES, readSample, TD_SAMPLES } from './samples.ts';

/** Validates records in dependency order (pages, shapes parents first, bindings last) and puts them in a store. */
function validateAll(records: readonly unknown[]) {
	const store = newTldrawStore();
	const all = records as TLRecord[];
	const rank = (record: TLRecord) => (record.typeName === 'binding' ? 3 : record.typeName === 'shape' ? ((record as { type: string }).type === 'frame' ? 1 : 2) : 0);
	for (const record of [...all].filter((r) => r.typeName !== 'document').sort((a, b) => rank(a) - rank(b))) {
		const valid = store.schema.validateRecord(store, record, 'createRecord', null);
		store.mergeRemoteChanges(() => store.put([valid]));
	}
	return store;
}


describe('indexKey', () => {
	it('gives increasing keys tldraw accepts, far beyond an import', () => {
		const keys = [0, 1, 59, 60, 61, 62, 3000, 3904, 3905, 20_000].map(indexKey);
		expect([...keys].sort()).toEqual(keys);
		expect(new Set(keys).size).toBe(keys.length);
		const builder = createCanvasBuilder();
		for (let i = 0; i < 120; i++) builder.text(`t${i}`, { x: i, y: 0, w: 50, h: 20 });
		expect(validateAll(builder.records()).allRecords().filter((r) => r.typeName === 'shape')).toHaveLength(120);
	});
});

describe('records built for an import', () => {
	it('every kind of shape validates: elements, boundaries (box and line), text, frames, flows bound and loose', () => {
		const canvas = createCanvasBuilder();
		const frame = canvas.frame('Main flow', { x: -100, y: -100, w: 1200, h: 800 });
		const zone = canvas.element('trust-boundary', 'Cloud', { x: 300, y: 0, w: 600, h: 500 }, frame);
		const user = canvas.element('external-entity', 'User\n<script>alert(1)</script>', { x: 0, y: 100, w: 160, h: 80 }, frame);
		const api = canvas.element('process', 'API', { x: 400, y: 100, w: 150, h: 150 }, frame);
		const db = canvas.element('data-store', 'DB', { x: 650, y: 300, w: 200, h: 80 }, frame);
		canvas.boundaryLine([{ x: 0, y: 0 }, { x: 50, y: 300 }, { x: 0, y: 600 }], true, frame);
		canvas.text('A note', { x: 0, y: 400, w: 200, h: 60 }, frame);
		canvas.flow({ shapeId: user }, { shapeId: api }, 'Login', { vertices: [{ x: 200, y: 40 }], bidirectional: true }, frame);
		canvas.flow({ shapeId: api }, { shapeId: db }, '', {}, frame);
		canvas.flow({ shapeId: api }, { x: 1500, y: 900 }, 'Webhook', {});
		const store = validateAll(canvas.records());
		expect(store.allRecords().filter((r) => r.typeName === 'shape')).toHaveLength(10);
		const diagram = readDiagram(canvas.records());
		expect(diagram.elements.map((e) => [e.label, e.kind, e.boundaryId])).toEqual([
			['User\n<script>alert(1)</script>', 'external-entity', null],
			['API', 'process', zone],
			['DB', 'data-store', zone]
		]);
		expect(diagram.flows.map((f) => [f.label, f.from, f.to])).toEqual([
			['Login', user, api],
			['', api, db],
			['Webhook', api, null]
		]);
	});

	it.each([...TD_SAMPLES, ...OTM_SAMPLES].map((name) => [name]))('%s: the room loads through the canvas binding with nothing refused', (name) => {
		const result = importModel(readSample(name), { now: Date.UTC(2026, 0, 1) });
		if (!result.ok) throw new Error(result.message);
		validateAll(result.snapshot.canvas.records);
		const board = new Y.Doc();
		initBoardDoc(board, { title: 'x', createdAt: 1 });
		writeRoomSnapshot(board, undefined, result.snapshot);
		const store = newTldrawStore();
		let refused = 0;
		const binding = bindCanvasStore(store, board, { onRejected: (count) => (refused += count) });
		expect(binding.problem).toBeUndefined();
		expect(refused).toBe(0);
		const shapes = result.snapshot.canvas.records.filter((record) => record.typeName === 'shape').length;
		expect(store.allRecords().filter((r) => r.typeName === 'shape')).toHaveLength(shapes);
		binding.destroy();
	});
});
