/**
 * Reads the data-flow diagram out of the canvas's tldraw records (see dfd.ts for the tagging
 * contract): DFD elements, data flows between them, and trust boundaries with what they contain.
 *
 * Pure and isomorphic: it takes records as plain JSON (from the `canvas` root, from tldraw's
 * store, or from an export file) and never imports tldraw. Every record was written by some
 * peer, possibly a hostile one, so anything malformed is skipped rather than trusted: wrong
 * types, non-finite numbers, bad ids, parent cycles, runaway rich text.
 *
 * Geometry: a shape's page position is the sum of its own and its ancestor shapes' offsets;
 * rotation is ignored. An element belongs to the innermost (smallest) trust boundary on its
 * page whose bounds contain the element's centre; boundaries nest by the same rule.
 */
import { CREATED_META_KEY, DFD_META_KEY, isDfdElementKind, type DfdElementKind } from './dfd.ts';
import { CanvasElementId, type StrideLetter } from '../board/schema.ts';

/** Kinds a diagram node can have: a tagged DFD element, or an untagged shape a flow touches. */
export type DiagramNodeKind = Exclude<DfdElementKind, 'trust-boundary'> | 'other';

export interface DiagramElement {
	id: string;
	/** When the shape was drawn (see CREATED_META_KEY), or null for shapes from before it was kept. */
	createdAt: number | null;
	kind: DiagramNodeKind;
	label: string;
	/** The innermost trust boundary containing the element's centre, or null. */
	boundaryId: string | null;
}

export interface DiagramFlow {
	id: string;
	createdAt: number | null;
	/** Id of the element (or trust boundary) the arrow starts at; null when unbound. */
	from: string | null;
	to: string | null;
	label: string;
}

export interface DiagramBoundary {
	id: string;
	createdAt: number | null;
	label: string;
	/** The innermost boundary enclosing this one, or null. */
	parentId: string | null;
}

export interface Diagram {
	/**
	 * In the order the shapes were drawn, like flows and boundaries: shapes without a drawing time
	 * (older rooms, imports) first by id, then the others by time (ties by id). A shape added later
	 * comes last, so the references numbered from this order never change.
	 */
	elements: DiagramElement[];
	flows: DiagramFlow[];
	boundaries: DiagramBoundary[];
}

/** Labels longer than this (UTF-16 code units) are cut: a label is a name, not a document. */
export const MAX_DIAGRAM_LABEL_LENGTH = 500;
/** Rich text deeper than this is hostile (TipTap documents are a few levels deep). */
const MAX_RICH_TEXT_DEPTH = 32;
/** Parent chains longer than this are treated as broken (tldraw nests frames and groups a few deep). */
const MAX_PARENT_DEPTH = 64;

interface ShapeInfo {
	id: string;
	type: string;
	parentId: string;
	x: number;
	y: number;
	w: number;
	h: number;
	label: string;
	/** The DFD tag, if the shape carries a valid one. */
	dfd: DfdElementKind | undefined;
	createdAt: number | null;
}

interface Placed extends ShapeInfo {
	pageId: string;
	/** Page-space position of the shape's origin. */
	pageX: number;
	pageY: number;
	/** Page-space bounds. */
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
}

interface ArrowEnd {
	bindingId: string;
	toId: string;
}

export function readDiagram(records: readonly unknown[]): Diagram {
	const ends = new Map<string, { start?: ArrowEnd; end?: ArrowEnd }>();
	for (const record of records) {
		if (isObject(record) && record.typeName === 'binding') readArrowBinding(record, ends);
	}

	const placed = readPlacedShapes(records);
	const boundaryShapes = [...placed.values()].filter((s) => s.dfd === 'trust-boundary' && s.type !== 'arrow');
	const innermost = (of: Placed, exclude?: Placed) => innermostBoundary(of, boundaryShapes, exclude);

	const boundaries: DiagramBoundary[] = boundaryShapes.map((shape) => ({
		id: shape.id,
		createdAt: shape.createdAt,
		label: shape.label,
		parentId: innermost(shape, shape)?.id ?? null
	}));

	const elements = new Map<string, DiagramElement>();
	const addElement = (shape: Placed, kind: DiagramNodeKind) =>
		elements.set(shape.id, { id: shape.id, createdAt: shape.createdAt, kind, label: shape.label, boundaryId: innermost(shape)?.id ?? null });
	for (const shape of placed.values()) {
		if (shape.type !== 'arrow' && shape.dfd && shape.dfd !== 'trust-boundary') addElement(shape, shape.dfd);
	}

	const flows: DiagramFlow[] = [];
	for (const shape of placed.values()) {
		if (shape.type !== 'arrow') continue;
		const bound = ends.get(shape.id);
		const endpoint = (end: ArrowEnd | undefined): string | null => {
			const target = end && placed.get(end.toId);
			if (!target || target.type === 'arrow') return null;
			// An untagged shape a flow touches still appears in the diagram, as "other".
			if (!target.dfd) addElement(target, 'other');
			return target.id;
		};
		flows.push({ id: shape.id, createdAt: shape.createdAt, from: endpoint(bound?.start), to: endpoint(bound?.end), label: shape.label });
	}

	return {
		elements: [...elements.values()].sort(byDrawingOrder),
		flows: flows.sort(byDrawingOrder),
		boundaries: boundaries.sort(byDrawingOrder)
	};
}

