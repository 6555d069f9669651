import { describe, expect, it } from 'vitest';
import { createTLStore, defaultBindingUtils, defaultShapeUtils, type TLRecord } from 'tldraw';
import { APPLICABLE_STRIDE, readDiagram, type Diagram, richTextToPlain, MAX_DIAGRAM_LABEL_LENGTH } from '../../../src/lib/shared/canvas/diagram.ts';
import { arrowShape, flow, frameShape, geoShape, richText } from '../../fixtures/export/canvas.ts';
import { fixtureCanvasRecords } from '../../fixtures/export/fixture-diagram.ts';

describe('fixture records', () => {
	it('are records tldraw 5 itself accepts', () => {
		const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils });
		const records = fixtureCanvasRecords().filter((r) => r.typeName !== 'document');
		// Page and shapes first, then bindings (they must point at existing shapes).
		const ordered = [...records.filter((r) => r.typeName !== 'binding'), ...records.filter((r) => r.typeName === 'binding')];
		for (const record of ordered) {
			const valid = store.schema.validateRecord(store, record as unknown as TLRecord, 'createRecord', null);
			store.mergeRemoteChanges(() => store.put([valid]));
		}
		expect(store.allRecords().filter((r) => r.typeName === 'shape')).toHaveLength(13);
	});
});

/** The diagram without page ids, bounds and arrow points (checked in their own tests). */
function withoutGeometry(diagram: Diagram) {
	const strip = <T extends object>(item: T) =>
		Object.fromEntries(Object.entries(item).filter(([key]) => !['pageId', 'bounds', 'start', 'end'].includes(key)));
	return { elements: diagram.elements.map(strip), flows: diagram.flows.map(strip), boundaries: diagram.boundaries.map(strip) };
}

