import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { computeCoverage, HIGH_RISK_MIN_SCORE, type Coverage } from '../../../src/lib/shared/board/coverage.ts';
import { createNote, deleteNote, initBoardDoc, listNotes, setStrideLetter } from '../../../src/lib/shared/board/doc.ts';
import { addLink, listLinks } from '../../../src/lib/shared/board/links.ts';
import { riskBand } from '../../../src/lib/shared/board/risk.ts';
import type { LinkRecord, Note } from '../../../src/lib/shared/board/schema.ts';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { readCanvasRecords, writeCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import { geoShape } from '../../fixtures/export/canvas.ts';
import { fixtureCoverage } from '../export/golden.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function coverageOf(doc: Y.Doc, previous?: Coverage): Coverage {
	return computeCoverage({ diagram: readDiagram(readCanvasRecords(doc)), notes: listNotes(doc), links: listLinks(doc) }, previous);
}

/** Row ids as references, for readable expectations. */
function refsOf(coverage: Coverage, ids: readonly string[]): string[] {
	return ids.map((id) => coverage.rowById.get(id)?.ref ?? coverage.threatRefs.get(id) ?? id);
}

describe('computeCoverage on the fixture room (the golden case the exports print)', () => {
	const coverage = fixtureCoverage();
	const row = (ref: string) => coverage.rows.find((r) => r.ref === ref)!;
	const cellRefs = (ref: string) =>
		Object.fromEntries(row(ref).applicable.map((letter) => [letter, refsOf(coverage, row(ref).cells[letter]!).join(',')]));

	it('has a row per element then per flow, numbered as the report numbers them', () => {
		expect(coverage.rows.map((r) => `${r.ref} ${r.name}`)).toEqual([
			'E1 Payments API',
			'E2 Audit log',
			'E3 Customer browser',
			'E4 Orders DB',
			'E5 Card processor (PSP)',
			'F1 unnamed data flow',
			'F2 Charge request',
			'F3 Card details (HTTPS)',
			'F4 Webhook?',
			'F5 Order rows (SQL)'
		]);
	});

	it('opens only the applicable cells and fills them with the linked threats carrying the letter', () => {
		expect(cellRefs('E1')).toEqual({ S: 'T1', T: 'T1', R: 'T4', I: '', D: '', E: '' });
		expect(row('E1').gaps).toEqual(['I', 'D', 'E']);
		expect(cellRefs('E4')).toEqual({ T: 'T2', R: '', I: 'T2', D: '' });
		// The PSP's threat is about denial of service, which does not apply to an external entity.
		expect(refsOf(coverage, row('E5').threatIds)).toEqual(['T3']);
		expect(cellRefs('E5')).toEqual({ S: '', R: '' });
		expect(cellRefs('F3')).toEqual({ T: 'T1', I: '', D: '' });
		expect(row('E2').applicable).toEqual(['S', 'T', 'R', 'I', 'D', 'E']);
	});

	it('carries each flow’s crossings', () => {
		expect(row('F2').crossing?.boundaryIds).toEqual(['shape:vpc']);
		expect(row('F4').crossing?.incomplete).toBe(true);
		expect(row('E1').crossing).toBeNull();
	});

	it('computes the figures of question 4', () => {
		const { figures } = coverage;
		expect(figures.threatCount).toBe(4);
		expect(refsOf(coverage, figures.elementsWithoutThreat)).toEqual(['E2', 'E3']);
		expect(refsOf(coverage, figures.untouched)).toEqual(['E2', 'E3', 'F1', 'F2', 'F4', 'F5']);
		expect(refsOf(coverage, figures.crossingFlows)).toEqual(['F2', 'F3', 'F5']);
		expect(refsOf(coverage, figures.crossingFlowsWithoutThreat)).toEqual(['F2', 'F5']);
		expect(refsOf(coverage, figures.incompleteFlows)).toEqual(['F4']);
		expect(figures.rowsWithGaps).toHaveLength(10);
		expect(figures.gapCount).toBe(3 + 6 + 2 + 2 + 2 + 3 + 3 + 2 + 3 + 3);
		expect(refsOf(coverage, figures.unmitigated)).toEqual(['T4']);
		// T3 (risk 16) before T1 (12); T2 is mitigated, T4 unrated.
		expect(refsOf(coverage, figures.openHighRisk)).toEqual(['T3', 'T1']);
		expect(refsOf(coverage, figures.unrated)).toEqual(['T4']);
	});
});

