/**
 * tldraw records for an imported diagram, built as plain JSON (shared code cannot import
 * tldraw): DFD elements drawn exactly as the palette draws them (dfd-looks.ts), data flows as
 * arrows bound to their ends, trust boundaries as dashed red boxes or, for a boundary drawn as a
 * line, dashed red lines, text as text shapes, and one frame per diagram when a model has several.
 *
 * Every record validates against tldraw 5.4's schema (tests/unit/interop/canvas-layout.test.ts
 * puts them into a real tldraw store), so an import can never write a record the canvas refuses.
 * Callers give page coordinates; children of a frame are stored relative to it, as tldraw wants.
 */
import { DFD_META_KEY, type DfdPaletteKind } from '../canvas/dfd.ts';
import { ARROW_DEFAULT_PROPS, DFD_LOOKS, GEO_DEFAULT_PROPS } from '../canvas/dfd-looks.ts';
import type { CanvasRecord } from '../export/canvas-records.ts';
import type { JsonObject } from '../export/json-value.ts';
import { cleanText } from '../text.ts';

export interface Point {
	x: number;
	y: number;
}
export interface Box extends Point {
	w: number;
	h: number;
}
/** An end of a data flow: bound to a shape, or a free point on the page. */
export type FlowEnd = { shapeId: string } | Point;

export interface FlowOptions {
	/** Points the flow passes through in the source tool: its curve is approximated by a bend. */
	vertices?: readonly Point[];
	/** Arrowheads at both ends. */
	bidirectional?: boolean;
}

export const PAGE_ID = 'page:page';
const DOCUMENT_RECORD: CanvasRecord = { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} };
const PAGE_RECORD: CanvasRecord = { id: PAGE_ID, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} };
/** Smallest side of an imported shape: tldraw refuses zero sizes, and a label needs room. */
export const MIN_SHAPE_SIDE = 20;

const INDEX_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The n-th of a run of increasing tldraw index keys (fractional-indexing integers): a1 ... az,
 * then b00 ... bzz, then c000 ... czzz, enough for far more shapes than an import may hold.
 */
export function indexKey(n: number): string {
	const base = INDEX_DIGITS.length;
	if (n < base - 1) return `a${INDEX_DIGITS[n + 1]}`;
	let rest = n - (base - 1);
	for (const [head, width] of [['b', 2], ['c', 3], ['d', 4]] as const) {
		const span = base ** width;
		if (rest < span) {
			let digits = '';
			for (let i = 0; i < width; i++) {
				digits = INDEX_DIGITS[rest % base] + digits;
				rest = Math.floor(rest / base);
			}
			return head + digits;
		}
		rest -= span;
	}
	throw new RangeError('too many canvas records');
}