describe('readDiagram', () => {
	it('reads elements, flows and nested trust boundaries from the fixture canvas', () => {
		const diagram = withoutGeometry(readDiagram(fixtureCanvasRecords()));
		expect(diagram.boundaries).toEqual([
			{ id: 'shape:data-tier', createdAt: null, label: 'Data tier', parentId: 'shape:vpc' },
			{ id: 'shape:vpc', createdAt: null, label: 'Cloud VPC', parentId: null }
		]);
		expect(diagram.elements).toEqual([
			{ id: 'shape:api', createdAt: null, kind: 'process', label: 'Payments API', boundaryId: 'shape:vpc' },
			// Untagged, but a flow reaches it.
			{ id: 'shape:audit', createdAt: null, kind: 'other', label: 'Audit log', boundaryId: 'shape:vpc' },
			{ id: 'shape:browser', createdAt: null, kind: 'external-entity', label: 'Customer browser', boundaryId: null },
			// A child of the frame: its page centre (750 + 80, 350 + 40) is inside the inner boundary.
			{ id: 'shape:orders-db', createdAt: null, kind: 'data-store', label: 'Orders DB', boundaryId: 'shape:data-tier' },
			{ id: 'shape:psp', createdAt: null, kind: 'external-entity', label: 'Card processor (PSP)', boundaryId: null }
		]);
		expect(diagram.flows).toEqual([
			{ id: 'shape:flow-audit', createdAt: null, from: 'shape:api', to: 'shape:audit', label: '' },
			{ id: 'shape:flow-charge', createdAt: null, from: 'shape:api', to: 'shape:psp', label: 'Charge request' },
			{ id: 'shape:flow-checkout', createdAt: null, from: 'shape:browser', to: 'shape:api', label: 'Card details (HTTPS)' },
			{ id: 'shape:flow-dangling', createdAt: null, from: 'shape:psp', to: null, label: 'Webhook?' },
			{ id: 'shape:flow-orders', createdAt: null, from: 'shape:api', to: 'shape:orders-db', label: 'Order rows (SQL)' }
		]);
	});

	it('numbers shapes in the order they were drawn, so a shape drawn later never renumbers the others', () => {
		const drawn = (record: ReturnType<typeof geoShape>, createdAt: number) => ({ ...record, meta: { ...(record.meta as object), createdAt } });
		// Record ids are random: "shape:zz" was drawn first, "shape:aa" last.
		const before = [
			geoShape('shape:old', 'From before drawing times', { x: 0, y: 0 }, 'process'),
			drawn(geoShape('shape:zz', 'First drawn', { x: 300, y: 0 }, 'process'), 1_000),
			drawn(geoShape('shape:mm', 'Second drawn', { x: 600, y: 0 }, 'data-store'), 2_000)
		];
		const order = (records: unknown[]) => readDiagram(records).elements.map((e) => e.id);
		expect(order(before)).toEqual(['shape:old', 'shape:zz', 'shape:mm']);
		const after = [...before, drawn(geoShape('shape:aa', 'Drawn later', { x: 900, y: 0 }, 'process'), 3_000)];
		expect(order(after)).toEqual(['shape:old', 'shape:zz', 'shape:mm', 'shape:aa']);
		// Same time (a paste of several): by id. A hostile stamp (negative, not a number) counts as none.
		const tied = [
			drawn(geoShape('shape:b', 'B', { x: 0, y: 0 }, 'process'), 5),
			drawn(geoShape('shape:a', 'A', { x: 300, y: 0 }, 'process'), 5),
			drawn(geoShape('shape:c', 'C', { x: 600, y: 0 }, 'process'), -1),
			{ ...geoShape('shape:d', 'D', { x: 900, y: 0 }, 'process'), meta: { dfd: 'process', createdAt: 'soon' } }
		];
		expect(order(tied)).toEqual(['shape:c', 'shape:d', 'shape:a', 'shape:b']);
	});

	it('does not depend on the order of the records', () => {
		const records = fixtureCanvasRecords();
		expect(readDiagram([...records].reverse())).toEqual(readDiagram(records));
	});

	it('puts an element in the innermost boundary containing its centre, not one it merely overlaps', () => {
		const records = [
			geoShape('shape:outer', 'Outer', { x: 0, y: 0, w: 1000, h: 1000 }, 'trust-boundary'),
			geoShape('shape:inner', 'Inner', { x: 100, y: 100, w: 200, h: 200 }, 'trust-boundary'),
			// Overlaps the inner boundary, but its centre (340, 140) lies outside it.
			geoShape('shape:edge', 'Edge', { x: 260, y: 100, w: 160, h: 80 }, 'process'),
			geoShape('shape:deep', 'Deep', { x: 120, y: 120, w: 40, h: 40 }, 'process'),
			geoShape('shape:away', 'Away', { x: 2000, y: 0 }, 'process')
		];
		const byId = new Map(readDiagram(records).elements.map((e) => [e.id, e.boundaryId]));
		expect(byId.get('shape:edge')).toBe('shape:outer');
		expect(byId.get('shape:deep')).toBe('shape:inner');
		expect(byId.get('shape:away')).toBeNull();
	});

	it('adds up parent offsets through nested frames', () => {
		const records = [
			frameShape('shape:f1', 'F1', { x: 1000, y: 1000, w: 500, h: 500 }),
			frameShape('shape:f2', 'F2', { x: 100, y: 100, w: 300, h: 300, parentId: 'shape:f1' }),
			geoShape('shape:zone', 'Zone', { x: 1100, y: 1100, w: 100, h: 100 }, 'trust-boundary'),
			// Page position 1000 + 100 + 10 = 1110: inside the zone only through both offsets.
			geoShape('shape:p', 'P', { x: 10, y: 10, w: 20, h: 20, parentId: 'shape:f2' }, 'process')
		];
		const [p] = readDiagram(records).elements;
		expect(p).toEqual({
			id: 'shape:p',
			createdAt: null,
			kind: 'process',
			label: 'P',
			boundaryId: 'shape:zone',
			pageId: 'page:page',
			bounds: { minX: 1110, minY: 1110, maxX: 1130, maxY: 1130 }
		});
	});

	it('keeps boundaries on different pages apart', () => {
		const records = [
			geoShape('shape:zone', 'Zone', { x: 0, y: 0, w: 500, h: 500, parentId: 'page:one' }, 'trust-boundary'),
			geoShape('shape:p', 'P', { x: 10, y: 10, parentId: 'page:two' }, 'process')
		];
		expect(readDiagram(records).elements[0].boundaryId).toBeNull();
	});

	it('skips hostile and malformed records', () => {
		const good = geoShape('shape:ok', 'OK', { x: 0, y: 0 }, 'process');
		const records: unknown[] = [
			good,
			null,
			42,
			'shape:x',
			[good],
			{ ...good, id: 'shape:bad id with spaces' },
			{ ...good, id: 'shape:' + 'x'.repeat(200) },
			{ ...good, id: 'shape:nan', x: Number.NaN },
			{ ...good, id: 'shape:inf', y: Infinity },
			{ ...good, id: 'shape:str', x: '10' },
			{ ...good, id: 'shape:noparent', parentId: 'nowhere' },
			{ ...good, id: 'shape:orphan', parentId: 'shape:missing' },
			{ ...good, id: 'shape:cycle-a', parentId: 'shape:cycle-b' },
			{ ...good, id: 'shape:cycle-b', parentId: 'shape:cycle-a' },
			{ ...good, id: 'shape:self', parentId: 'shape:self' },
			{ ...good, id: 'shape:badtag', meta: { dfd: 'dragon' } },
			{ ...good, id: 'shape:props', props: 'not an object', meta: null },
			{ ...good, id: 'shape:deeptext', props: { richText: deepRichText(10_000) } },
			{ typeName: 'binding', type: 'arrow', id: 'binding:b', fromId: 'shape:ok', toId: 'shape:ok', props: { terminal: 'middle' } },
			{ typeName: 'binding', type: 'arrow', id: 'binding:c', fromId: 'shape:ok', toId: 42, props: { terminal: 'start' } },
			{ ...good, typeName: 'shape', id: 'shape:ok', props: { ...((good.props as object) ?? {}), richText: richText('duplicate') } }
		];
		const diagram = readDiagram(records);
		// shape:props parses, but without a tag (meta: null) it is not an element.
		expect(diagram.elements.map((e) => e.id)).toEqual(['shape:deeptext', 'shape:ok']);
		expect(diagram.elements.find((e) => e.id === 'shape:ok')?.label).toBe('OK');
		expect(diagram.elements.find((e) => e.id === 'shape:deeptext')?.label).toBe('');
		expect(diagram.flows).toEqual([]);
	});

	it('resolves a doubly bound arrow end the same way whatever the order', () => {
		const records = [
			geoShape('shape:a', 'A', { x: 0, y: 0 }, 'process'),
			geoShape('shape:b', 'B', { x: 500, y: 0 }, 'process'),
			arrowShape('shape:arrow', 'x', { x: 0, y: 0 }),
			{ id: 'binding:2', typeName: 'binding', type: 'arrow', fromId: 'shape:arrow', toId: 'shape:b', props: { terminal: 'end' }, meta: {} },
			{ id: 'binding:1', typeName: 'binding', type: 'arrow', fromId: 'shape:arrow', toId: 'shape:a', props: { terminal: 'end' }, meta: {} }
		];
		expect(readDiagram(records).flows[0].to).toBe('shape:a');
		expect(readDiagram([...records].reverse()).flows[0].to).toBe('shape:a');
	});

	it('ignores arrows bound to other arrows or to missing shapes', () => {
		const records = [...flow('shape:f1', 'one', 'shape:f2', 'shape:gone'), ...flow('shape:f2', 'two', null, null)];
		expect(withoutGeometry(readDiagram(records)).flows).toEqual([
			{ id: 'shape:f1', createdAt: null, from: null, to: null, label: 'one' },
			{ id: 'shape:f2', createdAt: null, from: null, to: null, label: 'two' }
		]);
	});
});

