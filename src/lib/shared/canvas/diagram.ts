/**
 * Reads the data-flow diagram out of the canvas's tldraw records (see dfd.ts for the tagging
 * contract): DFD elements, data flows between them, and trust boundaries with what they contain.
 *
 * Pure and isomorphic: it takes records as plain JSON (from the `canvas` root, from tldraw's
 * store, or from an export file) and never imports tldraw. Every record was written by some
 * peer, possibly a hostile one, so anything malformed is skipped rather than trusted: wrong
 * types, non-finite numbers, bad ids, parent cycles, runaway rich text.
 *
 * Geometry: a shape's page position is its ancestors' transforms applied to its own offset
 * (tldraw rotates a shape about its origin, the top-left corner of the unrotated shape). Where a
 * shape "is" for containment is the axis-aligned bounding box of the (possibly rotated) shape,
 * `bounds`, and its centre. An element belongs to the innermost (smallest) trust boundary on its
 * page whose bounds contain the element's centre, edges included; boundaries nest by the same
 * rule. A rotated boundary therefore claims its whole bounding box (crossings.ts uses the same).
 */
import { CREATED_META_KEY, DFD_META_KEY, MODEL_DEPENDENCY_KIND, isDfdElementKind, modelDependencyLabel, modelNameOf, type DfdElementKind } from './dfd.ts';
import { clip, isObject } from './plain.ts';
import { CanvasElementId, type StrideLetter } from '../board/schema.ts';

/** Kinds a diagram node can have: a tagged DFD element, or an untagged shape a flow touches. */
export type DiagramNodeKind = Exclude<DfdElementKind, 'trust-boundary'> | 'other';

/** A point in page space. */
export interface Point {
	x: number;
	y: number;
}

/** An axis-aligned box in page space (for a rotated shape: the box around the rotated shape). */
export interface Bounds {
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
}

export interface DiagramElement {
	id: string;
	/** When the shape was drawn (see CREATED_META_KEY), or null for shapes from before it was kept. */
	createdAt: number | null;
	kind: DiagramNodeKind;
	label: string;
	/** The innermost trust boundary containing the element's centre, or null. */
	boundaryId: string | null;
	/** The tldraw page the shape is on. */
	pageId: string;
	bounds: Bounds;
}

export interface DiagramFlow {
	id: string;
	createdAt: number | null;
	/** Id of the element (or trust boundary) the arrow starts at; null when unbound. */
	from: string | null;
	to: string | null;
	label: string;
	pageId: string;
	/**
	 * The arrow's own terminal points in page space (tldraw's `props.start` / `props.end`). A bound
	 * end is where the bound shape is, not here: these matter for a loose end (see crossings.ts).
	 */
	start: Point;
	end: Point;
}

export interface DiagramBoundary {
	id: string;
	createdAt: number | null;
	label: string;
	/** The innermost boundary enclosing this one, or null. */
	parentId: string | null;
	pageId: string;
	bounds: Bounds;
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
	/** Radians, about the shape's origin; 0 when missing or not finite. */
	rotation: number;
	/** An arrow's terminal points in its own space (tldraw's props.start / props.end); else (0, 0). */
	start: Point;
	end: Point;
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
	/** Rotation in page space: the shape's own plus its ancestors'. */
	pageRotation: number;
	/** Page-space bounds of the unrotated shape at its page origin (what the interchange exports draw). */
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
	/** Page-space bounding box of the shape as drawn (rotation applied): what containment uses. */
	bounds: Bounds;
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
		parentId: innermost(shape, shape)?.id ?? null,
		pageId: shape.pageId,
		bounds: shape.bounds
	}));

	const elements = new Map<string, DiagramElement>();
	const addElement = (shape: Placed, kind: DiagramNodeKind) =>
		elements.set(shape.id, {
			id: shape.id,
			createdAt: shape.createdAt,
			kind,
			label: shape.label,
			boundaryId: innermost(shape)?.id ?? null,
			pageId: shape.pageId,
			bounds: shape.bounds
		});
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
		flows.push({
			id: shape.id,
			createdAt: shape.createdAt,
			from: endpoint(bound?.start),
			to: endpoint(bound?.end),
			label: shape.label,
			pageId: shape.pageId,
			start: toPage(shape, shape.start),
			end: toPage(shape, shape.end)
		});
	}

	return {
		elements: [...elements.values()].sort(byDrawingOrder),
		flows: flows.sort(byDrawingOrder),
		boundaries: boundaries.sort(byDrawingOrder)
	};
}