/** A shape with its page-space position and bounds (rotation ignored), as the diagram reads it. */
export type PlacedShape = Readonly<Placed>;

/**
 * Every well-formed shape whose parent chain reaches a page, with its page position and bounds:
 * what the interchange exports need besides the diagram (where to draw each cell).
 */
export function readPlacedShapes(records: readonly unknown[]): Map<string, Placed> {
	const shapes = new Map<string, ShapeInfo>();
	for (const record of records) {
		if (!isObject(record) || record.typeName !== 'shape') continue;
		const shape = readShape(record);
		if (shape && !shapes.has(shape.id)) shapes.set(shape.id, shape);
	}
	return placeShapes(shapes);
}

/**
 * The plain text of a tldraw rich-text value (a TipTap document): text nodes concatenated,
 * block nodes and hard breaks as newlines. Anything unexpected contributes nothing.
 */
export function richTextToPlain(value: unknown, maxLength = MAX_DIAGRAM_LABEL_LENGTH): string {
	const blocks: string[] = [];
	let current = '';
	let length = 0;
	const walk = (node: unknown, depth: number): void => {
		if (length > maxLength || depth > MAX_RICH_TEXT_DEPTH || !isObject(node)) return;
		if (node.type === 'text' && typeof node.text === 'string') {
			current += node.text;
			length += node.text.length;
			return;
		}
		if (node.type === 'hardBreak') {
			current += '\n';
			return;
		}
		if (!Array.isArray(node.content)) return;
		const isBlock = node.type !== 'doc' && depth > 0;
		for (const child of node.content) walk(child, depth + 1);
		if (isBlock && current !== '') {
			blocks.push(current);
			current = '';
		}
	};
	walk(value, 0);
	if (current !== '') blocks.push(current);
	return clip(blocks.join('\n').trim(), maxLength);
}

// ---- Records ----------------------------------------------------------------------------------

function readShape(record: Record<string, unknown>): ShapeInfo | undefined {
	const { id, type, parentId, x, y } = record;
	if (!isCanvasId(id, 'shape:') || typeof type !== 'string') return undefined;
	if (!isCanvasId(parentId, 'shape:') && !isCanvasId(parentId, 'page:')) return undefined;
	if (!isFiniteNumber(x) || !isFiniteNumber(y)) return undefined;
	const props = isObject(record.props) ? record.props : {};
	const meta = isObject(record.meta) ? record.meta : {};
	const tag = meta[DFD_META_KEY];
	return {
		id,
		type,
		parentId,
		x,
		y,
		w: size(props.w),
		h: size(props.h) + size(props.growY),
		label: shapeLabel(type, props),
		dfd: isDfdElementKind(tag) ? tag : undefined,
		createdAt: isFiniteNumber(meta[CREATED_META_KEY]) && (meta[CREATED_META_KEY] as number) >= 0 ? (meta[CREATED_META_KEY] as number) : null
	};
}

function shapeLabel(type: string, props: Record<string, unknown>): string {
	// Frames carry a plain name; geo, text, note and arrow shapes carry rich text.
	if (type === 'frame' && typeof props.name === 'string') return clip(props.name.trim(), MAX_DIAGRAM_LABEL_LENGTH);
	if (props.richText !== undefined) return richTextToPlain(props.richText);
	// Records written before tldraw 3 kept plain `text`.
	if (typeof props.text === 'string') return clip(props.text.trim(), MAX_DIAGRAM_LABEL_LENGTH);
	return '';
}

function readArrowBinding(record: Record<string, unknown>, ends: Map<string, { start?: ArrowEnd; end?: ArrowEnd }>): void {
	const { id, type, fromId, toId } = record;
	if (type !== 'arrow' || !isCanvasId(id, 'binding:') || !isCanvasId(fromId, 'shape:') || !isCanvasId(toId, 'shape:')) return;
	const terminal = isObject(record.props) ? record.props.terminal : undefined;
	if (terminal !== 'start' && terminal !== 'end') return;
	const arrow = ends.get(fromId) ?? {};
	// Two bindings for one terminal only come from a broken or hostile peer: keep the lowest id,
	// so every reader picks the same one.
	const existing = arrow[terminal];
	if (!existing || id < existing.bindingId) arrow[terminal] = { bindingId: id, toId };
	ends.set(fromId, arrow);
}