describe('richTextToPlain', () => {
	it('joins paragraphs and hard breaks with newlines', () => {
		const doc = {
			type: 'doc',
			content: [
				{ type: 'paragraph', content: [{ type: 'text', text: 'Line one' }, { type: 'hardBreak' }, { type: 'text', text: 'two' }] },
				{ type: 'paragraph' },
				{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item', marks: [{ type: 'bold' }] }] }] }] }
			]
		};
		expect(richTextToPlain(doc)).toBe('Line one\ntwo\nitem');
	});

	it('keeps emoji and right-to-left text, and cuts runaway text', () => {
		expect(richTextToPlain(richText('שלום 🔐 مرحبا'))).toBe('שלום 🔐 مرحبا');
		const long = richTextToPlain(richText('🔐'.repeat(1000)));
		expect(long.length).toBeLessThanOrEqual(MAX_DIAGRAM_LABEL_LENGTH + 1);
		expect(long.endsWith('…')).toBe(true);
		expect(long.slice(0, -1)).toMatch(/^(🔐)+$/u); // no half surrogate pair
	});

	it('returns nothing for values that are not rich text', () => {
		for (const value of [null, undefined, 'text', 5, [], { type: 'doc', content: 'x' }, { type: 'text', text: 7 }]) {
			expect(richTextToPlain(value)).toBe('');
		}
	});
});

describe('APPLICABLE_STRIDE', () => {
	it('follows STRIDE per element', () => {
		expect(APPLICABLE_STRIDE['external-entity']).toEqual(['S', 'R']);
		expect(APPLICABLE_STRIDE['data-flow']).toEqual(['T', 'I', 'D']);
		expect(APPLICABLE_STRIDE['data-store']).toEqual(['T', 'R', 'I', 'D']);
	});
});

function deepRichText(depth: number): unknown {
	let node: unknown = { type: 'text', text: 'bottom' };
	for (let i = 0; i < depth; i++) node = { type: 'paragraph', content: [node] };
	return { type: 'doc', content: [node] };
}
