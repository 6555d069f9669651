/**
 * A dependency element (issue 15): another model of the system placed on the diagram. It is an
 * element like the others (an E reference, links, coverage), named after its model, and it is
 * not drawn from the palette.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { computeCoverage } from '../../../src/lib/shared/board/coverage.ts';
import { createNote, initBoardDoc, listNotes } from '../../../src/lib/shared/board/doc.ts';
import { addLink, listLinks } from '../../../src/lib/shared/board/links.ts';
import {
	DFD_ELEMENT_KINDS,
	DFD_PALETTE_KINDS,
	MAX_MODEL_NAME_LENGTH,
	MODEL_DEPENDENCY_KIND,
	isDfdElementKind,
	isDfdPaletteKind
} from '../../../src/lib/shared/canvas/dfd.ts';
import { APPLICABLE_STRIDE, readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { readCanvasElement } from '../../../src/lib/shared/canvas/elements.ts';
import { diagramRefs } from '../../../src/lib/shared/canvas/refs.ts';
import { readCanvasRecords, writeCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { toMermaid } from '../../../src/lib/shared/export/mermaid.ts';
import { buildReport } from '../../../src/lib/shared/export/report.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { toJson } from '../../../src/lib/shared/export/json.ts';
import { MODEL_DEPENDENCY_KIND as CONTRACT_KIND, readDependencyRefs } from '../../../src/lib/shared/systems/contract.ts';
import { dependencyShape, documentRecords, geoShape } from '../../fixtures/export/canvas.ts';
import { parseGfm, tableAfter } from '../export/markdown-helpers.ts';

const REF_A = 'AAAAAAAAAAAAAAAA';
const REF_B = 'BBBBBBBBBBBBBBBB';
const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function boardWith(records: ReturnType<typeof geoShape>[]): Y.Doc {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'Checkout', createdAt: 0 });
	writeCanvasRecords(doc, [...documentRecords(), ...records]);
	return doc;
}

describe('the model-dependency kind', () => {
	it('is an element kind but not a palette kind, and is the contract’s tag', () => {
		expect(CONTRACT_KIND).toBe(MODEL_DEPENDENCY_KIND);
		expect(DFD_ELEMENT_KINDS).toContain(MODEL_DEPENDENCY_KIND);
		expect(DFD_PALETTE_KINDS).not.toContain(MODEL_DEPENDENCY_KIND);
		expect(isDfdElementKind(MODEL_DEPENDENCY_KIND)).toBe(true);
		expect(isDfdPaletteKind(MODEL_DEPENDENCY_KIND)).toBe(false);
	});

	it('reads as an element named "model dependency: <name>", with an E reference in drawing order', () => {
		const diagram = readDiagram([
			...documentRecords(),
			geoShape('shape:api', 'Checkout API', { x: 0, y: 0 }, 'process'),
			dependencyShape('shape:dep', REF_A, '  Payments  ', { x: 400, y: 0 })
		]);
		const refs = diagramRefs(diagram);
		expect(refs.elements.map((e) => [e.ref, e.kind, e.name])).toEqual([
			['E1', 'process', 'Checkout API'],
			['E2', MODEL_DEPENDENCY_KIND, 'model dependency: Payments']
		]);
	});

	it('takes its name from meta whatever text a peer wrote into the shape, and copes with a hostile name', () => {
		const named = dependencyShape('shape:dep', REF_A, 'Payments', { x: 0, y: 0 });
		(named.props as Record<string, unknown>).richText = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Something else' }] }] };
		const long = dependencyShape('shape:long', REF_B, 'x'.repeat(5_000), { x: 400, y: 0 });
		const bad = dependencyShape('shape:bad', REF_B, { toString: 'no' }, { x: 800, y: 0 });
		const labels = readDiagram([...documentRecords(), named, long, bad]).elements.map((e) => e.label);
		expect(labels).toContain('model dependency: Payments');
		expect(labels).toContain(`model dependency: ${'x'.repeat(MAX_MODEL_NAME_LENGTH)}…`);
		expect(labels).toContain('model dependency: unnamed model');
	});

	it('is named the same way on the board’s note chips', () => {
		const doc = boardWith([dependencyShape('shape:dep', REF_A, 'Payments', { x: 0, y: 0 })]);
		expect(readCanvasElement(doc, 'shape:dep')).toEqual({ id: 'shape:dep', kind: MODEL_DEPENDENCY_KIND, label: 'model dependency: Payments' });
	});

	it('is what the contract reads as the board’s dependency refs (well-formed ones only, each once)', () => {
		const doc = boardWith([
			dependencyShape('shape:a1', REF_A, 'Payments', { x: 0, y: 0 }),
			dependencyShape('shape:a2', REF_A, 'Payments', { x: 300, y: 0 }),
			dependencyShape('shape:b', REF_B, 'Identity', { x: 600, y: 0 }),
			dependencyShape('shape:forged', 'not a ref', 'Forged', { x: 900, y: 0 })
		]);
		expect(readDependencyRefs(doc)).toEqual([REF_A, REF_B]);
	});
});

describe('coverage of a dependency element', () => {
	it('applies S, R and D: another model is outside this one, and this one needs it to be there', () => {
		expect(APPLICABLE_STRIDE[MODEL_DEPENDENCY_KIND]).toEqual(['S', 'R', 'D']);
	});

	it('has a row whose gaps close as linked threats cover S, R and D', () => {
		const doc = boardWith([dependencyShape('shape:dep', REF_A, 'Payments', { x: 0, y: 0 })]);
		const threat = createNote(doc, { kind: 'threat', question: 2, text: 'Payments is down', ...AUTHOR, stride: ['D'] });
		expect(addLink(doc, { kind: 'canvas', noteId: threat, elementId: 'shape:dep' }).ok).toBe(true);
		const coverage = computeCoverage({ diagram: readDiagram(readCanvasRecords(doc)), notes: listNotes(doc), links: listLinks(doc) });
		const row = coverage.rowById.get('shape:dep')!;
		expect(row.applicable).toEqual(['S', 'R', 'D']);
		expect(row.gaps).toEqual(['S', 'R']);
		expect(row.cells.D).toEqual([threat]);
	});
});

describe('exports of a dependency element', () => {
	const doc = boardWith([
		geoShape('shape:api', 'Checkout API', { x: 0, y: 0 }, 'process'),
		dependencyShape('shape:dep', REF_A, 'Payments', { x: 400, y: 0 })
	]);
	const threat = createNote(doc, { kind: 'threat', question: 2, text: 'Payments answers slowly', ...AUTHOR, stride: ['D'] });
	addLink(doc, { kind: 'canvas', noteId: threat, elementId: 'shape:dep' });
	const snapshot = snapshotRoom(doc, undefined, { exportedAt: 0 });

	it('lists it in the report’s elements with its label and kind, and under its threat', () => {
		const root = parseGfm(toMarkdown(snapshot));
		const elements = tableAfter(root, 'Elements');
		expect(elements!.slice(1).map((row) => row.slice(0, 3))).toContainEqual(['E2', 'model dependency: Payments', 'Model dependency']);
		expect(toMarkdown(snapshot)).toContain('E2 model dependency: Payments');
	});

	it('draws it in the Mermaid diagram with its label', () => {
		expect(toMermaid(buildReport(snapshot))).toContain('model dependency: Payments');
	});

	it('keeps its ref and name in the JSON export, and no room id', () => {
		const json = toJson(snapshot);
		expect(json).toContain(REF_A);
		expect(json).toContain('"modelName": "Payments"');
	});
});
