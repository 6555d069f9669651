/**
 * A large connected threat model for the coverage benchmark and its unit test: `elements` DFD
 * elements on a grid inside nested trust boundaries, a flow from each element to the next (every
 * tenth one left loose), `threats` threats with one or two STRIDE letters, each linked to one to
 * three elements or flows, most rated, and a mitigation for every third threat. Deterministic.
 */
import * as Y from 'yjs';
import { createNote, initBoardDoc } from '../../src/lib/shared/board/doc.ts';
import { addLink } from '../../src/lib/shared/board/links.ts';
import { STRIDE_LETTERS, type StrideLetter } from '../../src/lib/shared/board/schema.ts';
import type { DfdElementKind } from '../../src/lib/shared/canvas/dfd.ts';
import { writeCanvasRecords, type CanvasRecord } from '../../src/lib/shared/export/canvas-records.ts';
import { arrowBinding, arrowShape, documentRecords, geoShape } from '../fixtures/export/canvas.ts';

export interface CoverageBoardOptions {
	elements?: number;
	threats?: number;
}

export interface CoverageBoard {
	doc: Y.Doc;
	elementIds: string[];
	flowIds: string[];
	threatIds: string[];
}

const KINDS = ['process', 'data-store', 'external-entity'] as const satisfies DfdElementKind[];
const AUTHOR = { author: 'Bench', authorColor: '#2563eb' } as const;
const COLUMNS = 20;
const STEP = 200;

export function buildCoverageBoard(options: CoverageBoardOptions = {}): CoverageBoard {
	const { elements = 300, threats = 1_000 } = options;
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'Coverage bench', createdAt: 0 });
	const records: CanvasRecord[] = [...documentRecords()];
	const rows = Math.ceil(elements / COLUMNS);
	// Bands of five rows, each its own boundary, inside one boundary around the left half.
	records.push(geoShape('shape:zone-left', 'Left half', { x: -50, y: -50, w: (COLUMNS / 2) * STEP, h: rows * STEP + 100 }, 'trust-boundary'));
	for (let band = 0; band * 5 < rows; band++) {
		records.push(geoShape(`shape:zone-${band}`, `Band ${band}`, { x: -40, y: band * 5 * STEP - 40, w: COLUMNS * STEP, h: 5 * STEP - 20 }, 'trust-boundary'));
	}
	const elementIds: string[] = [];
	for (let i = 0; i < elements; i++) {
		const id = `shape:e${i}`;
		elementIds.push(id);
		records.push(geoShape(id, `Element ${i}`, { x: (i % COLUMNS) * STEP, y: Math.floor(i / COLUMNS) * STEP, w: 120, h: 80 }, KINDS[i % KINDS.length]));
	}
	const flowIds: string[] = [];
	for (let i = 0; i + 1 < elements; i++) {
		const id = `shape:f${i}`;
		flowIds.push(id);
		records.push(arrowShape(id, `Flow ${i}`, { x: (i % COLUMNS) * STEP + 120, y: Math.floor(i / COLUMNS) * STEP + 40 }));
		records.push(arrowBinding(id, elementIds[i], 'start'));
		if (i % 10 !== 9) records.push(arrowBinding(id, elementIds[i + 1], 'end'));
	}
	writeCanvasRecords(doc, records);

	const targets = [...elementIds, ...flowIds];
	const threatIds: string[] = [];
	doc.transact(() => {
		for (let i = 0; i < threats; i++) {
			const stride: StrideLetter[] = [STRIDE_LETTERS[i % 6], STRIDE_LETTERS[(i * 7 + 3) % 6]];
			const rated = i % 5 !== 0;
			const id = createNote(doc, {
				kind: 'threat',
				question: 2,
				text: `Threat ${i}`,
				...AUTHOR,
				createdAt: 1_000 + i,
				order: `a${i.toString(36).padStart(3, '0')}1`,
				stride,
				likelihood: rated ? (i % 5) + 1 : null,
				impact: rated ? ((i * 3) % 5) + 1 : null,
				status: i % 7 === 0 ? 'mitigated' : 'open'
			});
			threatIds.push(id);
			for (let k = 0; k <= i % 3; k++) addLink(doc, { kind: 'canvas', noteId: id, elementId: targets[(i * 13 + k * 101) % targets.length] }, 0);
			if (i % 3 === 0) {
				const mitigation = createNote(doc, {
					kind: 'mitigation',
					question: 3,
					text: `Mitigation ${i}`,
					...AUTHOR,
					createdAt: 5_000 + i,
					order: `a${i.toString(36).padStart(3, '0')}1`
				});
				addLink(doc, { kind: 'mitigates', a: id, b: mitigation }, 0);
			}
		}
	});
	return { doc, elementIds, flowIds, threatIds };
}