/** tldraw rich text (a TipTap document) for plain text: one paragraph per line. */
export function richText(text: string): JsonObject {
	const paragraph = (line: string): JsonObject => (line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' });
	return { type: 'doc', content: canvasLabel(text, MAX_CANVAS_LABEL_CHARS).split('\n').map(paragraph) };
}

/** Longest label an imported shape gets, and a frame's name. */
export const MAX_CANVAS_LABEL_CHARS = 2_000;
export const MAX_FRAME_NAME_CHARS = 200;

/**
 * A label from an imported file, cleaned as typed text is (controls, bidi overrides and invisible
 * characters dropped: "Pay\u202Egnp.exe" read as "Payexe.png") and cut to `max` characters.
 */
function canvasLabel(text: string, max: number): string {
	const clean = cleanText(text);
	return clean.length > max ? clean.slice(0, max) : clean;
}

export interface CanvasBuilder {
	/** A frame holding one diagram of a model with several; returns its id. */
	frame(name: string, box: Box): string;
	/** A DFD element (or a trust boundary box) as the palette draws it. */
	element(kind: DfdPaletteKind, label: string, box: Box, parentId?: string): string;
	/** A trust boundary drawn as an open line through `points` (Threat Dragon's curve boundaries). */
	boundaryLine(points: readonly Point[], smooth: boolean, parentId?: string): string;
	text(text: string, box: Box, parentId?: string): string;
	flow(from: FlowEnd, to: FlowEnd, label: string, options?: FlowOptions, parentId?: string): string;
	/** The page-space box of a shape made here. */
	boxOf(shapeId: string): Box | undefined;
	/** Document and page records first, then shapes in the order made, then bindings. */
	records(): CanvasRecord[];
	readonly shapeCount: number;
}

export function createCanvasBuilder(): CanvasBuilder {
	const shapes: CanvasRecord[] = [];
	const bindings: CanvasRecord[] = [];
	const boxes = new Map<string, Box>();
	let next = 0;

	// Zero-padded, so ids sort in the order the shapes were made (readDiagram lists by id).
	const newId = () => `shape:i${String(++next).padStart(5, '0')}`;
	const sized = (box: Box): Box => ({ ...box, w: Math.max(MIN_SHAPE_SIDE, box.w), h: Math.max(MIN_SHAPE_SIDE, box.h) });

	function addShape(id: string, type: string, at: Point, parentId: string | undefined, props: JsonObject, meta: JsonObject = {}): void {
		const origin = parentId ? boxes.get(parentId) : undefined;
		shapes.push({
			id,
			typeName: 'shape',
			type,
			x: round(at.x - (origin?.x ?? 0)),
			y: round(at.y - (origin?.y ?? 0)),
			rotation: 0,
			index: indexKey(shapes.length),
			parentId: origin ? parentId! : PAGE_ID,
			isLocked: false,
			opacity: 1,
			meta,
			props
		});
	}

	function centreOf(end: FlowEnd): Point {
		if ('shapeId' in end) {
			const box = boxes.get(end.shapeId);
			return box ? { x: box.x + box.w / 2, y: box.y + box.h / 2 } : { x: 0, y: 0 };
		}
		return end;
	}

	return {
		get shapeCount() {
			return shapes.length;
		},
		frame(name, box) {
			const id = newId();
			const at = sized(box);
			boxes.set(id, at);
			addShape(id, 'frame', at, undefined, { w: round(at.w), h: round(at.h), name: canvasLabel(name, MAX_FRAME_NAME_CHARS), color: 'black' });
			return id;
		},
		element(kind, label, box, parentId) {
			const id = newId();
			const at = kind === 'trust-boundary' ? sized(box) : roomForLabel(sized(box), label, DFD_LOOKS[kind].geo === 'ellipse');
			boxes.set(id, at);
			const props = { ...GEO_DEFAULT_PROPS, ...DFD_LOOKS[kind], w: round(at.w), h: round(at.h), richText: richText(label) };
			addShape(id, 'geo', at, parentId, props, { [DFD_META_KEY]: kind });
			return id;
		},
		boundaryLine(points, smooth, parentId) {
			const id = newId();
			const first = points[0] ?? { x: 0, y: 0 };
			const linePoints: JsonObject = {};
			points.forEach((point, i) => {
				const key = indexKey(i);
				linePoints[key] = { id: key, index: key, x: round(point.x - first.x), y: round(point.y - first.y) };
			});
			const look = DFD_LOOKS['trust-boundary'];
			const props = { color: look.color, dash: look.dash, size: look.size, spline: smooth ? 'cubic' : 'line', points: linePoints, scale: 1 };
			boxes.set(id, boundsOf(points));
			addShape(id, 'line', first, parentId, props, { [DFD_META_KEY]: 'trust-boundary' });
			return id;
		},
		text(text, box, parentId) {
			const id = newId();
			const at = sized(box);
			boxes.set(id, at);
			const props = { color: 'black', size: 's', font: 'draw', textAlign: 'start', w: round(at.w), richText: richText(text), scale: 1, autoSize: false };
			addShape(id, 'text', at, parentId, props);
			return id;
		},
		flow(from, to, label, options = {}, parentId) {
			const id = newId();
			const start = centreOf(from);
			const end = centreOf(to);
			boxes.set(id, boundsOf([start, end]));
			const props = {
				...ARROW_DEFAULT_PROPS,
				arrowheadStart: options.bidirectional ? 'arrow' : 'none',
				start: { x: 0, y: 0 },
				end: { x: round(end.x - start.x), y: round(end.y - start.y) },
				bend: round(bendThrough(start, end, options.vertices ?? [])),
				richText: richText(label)
			};
			addShape(id, 'arrow', start, parentId, props);
			for (const [terminal, target] of [['start', from], ['end', to]] as const) {
				if (!('shapeId' in target)) continue;
				bindings.push({
					id: `binding:${id.slice('shape:'.length)}-${terminal}`,
					typeName: 'binding',
					type: 'arrow',
					fromId: id,
					toId: target.shapeId,
					props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
					meta: {}
				});
			}
			return id;
		},
		boxOf(shapeId) {
			return boxes.get(shapeId);
		},
		records() {
			return [DOCUMENT_RECORD, PAGE_RECORD, ...shapes, ...bindings];
		}
	};
}

/** Width of a character of the canvas's default label font (24 px hand-drawn), on average. */
const LABEL_CHAR_WIDTH = 14;
const LABEL_LINE_HEIGHT = 32;
const LABEL_PADDING = 40;
/** The share of an ellipse's box its label may use. */
const ELLIPSE_LABEL_SHARE = 0.72;

/**
 * The box grown (around its centre) so the label's longest word and its lines fit: the source
 * tools draw 12-14 px labels, the canvas 24 px ones, and tldraw breaks a word that is too wide.
 */
function roomForLabel(box: Box, label: string, ellipse: boolean): Box {
	const lines = label.split('\n');
	const longestWord = Math.max(0, ...label.split(/\s+/).map((word) => word.length));
	const share = ellipse ? ELLIPSE_LABEL_SHARE : 1;
	const w = Math.max(box.w, Math.min(600, (longestWord * LABEL_CHAR_WIDTH + LABEL_PADDING) / share));
	const h = Math.max(box.h, Math.min(400, (lines.length * LABEL_LINE_HEIGHT + LABEL_PADDING) / share));
	return { x: box.x - (w - box.w) / 2, y: box.y - (h - box.h) / 2, w, h };
}

/**
 * tldraw's arc arrows pass through the chord's midpoint moved sideways by `bend` (perpendicular,
 * to the left of the direction of travel). The source tool's curve passes through its vertices;
 * the vertex farthest from the chord gives the bend, limited to half the chord so a stray vertex
 * cannot throw the arrow across the page.
 */
function bendThrough(start: Point, end: Point, vertices: readonly Point[]): number {
	const dx = end.x - start.x;
	const dy = end.y - start.y;
	const length = Math.hypot(dx, dy);
	if (length < 1 || vertices.length === 0) return 0;
	const mid = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
	let bend = 0;
	for (const vertex of vertices) {
		const offset = ((vertex.x - mid.x) * -dy + (vertex.y - mid.y) * dx) / length;
		if (Math.abs(offset) > Math.abs(bend)) bend = offset;
	}
	return Math.max(-length / 2, Math.min(length / 2, bend));
}

export function boundsOf(points: readonly Point[]): Box {
	if (points.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
	const xs = points.map((p) => p.x);
	const ys = points.map((p) => p.y);
	const x = Math.min(...xs);
	const y = Math.min(...ys);
	return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** The smallest box holding all `boxes` (a zero box at the origin when there are none). */
export function unionOf(boxes: readonly Box[]): Box {
	if (boxes.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
	return boundsOf(boxes.flatMap((box) => [{ x: box.x, y: box.y }, { x: box.x + box.w, y: box.y + box.h }]));
}

/** Two decimals are plenty on a canvas, and keep exported bytes short and stable. */
function round(value: number): number {
	return Math.round(value * 100) / 100;
}

/** Horizontal gap between diagrams placed side by side, in canvas units. */
export const DIAGRAM_GAP = 240;
/** Space around a diagram inside its frame. */
export const FRAME_PADDING = 60;

/**
 * Where each diagram goes on the one canvas page: side by side, left to right, top-aligned, with
 * DIAGRAM_GAP between them. Returns the offset to add to each diagram's own coordinates.
 */
export function sideBySide(extents: readonly Box[]): Point[] {
	let left = 0;
	return extents.map((extent) => {
		const offset = { x: left - extent.x, y: -extent.y };
		left += extent.w + DIAGRAM_GAP;
		return offset;
	});
}
