/**
 * The DFD palette's shapes: tldraw geo shapes with a look per kind (dfd-looks.ts, shared with the
 * importers), tagged in `meta` (dfd.ts).
 */
import { createShapeId, startEditingShapeWithRichText, toRichText, type Editor, type TLGeoShape, type TLShapeId } from 'tldraw';
import { DFD_META_KEY, type DfdElementKind } from '#shared/canvas/dfd';
import { DFD_LOOKS } from '#shared/canvas/dfd-looks';

type GeoProps = Partial<TLGeoShape['props']>;

const LOOKS: Record<DfdElementKind, GeoProps> = DFD_LOOKS;

/** Places a new element of `kind` at the centre of the view, selected and ready to name. */
export function placeDfdElement(editor: Editor, kind: DfdElementKind): TLShapeId {
	const id = createShapeId();
	const look = LOOKS[kind];
	const { x, y } = freeSpot(editor, look.w ?? 100, look.h ?? 100, kind === 'trust-boundary');
	editor.markHistoryStoppingPoint(`place ${kind}`);
	editor.createShape<TLGeoShape>({
		id,
		type: 'geo',
		x,
		y,
		props: { ...look, richText: toRichText('') },
		meta: { [DFD_META_KEY]: kind }
	});
	if (kind === 'trust-boundary') editor.sendToBack([id]);
	// Straight into naming it: the caret is in the new shape's label.
	editor.select(id);
	editor.zoomToSelectionIfOffscreen(40);
	editor.focus();
	startEditingShapeWithRichText(editor, id, { selectAll: true });
	return id;
}

const GAP = 110;

/**
 * Where a new shape goes: the centre of the view if nothing is there, else the first free place
 * to the right, then below (a trust boundary may go over other shapes: it is meant to enclose them).
 */
function freeSpot(editor: Editor, w: number, h: number, mayOverlap: boolean): { x: number; y: number } {
	const view = editor.getViewportPageBounds();
	const start = { x: view.center.x - w / 2, y: view.center.y - h / 2 };
	if (mayOverlap) return start;
	const taken = [...editor.getCurrentPageShapeIds()]
		.filter((id) => editor.getShape(id)?.meta?.[DFD_META_KEY] !== 'trust-boundary')
		.map((id) => editor.getShapePageBounds(id))
		.filter((bounds) => bounds !== undefined);
	const free = (x: number, y: number) =>
		taken.every((b) => x + w + GAP / 2 <= b.minX || x >= b.maxX + GAP / 2 || y + h + GAP / 2 <= b.minY || y >= b.maxY + GAP / 2);
	for (let row = 0; row < 6; row++) {
		for (let col = 0; col < 6; col++) {
			const x = start.x + col * (w + GAP);
			const y = start.y + row * (h + GAP);
			if (free(x, y)) return { x, y };
		}
	}
	return start;
}

/** Tags (or untags, with null) the selected shapes as DFD elements, keeping their look. */
export function tagSelection(editor: Editor, kind: DfdElementKind | null): void {
	const shapes = editor.getSelectedShapes().filter((shape) => shape.type !== 'arrow');
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
