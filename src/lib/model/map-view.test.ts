import { describe, expect, it } from 'vitest';
import { computeCoverage } from '#shared/board/coverage';
import type { Diagram } from '#shared/canvas/diagram';
import { cellLabel, crossingItems, figureLines, mapCell } from './map-view.ts';

const box = (minX: number, minY: number, maxX: number, maxY: number) => ({ minX, minY, maxX, maxY });

/** Browser (outside) -> API (inside the boundary) -> DB (inside), and a flow with a loose end. */
function diagram(): Diagram {
	return {
		elements: [
			{ id: 'shape:user', createdAt: 1, kind: 'external-entity', label: 'User', boundaryId: null, pageId: 'page:p', bounds: box(0, 0, 10, 10) },
			{ id: 'shape:api', createdAt: 2, kind: 'process', label: 'API', boundaryId: 'shape:b', pageId: 'page:p', bounds: box(100, 0, 110, 10) },
			{ id: 'shape:db', createdAt: 3, kind: 'data-store', label: 'DB', boundaryId: 'shape:b', pageId: 'page:p', bounds: box(150, 0, 160, 10) }
		],
		flows: [
			{ id: 'shape:f1', createdAt: 4, from: 'shape:user', to: 'shape:api', label: 'login', pageId: 'page:p', start: { x: 5, y: 5 }, end: { x: 105, y: 5 } },
			{ id: 'shape:f2', createdAt: 5, from: 'shape:api', to: 'shape:db', label: '', pageId: 'page:p', start: { x: 105, y: 5 }, end: { x: 155, y: 5 } },
			{ id: 'shape:f3', createdAt: 6, from: 'shape:api', to: null, label: 'log', pageId: 'page:p', start: { x: 105, y: 5 }, end: { x: 400, y: 5 } }
		],
		boundaries: [{ id: 'shape:b', createdAt: 0, label: 'Data centre', parentId: null, pageId: 'page:p', bounds: box(80, -20, 200, 40) }]
	} as unknown as Diagram;
}

const threat = (id: string, stride: string[], createdAt: number) =>
	({ id, kind: 'threat', question: 2, text: id, author: 'A', authorColor: '#000000', order: 'a', createdAt, stride, likelihood: null, impact: null, status: 'open' }) as never;

describe('the coverage map view', () => {
	const coverage = computeCoverage({
		diagram: diagram(),
		notes: [threat('t1', ['S'], 1)],
		links: [{ kind: 'canvas', noteId: 't1', elementId: 'shape:api', createdAt: 1 }]
	});
	const api = coverage.rowById.get('shape:api')!;
	const user = coverage.rowById.get('shape:user')!;

	it('opens only applicable cells, and tells gaps from covered cells', () => {
		expect(mapCell(user, 'T')).toEqual({ kind: 'na' });
		expect(mapCell(user, 'S')).toEqual({ kind: 'gap' });
		expect(mapCell(api, 'S')).toEqual({ kind: 'covered', threatIds: ['t1'] });
		expect(cellLabel(api, 'S', mapCell(api, 'S'))).toBe('1 Spoofing threat for E2 API');
		expect(cellLabel(user, 'S', mapCell(user, 'S'))).toBe('Gap: no Spoofing threat for E1 User. Add one');
		expect(cellLabel(user, 'T', mapCell(user, 'T'))).toBe('Tampering does not apply to E1 User');
	});

	it('lists crossing flows with their boundaries, a crossing flow without a threat as a gap, and loose ends', () => {
		const items = crossingItems(coverage);
		expect(items.map((i) => [i.row.ref, i.from, i.to, i.boundaries, i.gap, i.incomplete])).toEqual([
			['F1', 'E1 User', 'E2 API', ['B1 Data centre'], true, false],
			['F3', 'E2 API', 'loose end', ['B1 Data centre'], true, true]
		]);
	});

	it('gives the fourth question its figures from the same coverage', () => {
		const lines = Object.fromEntries(figureLines(coverage).map((l) => [l.key, [l.count, l.of]]));
		expect(lines.elementsWithoutThreat).toEqual([2, 3]);
		expect(lines.crossingFlowsWithoutThreat).toEqual([2, 2]);
		expect(lines.unmitigated).toEqual([1, 1]);
		expect(lines.unrated).toEqual([1, 1]);
		expect(lines.gapCount[0]).toBe(coverage.figures.gapCount);
	});
});
