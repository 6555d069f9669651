/**
 * The diagram references (E1, F1, B1; numbered in refs.ts, as the report numbers them) of a live
 * board document, and a change listener that ignores moves and resizes, for the element picker.
 */
import type * as Y from 'yjs';
import { canvasMap } from '../board/doc.ts';
import { readDiagram } from './diagram.ts';
import { isObject } from './plain.ts';
import { onCanvasChange } from './elements.ts';
import { diagramRefs, type DiagramRef } from './refs.ts';

export type { DiagramRef };

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
