/**
 * Trust-boundary crossings: which data flows carry data from one side of a trust boundary to the
 * other. Design-centric threat modeling looks hardest at exactly these flows.
 *
 * The rule: a flow crosses a boundary when exactly one of its two ends lies inside it. Nested
 * boundaries count separately: a flow from inside an inner boundary to outside both crosses the
 * inner and the outer one; a flow between two elements of the same boundary crosses nothing.
 *
 * Where an end is:
 * - a bound end is the centre of the shape it is bound to (the same point diagram.ts uses to
 *   put an element in a boundary, so the boundary column and the crossings always agree);
 * - a loose end (not bound, or bound to something that is not on the canvas) is the arrow's own
 *   terminal point, and the flow is flagged `incomplete`: its crossings are reported as drawn,
 *   but nobody said where the data goes, so the panel and the report say so.
 *
 * Inside means inside the boundary's page-space bounding box, edges included: an element whose
 * centre lies exactly on a boundary's edge is inside it. A rotated boundary or element counts
 * with the axis-aligned box around the rotated shape (diagram.ts, `bounds`). Ends on another page
 * than the boundary are outside it.
 *
 * Pure: a function of the Diagram (readDiagram), cheap enough to run on every canvas change
 * (one pass over flows x boundaries).
 */
import { boundsCentre, boundsContain, type Diagram, type DiagramBoundary, type Point } from './diagram.ts';

export interface FlowCrossing {
	flowId: string;
	/** The shape the flow starts at, or null for a loose end. */
	fromId: string | null;
	toId: string | null;
	/** Boundaries exactly one end lies in, in the diagram's boundary order (drawing order). */
	boundaryIds: string[];
	/** An end is loose: the crossings are judged from where the arrow was left. */
	incomplete: boolean;
}

export interface Crossings {
	/** Every flow of the diagram, in its order; a flow that crosses nothing has no boundary ids. */
	flows: FlowCrossing[];
	byFlow: ReadonlyMap<string, FlowCrossing>;
}

export function computeCrossings(diagram: Diagram): Crossings {
	const centres = new Map<string, { pageId: string; at: Point }>();
	for (const shape of [...diagram.elements, ...diagram.boundaries]) centres.set(shape.id, { pageId: shape.pageId, at: boundsCentre(shape.bounds) });

	const flows = diagram.flows.map((flow): FlowCrossing => {
		const end = (boundId: string | null, drawn: Point) => (boundId && centres.get(boundId)) || { pageId: flow.pageId, at: drawn };
		const from = end(flow.from, flow.start);
		const to = end(flow.to, flow.end);
		const inside = (boundary: DiagramBoundary, point: { pageId: string; at: Point }) =>
			point.pageId === boundary.pageId && boundsContain(boundary.bounds, point.at);
		return {
			flowId: flow.id,
			fromId: flow.from,
			toId: flow.to,
			boundaryIds: diagram.boundaries.filter((b) => inside(b, from) !== inside(b, to)).map((b) => b.id),
			incomplete: flow.from === null || flow.to === null
		};
	});
	return { flows, byFlow: new Map(flows.map((f) => [f.flowId, f])) };
}

/** Whether a flow crosses at least one trust boundary. */
export function isCrossing(crossing: FlowCrossing): boolean {
	return crossing.boundaryIds.length > 0;
}
