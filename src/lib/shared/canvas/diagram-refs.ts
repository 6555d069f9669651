/**
 * Short references for the diagram's items, E1 for elements, F1 for flows, B1 for trust
 * boundaries, numbered in drawing order (readDiagram's order), so a shape added later never
 * renumbers the others. The report and the board's element picker both name items this way.
 */
import type * as Y from 'yjs';
import { canvasMap } from '../board/doc.ts';
import { DFD_KIND_LABELS } from './dfd.ts';
import { isObject, readDiagram, type Diagram, type DiagramNodeKind } from './diagram.ts';
import { onCanvasChange } from './elements.ts';

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
}

export function diagramRefs(diagram: Diagram): DiagramRefs {
	const make = (prefix: string, kind: DiagramRef['kind'], item: { id: string; label: string }, i: number): DiagramRef => ({
		ref: `${prefix}${i + 1}`,
		id: item.id,
		kind,
		label: item.label,
		name: item.label || `unnamed ${DFD_KIND_LABELS[kind].toLowerCase()}`
	});
	return {
		elements: diagram.elements.map((e, i) => make('E', e.kind, e, i)),
		flows: diagram.flows.map((f, i) => make('F', 'data-flow', f, i)),
		boundaries: diagram.boundaries.map((b, i) => make('B', 'trust-boundary', b, i))
	};
}

/** The references of the diagram on a board document's canvas, elements then flows then boundaries. */
export function readDiagramRefs(doc: Y.Doc): DiagramRef[] {
	const { elements, flows, boundaries } = diagramRefs(readDiagram([...canvasMap(doc).values()]));
	return [...elements, ...flows, ...boundaries];
}

/**
 * Calls `listener` after a transaction that may have changed the references: an item added or
 * removed, or a change to a kind, label, drawing time, parent or flow binding. Moving or resizing
 * a shape (a drag writes its record every frame) does not call it.
 */
export function onDiagramRefsChange(doc: Y.Doc, listener: () => void): () => void {
	const canvas = canvasMap(doc);
	const signatures = new Map<string, string>();
	canvas.forEach((record, id) => signatures.set(id, refSignature(record)));
	return onCanvasChange(doc, (changed) => {
		let relevant = false;
		for (const id of changed) {
			const next = canvas.has(id) ? refSignature(canvas.get(id)) : undefined;
			if (next === signatures.get(id)) continue;
			relevant = true;
			if (next === undefined) signatures.delete(id);
			else signatures.set(id, next);
		}
		if (relevant) listener();
	});
}

/** The fields of a canvas record that references depend on (not its position or size). */
function refSignature(record: unknown): string {
	if (!isObject(record)) return 'invalid';
	const props = isObject(record.props) ? record.props : {};
	const meta = isObject(record.meta) ? record.meta : {};
	if (record.typeName === 'binding') return JSON.stringify(['binding', record.type, record.fromId, record.toId, props.terminal]);
	if (record.typeName !== 'shape') return JSON.stringify([record.typeName]);
	return JSON.stringify(['shape', record.type, record.parentId, meta.dfd, meta.createdAt, props.richText ?? props.name ?? props.text ?? null]);
}