describe('computeCoverage', () => {
	function board() {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'T', createdAt: 0 });
		writeCanvasRecords(doc, [
			geoShape('shape:p', 'P', { x: 0, y: 0 }, 'process'),
			geoShape('shape:q', 'Q', { x: 500, y: 0 }, 'data-store'),
			geoShape('shape:zone', 'Zone', { x: -50, y: -50, w: 400, h: 400 }, 'trust-boundary')
		]);
		const threat = (createdAt: number, stride: Array<'S' | 'T' | 'I'>) =>
			createNote(doc, { kind: 'threat', question: 2, ...AUTHOR, createdAt, stride, likelihood: 5, impact: 2 });
		return { doc, threat };
	}

	it('ignores links to missing notes and elements, notes of other kinds, and repeated links', () => {
		const { doc, threat } = board();
		const t1 = threat(1, ['S']);
		const component = createNote(doc, { kind: 'component', question: 1, text: 'P is the API', ...AUTHOR });
		addLink(doc, { kind: 'canvas', noteId: t1, elementId: 'shape:p' });
		addLink(doc, { kind: 'canvas', noteId: component, elementId: 'shape:p' });
		const links: LinkRecord[] = [
			...listLinks(doc),
			{ kind: 'canvas', noteId: t1, elementId: 'shape:p', createdAt: 5 },
			{ kind: 'canvas', noteId: 'missingNote', elementId: 'shape:p', createdAt: 5 },
			{ kind: 'canvas', noteId: t1, elementId: 'shape:not-on-canvas', createdAt: 5 },
			// A link to the boundary: boundaries have no row.
			{ kind: 'canvas', noteId: t1, elementId: 'shape:zone', createdAt: 5 },
			{ kind: 'mitigates', threatId: t1, mitigationId: component, createdAt: 5 },
			{ kind: 'mitigates', threatId: t1, mitigationId: 'missingNote', createdAt: 5 }
		];
		const coverage = computeCoverage({ diagram: readDiagram(readCanvasRecords(doc)), notes: listNotes(doc), links });
		expect(coverage.rows.map((r) => [r.ref, r.threatIds])).toEqual([
			['E1', [t1]],
			['E2', []]
		]);
		expect(coverage.figures.unmitigated).toEqual([t1]);
		expect(coverage.figures.threatCount).toBe(1);
	});

	it('numbers threats by creation time and lists cells in that order', () => {
		const { doc, threat } = board();
		const later = threat(20, ['S']);
		const earlier = threat(10, ['S', 'T']);
		for (const id of [later, earlier]) addLink(doc, { kind: 'canvas', noteId: id, elementId: 'shape:p' });
		const coverage = coverageOf(doc);
		expect(coverage.threatRefs.get(earlier)).toBe('T1');
		expect(coverage.rows[0].cells.S).toEqual([earlier, later]);
		expect(coverage.rows[0].cells.T).toEqual([earlier]);
		// Both are open at 5 x 2 = 10: high risk.
		expect(coverage.figures.openHighRisk).toEqual([earlier, later]);
	});

	it('keeps every unchanged row object after an edit, so a keyed view re-renders only the changed row', () => {
		const { doc, threat } = board();
		const t1 = threat(1, ['S']);
		addLink(doc, { kind: 'canvas', noteId: t1, elementId: 'shape:p' });
		const before = coverageOf(doc);
		const again = coverageOf(doc, before);
		expect(again.rows.every((row, i) => row === before.rows[i])).toBe(true);

		setStrideLetter(doc, t1, 'T', true);
		const after = coverageOf(doc, again);
		expect(after.rows[0]).not.toBe(again.rows[0]);
		expect(after.rows[0].cells.T).toEqual([t1]);
		expect(after.rows[1]).toBe(again.rows[1]);
	});

	it('gives a new row object when its threats are renumbered, so a view showing T numbers redraws it', () => {
		const { doc, threat } = board();
		const first = threat(1, ['S']);
		const second = threat(2, ['T']);
		addLink(doc, { kind: 'canvas', noteId: second, elementId: 'shape:q' });
		const before = coverageOf(doc);
		expect(before.threatRefs.get(second)).toBe('T2');
		deleteNote(doc, first);
		const after = coverageOf(doc, before);
		expect(after.threatRefs.get(second)).toBe('T1');
		expect(after.rowById.get('shape:q')).not.toBe(before.rowById.get('shape:q'));
		expect(after.rowById.get('shape:p')).toBe(before.rowById.get('shape:p'));
	});

	it('uses the board’s High band as the high-risk threshold', () => {
		expect(HIGH_RISK_MIN_SCORE).toBe(10);
		expect(riskBand(HIGH_RISK_MIN_SCORE)).toBe('high');
		expect(riskBand(HIGH_RISK_MIN_SCORE - 1)).toBe('medium');
	});

	it('works from plain arrays with no document at all', () => {
		const notes: Note[] = [];
		const coverage = computeCoverage({ diagram: { elements: [], flows: [], boundaries: [] }, notes, links: [] });
		expect(coverage.rows).toEqual([]);
		expect(coverage.figures.gapCount).toBe(0);
	});
});