/** A shape with its page-space position, rotation and bounds, as the diagram reads it. */
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

/**
 * What each record object parsed to. Records are immutable values (Yjs hands out the same object
 * for an entry until someone replaces it; the canvas binding always writes new objects), so a
 * live view that re-reads the diagram on every canvas change parses only the records that changed:
 * on a 1,200-record canvas that is most of readDiagram's cost (bench: coverage-300x1000).
 */
const parsedShapes = new WeakMap<object, ShapeInfo | null>();
const parsedBindings = new WeakMap<object, ArrowBinding | null>();

function readShape(record: Record<string, unknown>): ShapeInfo | undefined {
	let parsed = parsedShapes.get(record);
	if (parsed === undefined) parsedShapes.set(record, (parsed = parseShape(record) ?? null));
	return parsed ?? undefined;
}

function parseShape(record: Record<string, unknown>): ShapeInfo | undefined {
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
		rotation: isFiniteNumber(record.rotation) ? record.rotation : 0,
		start: localPoint(props.start),
		end: localPoint(props.end),
		// A dependency element is named after the model it stands for, whatever its own text says.
		label: tag === MODEL_DEPENDENCY_KIND ? modelDependencyLabel(modelNameOf(meta)) : shapeLabel(type, props),
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

interface ArrowBinding {
	id: string;
	fromId: string;
	toId: string;
	terminal: 'start' | 'end';
}

function parseArrowBinding(record: Record<string, unknown>): ArrowBinding | undefined {
	const { id, type, fromId, toId } = record;
	if (type !== 'arrow' || !isCanvasId(id, 'binding:') || !isCanvasId(fromId, 'shape:') || !isCanvasId(toId, 'shape:')) return undefined;
	const terminal = isObject(record.props) ? record.props.terminal : undefined;
	if (terminal !== 'start' && terminal !== 'end') return undefined;
	return { id, fromId, toId, terminal };
}

function readArrowBinding(record: Record<string, unknown>, ends: Map<string, { start?: ArrowEnd; end?: ArrowEnd }>): void {
	let binding = parsedBindings.get(record);
	if (binding === undefined) parsedBindings.set(record, (binding = parseArrowBinding(record) ?? null));
	if (!binding) return;
	const { id, fromId, toId, terminal } = binding;
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
		let origin: { pageId: string; pageX: number; pageY: number; pageRotation: number } | undefined;
		while (cursor) {
			const known = placed.get(cursor.id);
			if (known) {
				origin = known;
				break;
			}
			if (broken.has(cursor.id) || chain.length > MAX_PARENT_DEPTH || chain.includes(cursor)) break;
			chain.push(cursor);
			if (cursor.parentId.startsWith('page:')) {
				origin = { pageId: cursor.parentId, pageX: 0, pageY: 0, pageRotation: 0 };
				cursor = undefined;
			} else {
				cursor = shapes.get(cursor.parentId);
			}
		}
		if (!origin) {
			for (const link of chain) broken.add(link.id);
			return undefined;
		}
		// Walk back down from the outermost ancestor, applying each parent's transform.
		let parent = origin;
		for (const link of chain.reverse()) {
			const at = toPage(parent, link);
			const pageRotation = parent.pageRotation + link.rotation;
			// Fields written out: object spread costs 1-2 µs a shape here (V8), a third of a re-read.
			const child: Placed = {
				id: link.id,
				type: link.type,
				parentId: link.parentId,
				x: link.x,
				y: link.y,
				w: link.w,
				h: link.h,
				rotation: link.rotation,
				start: link.start,
				end: link.end,
				label: link.label,
				dfd: link.dfd,
				createdAt: link.createdAt,
				pageId: origin.pageId,
				pageX: at.x,
				pageY: at.y,
				pageRotation,
				minX: at.x + Math.min(0, link.w),
				minY: at.y + Math.min(0, link.h),
				maxX: at.x + Math.max(0, link.w),
				maxY: at.y + Math.max(0, link.h),
				bounds: rotatedBounds(at, pageRotation, link.w, link.h)
			};
			placed.set(link.id, child);
			parent = child;
		}
		return placed.get(shape.id);
	};
	for (const shape of shapes.values()) if (!placed.has(shape.id)) place(shape);
	return placed;
}

