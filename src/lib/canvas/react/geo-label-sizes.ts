/**
 * tldraw's geo shape, with its labels measured in batches.
 *
 * tldraw measures a label by writing it into a hidden element and reading its size back: one
 * forced layout per label. Opening a room builds every shape's geometry at once, so 300 labelled
 * shapes cost 300 layouts (~100 ms of the canvas's start on the reference machine). Here the first
 * label asked for measures every label on the page that has not been measured yet, with tldraw's
 * own `measureHtmlBatch` (one layout); the others are then answered from the batch. Editing one
 * label still measures just that one (the rest are known).
 *
 * tldraw 5.4 keeps the per-label measurement on a private method (`measureUnscaledLabelSize`);
 * it is replaced on this subclass only, and only when it exists. `LABEL_BATCHING` says whether it
 * was (a test asserts it, so an upgrade that renames the method fails loudly instead of silently
 * getting slower). The request is built exactly as tldraw builds it (GeoShapeUtil 5.4:
 * `measureUnscaledLabelSize`), from its public display values.
 */
import {
	GeoShapeUtil,
	getDisplayValues,
	renderHtmlFromRichTextForMeasurement,
	unsafe__withoutCapture,
	type BatchMeasurementRequest,
	type GeoShapeUtilDisplayValues,
	type TLGeoShape,
	type TLShapeId
} from 'tldraw';

interface LabelSize {
	readonly w: number;
	readonly h: number;
}

/** What a label's measurement depends on, and its result. */
interface Measured {
	readonly props: TLGeoShape['props'];
	readonly theme: unknown;
	readonly size: LabelSize;
}

type Measure = (this: GeoShapeUtil, shape: TLGeoShape) => LabelSize;

const stock = (GeoShapeUtil.prototype as unknown as { measureUnscaledLabelSize?: Measure }).measureUnscaledLabelSize;

export class BatchedGeoShapeUtil extends GeoShapeUtil {
	readonly #measured = new Map<TLShapeId, Measured>();

	/** The unscaled label size of a geo shape with a non-empty label (tldraw's contract). */
	labelSize(shape: TLGeoShape): LabelSize {
		const theme = this.editor.getCurrentTheme();
		const known = this.#measured.get(shape.id);
		if (known && sameInputs(known, shape, theme)) return known.size;
		const pending = unsafe__withoutCapture(() => this.#unmeasured(shape, theme));
		const sizes = this.#measure(pending);
		pending.forEach((other, i) => this.#measured.set(other.id, { props: other.props, theme, size: sizes[i] }));
		return sizes[0];
	}

	/** `shape` first, then every other labelled geo shape on the page whose size is not known. */
	#unmeasured(shape: TLGeoShape, theme: unknown): TLGeoShape[] {
		const pending = [shape];
		const present = new Set<TLShapeId>();
		for (const other of this.editor.getCurrentPageShapes()) {
			if (other.type !== 'geo') continue;
			present.add(other.id);
			const geo = other as TLGeoShape;
			if (geo.id === shape.id || hasNoText(geo)) continue;
			const known = this.#measured.get(geo.id);
			if (!known || !sameInputs(known, geo, theme)) pending.push(geo);
		}
		for (const id of this.#measured.keys()) if (!present.has(id)) this.#measured.delete(id);
		return pending;
	}

	#measure(shapes: TLGeoShape[]): LabelSize[] {
		const requests: BatchMeasurementRequest[] = [];
		const paddings: number[] = [];
		for (const shape of shapes) {
			const dv = getDisplayValues<TLGeoShape, GeoShapeUtilDisplayValues>(this, shape);
			paddings.push(dv.labelPadding);
			requests.push({
				html: renderHtmlFromRichTextForMeasurement(this.editor, shape.props.richText),
				opts: {
					fontWeight: 'normal',
					fontStyle: 'normal',
					padding: '0px',
					fontFamily: dv.labelFontFamily,
					fontSize: dv.labelFontSize,
					lineHeight: dv.labelLineHeight,
					minWidth: dv.labelMinWidth,
					maxWidth: Math.max(
						0,
						Math.ceil(dv.labelMinWidth + dv.labelExtraPadding),
						Math.ceil(shape.props.w / shape.props.scale - dv.labelPadding * 2)
					)
				}
			});
		}
		const measured = this.editor.textMeasure.measureHtmlBatch(requests);
		// The batch leaves one hidden element per request in the page; keep just one.
		if (requests.length > 1) this.editor.textMeasure.measureHtmlBatch(requests.slice(0, 1));
		return measured.map((size, i) => ({ w: size.w + paddings[i] * 2, h: size.h + paddings[i] * 2 }));
	}
}

export const LABEL_BATCHING = typeof stock === 'function';
if (LABEL_BATCHING) {
	Object.defineProperty(BatchedGeoShapeUtil.prototype, 'measureUnscaledLabelSize', {
		value(this: BatchedGeoShapeUtil, shape: TLGeoShape) {
			return this.labelSize(shape);
		}
	});
}

function sameInputs(known: Measured, shape: TLGeoShape, theme: unknown): boolean {
	const a = known.props;
	const b = shape.props;
	return (
		known.theme === theme && a.richText === b.richText && a.w === b.w && a.scale === b.scale && a.font === b.font && a.size === b.size
	);
}

/** tldraw measures no empty label (isEmptyRichText, not exported). */
function hasNoText(shape: TLGeoShape): boolean {
	const content = shape.props.richText.content as Array<{ content?: unknown[] }>;
	return content.length === 0 || (content.length === 1 && !content[0].content?.length);
}
