import { describe, expect, it } from 'vitest';
import { computeCrossings, isCrossing } from '../../../src/lib/shared/canvas/crossings.ts';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { arrowShape, flow, geoShape } from '../../fixtures/export/canvas.ts';
import { fixtureCanvasRecords } from '../../fixtures/export/fixture-diagram.ts';

const crossingsOf = (records: unknown[]) => {
	const result = computeCrossings(readDiagram(records));
	return new Map(result.flows.map((f) => [f.flowId, f]));
};

/** An arrow whose terminals are drawn at the given page points (arrow origin at the start point). */
function drawnArrow(id: string, start: { x: number; y: number }, end: { x: number; y: number }) {
	const arrow = arrowShape(id, '', { x: start.x, y: start.y });
	return { ...arrow, props: { ...(arrow.props as object), start: { x: 0, y: 0 }, end: { x: end.x - start.x, y: end.y - start.y } } };
}

describe('computeCrossings', () => {
	it('finds the flows of the fixture diagram that cross its nested boundaries', () => {
		const result = computeCrossings(readDiagram(fixtureCanvasRecords()));
		expect(result.flows).toEqual([
			{ flowId: 'shape:flow-audit', fromId: 'shape:api', toId: 'shape:audit', boundaryIds: [], incomplete: false },
			{ flowId: 'shape:flow-charge', fromId: 'shape:api', toId: 'shape:psp', boundaryIds: ['shape:vpc'], incomplete: false },
			{ flowId: 'shape:flow-checkout', fromId: 'shape:browser', toId: 'shape:api', boundaryIds: ['shape:vpc'], incomplete: false },
			// The loose end is left at the arrow's own end point (100, 0), outside every boundary.
			{ flowId: 'shape:flow-dangling', fromId: 'shape:psp', toId: null, boundaryIds: [], incomplete: true },
			// Both ends are in the VPC; only the orders database is in the data tier.
			{ flowId: 'shape:flow-orders', fromId: 'shape:api', toId: 'shape:orders-db', boundaryIds: ['shape:data-tier'], incomplete: false }
		]);
		expect(result.byFlow.get('shape:flow-charge')).toBe(result.flows[1]);
		expect(result.flows.filter(isCrossing).map((f) => f.flowId)).toEqual(['shape:flow-charge', 'shape:flow-checkout', 'shape:flow-orders']);
	});

	it('counts nested boundaries separately: out of both crosses both, between them crosses the inner one', () => {
		const records = [
			geoShape('shape:outer', 'Outer', { x: 0, y: 0, w: 1000, h: 1000 }, 'trust-boundary'),
			geoShape('shape:inner', 'Inner', { x: 100, y: 100, w: 300, h: 300 }, 'trust-boundary'),
			geoShape('shape:deep', 'Deep', { x: 150, y: 150, w: 100, h: 100 }, 'process'),
			geoShape('shape:middle', 'Middle', { x: 600, y: 600, w: 100, h: 100 }, 'process'),
			geoShape('shape:out', 'Out', { x: 2000, y: 0, w: 100, h: 100 }, 'external-entity'),
			...flow('shape:a', '', 'shape:deep', 'shape:out'),
			...flow('shape:b', '', 'shape:deep', 'shape:middle'),
			...flow('shape:c', '', 'shape:out', 'shape:middle'),
			...flow('shape:d', '', 'shape:middle', 'shape:middle')
		];
		const byFlow = crossingsOf(records);
		// Boundary order is the diagram's (no drawing times: by id, so inner before outer).
		expect(byFlow.get('shape:a')?.boundaryIds).toEqual(['shape:inner', 'shape:outer']);
		expect(byFlow.get('shape:b')?.boundaryIds).toEqual(['shape:inner']);
		expect(byFlow.get('shape:c')?.boundaryIds).toEqual(['shape:outer']);
		expect(byFlow.get('shape:d')?.boundaryIds).toEqual([]);
	});

	it('judges a loose end by where the arrow was left, and flags the flow incomplete', () => {
		const records = [
			geoShape('shape:zone', 'Zone', { x: 0, y: 0, w: 500, h: 500 }, 'trust-boundary'),
			geoShape('shape:out', 'Out', { x: 1000, y: 0, w: 100, h: 100 }, 'external-entity'),
			// From the entity (bound) to a point inside the zone (not bound).
			drawnArrow('shape:into', { x: 1000, y: 50 }, { x: 250, y: 250 }),
			{ id: 'binding:into', typeName: 'binding', type: 'arrow', fromId: 'shape:into', toId: 'shape:out', props: { terminal: 'start' }, meta: {} },
			// Neither end bound, both outside.
			drawnArrow('shape:stray', { x: 600, y: 600 }, { x: 900, y: 900 }),
			// Bound to a shape that is not on the canvas: that end is loose too.
			drawnArrow('shape:ghost', { x: 100, y: 100 }, { x: 200, y: 200 }),
			{ id: 'binding:ghost', typeName: 'binding', type: 'arrow', fromId: 'shape:ghost', toId: 'shape:gone', props: { terminal: 'end' }, meta: {} }
		];
		const byFlow = crossingsOf(records);
		expect(byFlow.get('shape:into')).toEqual({ flowId: 'shape:into', fromId: 'shape:out', toId: null, boundaryIds: ['shape:zone'], incomplete: true });
		expect(byFlow.get('shape:stray')).toEqual({ flowId: 'shape:stray', fromId: null, toId: null, boundaryIds: [], incomplete: true });
		expect(byFlow.get('shape:ghost')).toEqual({ flowId: 'shape:ghost', fromId: null, toId: null, boundaryIds: [], incomplete: true });
	});

	it('counts an element whose centre lies exactly on a boundary edge as inside', () => {
		const records = [
			geoShape('shape:zone', 'Zone', { x: 0, y: 0, w: 400, h: 400 }, 'trust-boundary'),
			// Centre (400, 200): on the right edge.
			geoShape('shape:edge', 'On the edge', { x: 350, y: 150, w: 100, h: 100 }, 'process'),
			// Centre (401, 200): just outside.
			geoShape('shape:beyond', 'Just beyond', { x: 351, y: 150, w: 100, h: 100 }, 'process'),
			geoShape('shape:in', 'In', { x: 50, y: 50, w: 100, h: 100 }, 'process'),
			...flow('shape:edge-in', '', 'shape:edge', 'shape:in'),
			...flow('shape:beyond-in', '', 'shape:beyond', 'shape:in')
		];
		const diagram = readDiagram(records);
		expect(diagram.elements.find((e) => e.id === 'shape:edge')?.boundaryId).toBe('shape:zone');
		const byFlow = crossingsOf(records);
		expect(byFlow.get('shape:edge-in')?.boundaryIds).toEqual([]);
		expect(byFlow.get('shape:beyond-in')?.boundaryIds).toEqual(['shape:zone']);
	});

	it('treats a rotated boundary or element as the axis-aligned box around it', () => {
		const quarterTurn = Math.PI / 2;
		const records = [
			// 400 x 100 at (0, 0), a quarter turn about its origin: it now covers x -100..0, y 0..400.
			{ ...geoShape('shape:zone', 'Zone', { x: 0, y: 0, w: 400, h: 100 }, 'trust-boundary'), rotation: quarterTurn },
			// Centre (-50, 300): inside only because the zone is rotated.
			geoShape('shape:in', 'In', { x: -60, y: 290, w: 20, h: 20 }, 'process'),
			// 200 x 20 at (100, 0), a quarter turn: its box is x 80..100, y 0..200, centre (90, 100).
			{ ...geoShape('shape:turned', 'Turned', { x: 100, y: 0, w: 200, h: 20 }, 'process'), rotation: quarterTurn },
			...flow('shape:f', '', 'shape:in', 'shape:turned')
		];
		const diagram = readDiagram(records);
		const zone = diagram.boundaries[0].bounds;
		expect([zone.minX, zone.minY, zone.maxX, zone.maxY].map((v) => Math.round(v))).toEqual([-100, 0, 0, 400]);
		expect(diagram.elements.find((e) => e.id === 'shape:in')?.boundaryId).toBe('shape:zone');
		expect(diagram.elements.find((e) => e.id === 'shape:turned')?.boundaryId).toBeNull();
		expect(crossingsOf(records).get('shape:f')?.boundaryIds).toEqual(['shape:zone']);
	});

	it('places children of a rotated frame through the frame rotation', () => {
		const records = [
			geoShape('shape:zone', 'Zone', { x: -300, y: 0, w: 300, h: 300 }, 'trust-boundary'),
			// A frame turned a quarter: its local x axis points down the page, its y axis to the left.
			{ ...geoShape('shape:frame', 'Frame', { x: 0, y: 0, w: 400, h: 400 }), type: 'frame', rotation: Math.PI / 2 },
			// Local (10, 100): page (-100, 10) after the turn, then its own 20 x 20 box.
			geoShape('shape:child', 'Child', { x: 10, y: 100, w: 20, h: 20, parentId: 'shape:frame' }, 'process')
		];
		const child = readDiagram(records).elements.find((e) => e.id === 'shape:child')!;
		expect(child.boundaryId).toBe('shape:zone');
	});

	it('keeps ends on another page outside a boundary', () => {
		const records = [
			geoShape('shape:zone', 'Zone', { x: 0, y: 0, w: 500, h: 500, parentId: 'page:one' }, 'trust-boundary'),
			geoShape('shape:a', 'A', { x: 10, y: 10, parentId: 'page:one' }, 'process'),
			geoShape('shape:b', 'B', { x: 10, y: 10, parentId: 'page:two' }, 'process'),
			...flow('shape:f', '', 'shape:a', 'shape:b')
		];
		expect(crossingsOf(records).get('shape:f')?.boundaryIds).toEqual(['shape:zone']);
	});
});