/** A point given in a shape's own space, in page space. */
function toPage(shape: { pageX: number; pageY: number; pageRotation: number }, local: Point): Point {
	if (shape.pageRotation === 0) return { x: shape.pageX + local.x, y: shape.pageY + local.y };
	const cos = Math.cos(shape.pageRotation);
	const sin = Math.sin(shape.pageRotation);
	return { x: shape.pageX + local.x * cos - local.y * sin, y: shape.pageY + local.x * sin + local.y * cos };
}

/** The axis-aligned box around a w x h rectangle rotated by `rotation` about its corner `at`. */
function rotatedBounds(at: Point, rotation: number, w: number, h: number): Bounds {
	if (rotation === 0) {
		return { minX: at.x + Math.min(0, w), minY: at.y + Math.min(0, h), maxX: at.x + Math.max(0, w), maxY: at.y + Math.max(0, h) };
	}
	const frame = { pageX: at.x, pageY: at.y, pageRotation: rotation };
	const corners = [toPage(frame, { x: 0, y: 0 }), toPage(frame, { x: w, y: 0 }), toPage(frame, { x: 0, y: h }), toPage(frame, { x: w, y: h })];
	const xs = corners.map((c) => c.x);
	const ys = corners.map((c) => c.y);
	return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/** The centre of a box. */
export function boundsCentre(bounds: Bounds): Point {
	return { x: (bounds.minX + bounds.maxX) / 2, y: (bounds.minY + bounds.maxY) / 2 };
}

/** Whether `point` lies in `bounds`, edges included. */
export function boundsContain(bounds: Bounds, point: Point): boolean {
	return point.x >= bounds.minX && point.x <= bounds.maxX && point.y >= bounds.minY && point.y <= bounds.maxY;
}

/**
 * The smallest boundary on the same page whose bounds contain `shape`'s centre. For a boundary
 * (`exclude` = itself), only boundaries that come strictly after it in (area, id) order count,
 * so nesting can never form a cycle.
 */
function innermostBoundary(shape: Placed, boundaries: readonly Placed[], exclude?: Placed): Placed | undefined {
	const centre = boundsCentre(shape.bounds);
	let best: Placed | undefined;
	for (const boundary of boundaries) {
		if (boundary === exclude || boundary.pageId !== shape.pageId) continue;
		if (!boundsContain(boundary.bounds, centre)) continue;
		if (exclude && compareByArea(boundary, exclude) <= 0) continue;
		if (!best || compareByArea(boundary, best) < 0) best = boundary;
	}
	return best;
}

function compareByArea(a: Placed, b: Placed): number {
	const area = ({ bounds }: Placed) => (bounds.maxX - bounds.minX) * (bounds.maxY - bounds.minY);
	return area(a) - area(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// ---- Small helpers ----------------------------------------------------------------------------

function isFiniteNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

function isCanvasId(value: unknown, prefix: string): value is string {
	return typeof value === 'string' && value.startsWith(prefix) && CanvasElementId.safeParse(value).success;
}

/** A point in a shape's own space from a peer's record; (0, 0) when malformed. */
function localPoint(value: unknown): Point {
	return isObject(value) && isFiniteNumber(value.x) && isFiniteNumber(value.y) ? { x: value.x, y: value.y } : { x: 0, y: 0 };
}

/** A finite size, else 0 (a shape without a size is placed as a point). */
function size(value: unknown): number {
	return isFiniteNumber(value) ? value : 0;
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
	// Another model is outside this one, like an external entity, and this one depends on it being there.
	'model-dependency': ['S', 'R', 'D'],
	process: ['S', 'T', 'R', 'I', 'D', 'E'],
	'data-store': ['T', 'R', 'I', 'D'],
	'data-flow': ['T', 'I', 'D'],
	other: ['S', 'T', 'R', 'I', 'D', 'E']
} as const satisfies Record<DiagramNodeKind | 'data-flow', readonly StrideLetter[]>;
