/**
 * The DFD palette's shapes: tldraw geo shapes with a look per kind (dfd-looks.ts, shared with the
 * importers), tagged in `meta` (dfd.ts).
 */
import { createShapeId, startEditingShapeWithRichText, toRichText, type Editor, type TLGeoShape, type TLShapeId } from 'tldraw';
import { DFD_META_KEY, MODEL_DEPENDENCY_KIND, MODEL_NAME_META_KEY, type DfdElementKind, type DfdPaletteKind } from '#shared/canvas/dfd';
import { MODEL_REF_META_KEY, type ModelRef } from '#shared/systems/contract';
import { DFD_LOOKS } from '#shared/canvas/dfd-looks';

type GeoProps = Partial<TLGeoShape['props']>;

const LOOKS: Record<DfdElementKind, GeoProps> = DFD_LOOKS;

/**
 * Places a new element of `kind` in free space near the centre of the view (a trust boundary goes
 * around the selected elements, if any), selected and ready to name; with a `label`, named so
 * already (a board note placed on the diagram).
 */
export function placeDfdElement(editor: Editor, kind: DfdPaletteKind, label?: string): TLShapeId {
	const id = createShapeId();
	const look = LOOKS[kind];
	// A boundary drawn while elements are selected goes around them: that is what it is for.
	const around = kind === 'trust-boundary' ? enclosing(editor) : undefined;
	const { x, y } = around ?? freeSpot(editor, look.w ?? 100, look.h ?? 100, kind === 'trust-boundary');
	editor.markHistoryStoppingPoint(`place ${kind}`);
	editor.createShape<TLGeoShape>({
		id,
		type: 'geo',
		x,
		y,
		props: { ...look, ...(around ? { w: around.w, h: around.h } : {}), richText: toRichText(label ?? '') },
		meta: { [DFD_META_KEY]: kind }
	});
	if (kind === 'trust-boundary') editor.sendToBack([id]);
	// Straight into naming it: the caret is in the new shape's label.
	editor.select(id);
	editor.zoomToSelectionIfOffscreen(40);
	if (label !== undefined) return id;
	editor.focus();
	startEditingShapeWithRichText(editor, id, { selectAll: true });
	return id;
}

/**
 * Places another model of the system as a dependency element: a geo box tagged with the model's
 * ref and its name (meta), with no text of its own; the live card over it (DependencyCards.tsx)
 * shows the name and the model's open high-risk threats.
 */
export function placeModelDependency(editor: Editor, modelRef: ModelRef, modelName: string): TLShapeId {
	const id = createShapeId();
	const look = DFD_LOOKS[MODEL_DEPENDENCY_KIND];
	const { x, y } = freeSpot(editor, look.w, look.h, false);
	editor.markHistoryStoppingPoint('place model dependency');
	editor.createShape<TLGeoShape>({
		id,
		type: 'geo',
		x,
		y,
		props: { ...look, richText: toRichText('') },
		meta: { [DFD_META_KEY]: MODEL_DEPENDENCY_KIND, [MODEL_REF_META_KEY]: modelRef, [MODEL_NAME_META_KEY]: modelName }
	});
	editor.select(id);
	editor.zoomToSelectionIfOffscreen(40);
	return id;
}

const GAP = 110;
/** Space between a boundary drawn around a selection and the shapes in it; more above, for its label. */
const BOUNDARY_PADDING = 48;
const BOUNDARY_LABEL_SPACE = 80;

/** The box a new boundary takes around the selected shapes (not boundaries), if any are selected. */
function enclosing(editor: Editor): { x: number; y: number; w: number; h: number } | undefined {
	const ids = editor
		.getSelectedShapes()
		.filter((shape) => shape.type !== 'arrow' && shape.meta?.[DFD_META_KEY] !== 'trust-boundary')
		.map((shape) => shape.id);
	const bounds = ids.map((id) => editor.getShapePageBounds(id)).filter((b) => b !== undefined);
	if (bounds.length === 0) return undefined;
	const minX = Math.min(...bounds.map((b) => b.minX)) - BOUNDARY_PADDING;
	const minY = Math.min(...bounds.map((b) => b.minY)) - BOUNDARY_LABEL_SPACE;
	const maxX = Math.max(...bounds.map((b) => b.maxX)) + BOUNDARY_PADDING;
	const maxY = Math.max(...bounds.map((b) => b.maxY)) + BOUNDARY_PADDING;
	return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

/**
 * Where a new shape goes: the centre of the view if nothing is there, else the first free place
 * around it, nearest first, within the view where there is room. An element may go inside a
 * boundary (that is how a boundary is filled); a new boundary keeps clear of everything, since
 * landing on elements would put them inside it unasked.
 */
function freeSpot(editor: Editor, w: number, h: number, isBoundary: boolean): { x: number; y: number } {
	const view = editor.getViewportPageBounds();
	const start = { x: view.center.x - w / 2, y: view.center.y - h / 2 };
	const taken = [...editor.getCurrentPageShapeIds()]
		.filter((id) => isBoundary || editor.getShape(id)?.meta?.[DFD_META_KEY] !== 'trust-boundary')
		.map((id) => editor.getShapePageBounds(id))
		.filter((bounds) => bounds !== undefined);
	const free = (x: number, y: number) =>
		taken.every((b) => x + w + GAP / 2 <= b.minX || x >= b.maxX + GAP / 2 || y + h + GAP / 2 <= b.minY || y >= b.maxY + GAP / 2);
	const candidates: Array<{ x: number; y: number; distance: number; inView: boolean }> = [];
	for (let row = -5; row <= 5; row++) {
		for (let col = -5; col <= 5; col++) {
			const x = start.x + col * (w + GAP);
			const y = start.y + row * (h + GAP);
			const inView = x >= view.minX && y >= view.minY && x + w <= view.maxX && y + h <= view.maxY;
			candidates.push({ x, y, distance: Math.hypot(col * (w + GAP), row * (h + GAP)), inView });
		}
	}
	// Nearest first, those fully in view before those that are not.
	candidates.sort((a, b) => Number(b.inView) - Number(a.inView) || a.distance - b.distance);
	return candidates.find((c) => free(c.x, c.y)) ?? start;
}

/** Tags (or untags, with null) the selected shapes as DFD elements, keeping their look. */
export function tagSelection(editor: Editor, kind: DfdPaletteKind | null): void {
	// A dependency element stays one: retagged, it would be a box that names another model.
	const shapes = editor.getSelectedShapes().filter((shape) => shape.type !== 'arrow' && shape.meta?.[DFD_META_KEY] !== MODEL_DEPENDENCY_KIND);
	if (!shapes.length) return;
	editor.markHistoryStoppingPoint('tag dfd');
	editor.updateShapes(
		shapes.map((shape) => {
			const meta = { ...shape.meta };
			if (kind) meta[DFD_META_KEY] = kind;
			else delete meta[DFD_META_KEY];
			return { id: shape.id, type: shape.type, meta };
		})
	);
}
