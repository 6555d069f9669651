/**
 * What a canvas record in the shared board may be, beyond what tldraw's schema validates: every
 * browser would otherwise take a hostile participant's record for its own. Checked by the server
 * before a write is stored (board/write-rules.ts) and by each browser before it puts a remote
 * record into its tldraw store (canvas/react/yjs-binding.ts), for rooms written before the
 * server checked.
 * - Only the diagram's own record types (tldraw's document scope), under their own id: tldraw's
 *   per-user records (the instance, its camera, its page state) written into the room were copied
 *   over everyone's view: a camera far away at no zoom left the canvas blank, an instance set
 *   read-only switched editing off.
 * - Shapes of a bounded size: tldraw outlines an ellipse with a point every 20 px of its
 *   perimeter, so one of 1e10 px ran every other tab out of memory, at every load.
 * - A shape's parents lead to a page: tldraw climbs parent links to find a page's shapes, and a
 *   shape that was its own parent (or two that were each other's) hung every tab for good.
 */

/** tldraw's document-scope record types: the diagram, as opposed to each user's session and presence. */
export const CANVAS_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['document', 'page', 'shape', 'binding', 'asset']);

/**
 * Largest width, height or growth of a shape, in canvas units: a 4K screen shows 3,840 at 100%
 * and 38,400 at tldraw's smallest zoom; an ellipse this wide is outlined with ~160,000 points.
 */
export const MAX_SHAPE_EXTENT = 1_000_000;

/** Deepest nesting of shapes in groups and frames that is followed. */
export const MAX_SHAPE_NESTING = 64;

const SIZE_PROPS = ['w', 'h', 'growY'] as const;

/** Why a record may not be stored under `key` in the canvas, or undefined when it may. */
export function canvasRecordProblem(key: string, value: unknown): string | undefined {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a canvas entry that is not a record';
	const record = value as { id?: unknown; typeName?: unknown; parentId?: unknown; props?: unknown };
	if (typeof record.typeName !== 'string' || !CANVAS_DOCUMENT_TYPES.has(record.typeName)) return 'a canvas record that is not part of the diagram';
	if (record.id !== key) return 'a canvas record under another id';
	if (record.typeName !== 'shape') return undefined;
	if (record.parentId === key) return 'a shape inside itself';
	const props = record.props;
	if (props !== null && typeof props === 'object') {
		for (const name of SIZE_PROPS) {
			const size = (props as Record<string, unknown>)[name];
			if (typeof size === 'number' && !(Math.abs(size) <= MAX_SHAPE_EXTENT)) return 'a shape too large to draw';
		}
	}
	return undefined;
}

/**
 * Whether following `id`'s parents (looked up with `parentOf`) comes back to a shape already
 * passed, or goes deeper than MAX_SHAPE_NESTING: a loop that tldraw would follow for ever. A
 * parent that is missing (deleted meanwhile) ends the walk without a problem.
 */
export function shapeParentsLoop(id: string, parentOf: (id: string) => string | undefined): boolean {
	const seen = new Set<string>([id]);
	let at = parentOf(id);
	for (let depth = 0; at !== undefined && at.startsWith('shape:'); depth++) {
		if (seen.has(at) || depth >= MAX_SHAPE_NESTING) return true;
		seen.add(at);
		at = parentOf(at);
	}
	return false;
}

/** The parentId of a canvas value, if it is a shape record. */
export function shapeParentId(value: unknown): string | undefined {
	if (value === null || typeof value !== 'object') return undefined;
	const { typeName, parentId } = value as { typeName?: unknown; parentId?: unknown };
	return typeName === 'shape' && typeof parentId === 'string' ? parentId : undefined;
}

/**
 * The canvas records of an imported room as the server would take them from a client: sizes past
 * MAX_SHAPE_EXTENT are cut to it (a converter scales the source's coordinates; a frame cut to size
 * keeps its diagram visible, where leaving it out left its shapes on no page), records of other
 * types or under another id, and shapes in a loop of parents, are left out; `resized` says how many were cut.
 */
export function canvasRecordsAsClientsMayWrite<T extends { id: string }>(records: readonly T[]): { records: T[]; resized: number } {
	let resized = 0;
	const sized = records.map((record) => {
		const props = (record as { props?: unknown }).props;
		if ((record as { typeName?: unknown }).typeName !== 'shape' || props === null || typeof props !== 'object') return record;
		let changed: Record<string, unknown> | undefined;
		for (const name of SIZE_PROPS) {
			const size = (props as Record<string, unknown>)[name];
			if (typeof size === 'number' && Number.isFinite(size) && Math.abs(size) > MAX_SHAPE_EXTENT) {
				changed ??= { ...(props as Record<string, unknown>) };
				changed[name] = Math.sign(size) * MAX_SHAPE_EXTENT;
			}
		}
		if (!changed) return record;
		resized++;
		return { ...record, props: changed };
	});
	const byId = new Map(sized.map((record) => [record.id, record]));
	const parentOf = (id: string) => shapeParentId(byId.get(id));
	const kept = sized.filter((record) => canvasRecordProblem(record.id, record) === undefined && !shapeParentsLoop(record.id, parentOf));
	return { records: kept, resized };
}
