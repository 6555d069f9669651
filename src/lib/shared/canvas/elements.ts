/**
 * What the board needs to know about canvas elements without loading tldraw: an element's kind
 * and label (for the chips on notes), how many threats concern each element (for the badges on
 * the canvas), and a change signal. Records are read as untrusted JSON, like in diagram.ts.
 */
import type * as Y from 'yjs';
import { canvasMap, linksMap, readNote } from '../board/doc.ts';
import { DFD_META_KEY, MODEL_DEPENDENCY_KIND, isDfdElementKind, modelDependencyLabel, modelNameOf, type DfdKind } from './dfd.ts';
import { richTextToPlain } from './diagram.ts';
import { isObject } from './plain.ts';
import { parseLink } from '../board/schema.ts';

export interface CanvasElementSummary {
	id: string;
	kind: DfdKind;
	label: string;
}

/** An element's kind and label, or undefined when it is not (or no longer) on the canvas. */
export function readCanvasElement(doc: Y.Doc, id: string): CanvasElementSummary | undefined {
	const record = canvasMap(doc).get(id);
	if (!isObject(record) || record.typeName !== 'shape' || record.id !== id) return undefined;
	const meta = isObject(record.meta) ? record.meta : {};
	const tag = meta[DFD_META_KEY];
	const kind: DfdKind = isDfdElementKind(tag) ? tag : record.type === 'arrow' ? 'data-flow' : 'other';
	if (kind === MODEL_DEPENDENCY_KIND) return { id, kind, label: modelDependencyLabel(modelNameOf(meta)) };
	const props = isObject(record.props) ? record.props : {};
	const label = richTextToPlain(props.richText) || (typeof props.name === 'string' ? props.name.slice(0, 200) : '');
	return { id, kind, label };
}

/**
 * How many threat notes are linked to each canvas element (links to deleted elements included,
 * so an undone deletion shows its count again at once).
 */
export function threatCountsByElement(doc: Y.Doc): Map<string, number> {
	const counts = new Map<string, number>();
	linksMap(doc).forEach((value, key) => {
		const link = parseLink(key, value);
		if (link?.kind !== 'canvas') return;
		if (readNote(doc, link.noteId)?.kind !== 'threat') return;
		counts.set(link.elementId, (counts.get(link.elementId) ?? 0) + 1);
	});
	return counts;
}

/** Calls `listener` once per transaction that changed canvas records, with their ids. */
export function onCanvasChange(doc: Y.Doc, listener: (changedIds: ReadonlySet<string>) => void): () => void {
	const canvas = canvasMap(doc);
	const handler = (event: Y.YMapEvent<unknown>) => listener(event.keysChanged);
	canvas.observe(handler);
	return () => canvas.unobserve(handler);
}