// ---- Geometry ---------------------------------------------------------------------------------

/** Page-space bounds for every shape whose parent chain reaches a page; the rest are dropped. */
function placeShapes(shapes: ReadonlyMap<string, ShapeInfo>): Map<string, Placed> {
	const placed = new Map<string, Placed>();
	const broken = new Set<string>();
	const place = (shape: ShapeInfo): Placed | undefined => {
		const chain: ShapeInfo[] = [];
		let cursor: ShapeInfo | undefined = shape;
		let origin: { pageId: string; x: number; y: number } | undefined;
		while (cursor) {
			const known = placed.get(cursor.id);
			if (known) {
				origin = { pageId: known.pageId, x: known.pageX, y: known.pageY };
				break;
			}
			if (broken.has(cursor.id) || chain.length > MAX_PARENT_DEPTH || chain.includes(cursor)) break;
			chain.push(cursor);
			if (cursor.parentId.startsWith('page:')) {
				origin = { pageId: cursor.parentId, x: 0, y: 0 };
				cursor = undefined;
			} else {
				cursor = shapes.get(cursor.parentId);
			}
		}
		if (!origin) {
			for (const link of chain) broken.add(link.id);
			return undefined;
		}
		// Walk back down from the outermost ancestor, accumulating offsets.
		let { x, y } = origin;
		for (const link of chain.reverse()) {
			x += link.x;
			y += link.y;
			placed.set(link.id, {
				...link,
				pageId: origin.pageId,
				pageX: x,
				pageY: y,
				minX: x + Math.min(0, link.w),
				minY: y + Math.min(0, link.h),
				maxX: x + Math.max(0, link.w),
				maxY: y + Math.max(0, link.h)
			});
		}
		return placed.get(shape.id);
	};
	for (const shape of shapes.values()) if (!placed.has(shape.id)) place(shape);
	return placed;
}

/**
 * The smallest boundary on the same page whose bounds contain `shape`'s centre. For a boundary
 * (`exclude` = itself), only boundaries that come strictly after it in (area, id) order count,
 * so nesting can never form a cycle.
 */
function innermostBoundary(shape: Placed, boundaries: readonly Placed[], exclude?: Placed): Placed | undefined {
	const cx = (shape.minX + shape.maxX) / 2;
	const cy = (shape.minY + shape.maxY) / 2;
	let best: Placed | undefined;
	for (const boundary of boundaries) {
		if (boundary === exclude || boundary.pageId !== shape.pageId) continue;
		if (cx < boundary.minX || cx > boundary.maxX || cy < boundary.minY || cy > boundary.maxY) continue;
		if (exclude && compareByArea(boundary, exclude) <= 0) continue;
		if (!best || compareByArea(boundary, best) < 0) best = boundary;
	}
	return best;
}

function compareByArea(a: Placed, b: Placed): number {
	const area = (s: Placed) => (s.maxX - s.minX) * (s.maxY - s.minY);
	return area(a) - area(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// ---- Small helpers ----------------------------------------------------------------------------

/** A plain object read from a peer (not null, not an array); its fields are still unknown. */
export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

function isCanvasId(value: unknown, prefix: string): value is string {
	return typeof value === 'string' && value.startsWith(prefix) && CanvasElementId.safeParse(value).success;
}

/** A finite size, else 0 (a shape without a size is placed as a point). */
function size(value: unknown): number {
	return isFiniteNumber(value) ? value : 0;
}

/** Cuts text to `max` code units without splitting a surrogate pair. */
function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
	return `${text.slice(0, cut)}…`;
}

function byDrawingOrder(a: { id: string; createdAt: number | null }, b: { id: string; createdAt: number | null }): number {
	if (a.createdAt !== b.createdAt) {
		if (a.createdAt === null) return -1;
		if (b.createdAt === null) return 1;
		return a.createdAt - b.createdAt;
	}
	return byId(a, b);
}

function byId(a: { id: string }, b: { id: string }): number {
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// ---- STRIDE per element -----------------------------------------------------------------------

/**
 * The STRIDE categories that apply to each kind of diagram item (Microsoft's "STRIDE per
 * element"): coverage reports the applicable categories no threat on the item considers.
 * Untagged shapes get every category, since nothing is known about them.
 */
export const APPLICABLE_STRIDE = {
	'external-entity': ['S', 'R'],
	process: ['S', 'T', 'R', 'I', 'D', 'E'],
	'data-store': ['T', 'R', 'I', 'D'],
	'data-flow': ['T', 'I', 'D'],
	other: ['S', 'T', 'R', 'I', 'D', 'E']
} as const satisfies Record<DiagramNodeKind | 'data-flow', readonly StrideLetter[]>;
