/**
 * Short references for the diagram's items: E1, E2 … for elements, F1 … for data flows, B1 … for
 * trust boundaries, numbered in the Diagram's order (drawing order, see diagram.ts), so a shape
 * drawn later never renumbers the others. One numbering for the reports, the coverage map and the
 * element picker, so "E3" means the same thing everywhere.
 */
import { DFD_KIND_LABELS } from './dfd.ts';
import type { Diagram, DiagramNodeKind } from './diagram.ts';

export interface DiagramRef {
	/** E1, F1 or B1. */
	ref: string;
	id: string;
	kind: DiagramNodeKind | 'data-flow' | 'trust-boundary';
	/** The label on the canvas ('' when none). */
	label: string;
	/** The label, or a description such as "unnamed process" when it has none. */
	name: string;
}

export interface DiagramRefs {
	elements: DiagramRef[];
	flows: DiagramRef[];
	boundaries: DiagramRef[];
	/** Every reference above by canvas element id. */
	byId: ReadonlyMap<string, DiagramRef>;
}

export function diagramRefs(diagram: Diagram): DiagramRefs {
	const byId = new Map<string, DiagramRef>();
	const number = <T extends { id: string; label: string }>(items: readonly T[], prefix: string, kindOf: (item: T) => DiagramRef['kind']) =>
		items.map((item, i) => {
			const kind = kindOf(item);
			const ref: DiagramRef = { ref: `${prefix}${i + 1}`, id: item.id, kind, label: item.label, name: item.label || unnamed(kind) };
			byId.set(item.id, ref);
			return ref;
		});
	return {
		boundaries: number(diagram.boundaries, 'B', () => 'trust-boundary'),
		elements: number(diagram.elements, 'E', (e) => e.kind),
		flows: number(diagram.flows, 'F', () => 'data-flow'),
		byId
	};
}

function unnamed(kind: DiagramRef['kind']): string {
	return `unnamed ${DFD_KIND_LABELS[kind].toLowerCase()}`;
}
