/**
 * How each DFD kind looks on the canvas: tldraw geo-shape props, as plain data so that the palette
 * (src/lib/canvas/react/dfd-shapes.ts) and the importers (src/lib/shared/interop/) draw the same
 * shapes. External entity: a plain box. Process: a blue ellipse. Data store: a hatched green band.
 * Trust boundary: a large dashed red frame, kept behind everything else. Props not named here take
 * tldraw's defaults (GEO_DEFAULT_PROPS). Model dependency: a dotted violet box, covered on the
 * canvas by the live card of the model it stands for. It is filled: tldraw selects a hollow shape
 * only by its outline or its label, and this one has no label, so a click on the middle of its
 * card selected nothing and cleared the selection.
 */
import type { DfdElementKind } from './dfd.ts';

export const DFD_LOOKS = {
	'external-entity': { geo: 'rectangle', w: 170, h: 90, color: 'black', fill: 'semi', dash: 'solid' },
	'model-dependency': { geo: 'rectangle', w: 260, h: 150, color: 'violet', fill: 'semi', dash: 'dotted' },
	process: { geo: 'ellipse', w: 170, h: 110, color: 'blue', fill: 'semi', dash: 'solid' },
	'data-store': { geo: 'rectangle', w: 190, h: 70, color: 'green', fill: 'pattern', dash: 'solid' },
	'trust-boundary': {
		geo: 'rectangle',
		w: 460,
		h: 320,
		color: 'red',
		labelColor: 'red',
		fill: 'none',
		dash: 'dashed',
		align: 'start',
		verticalAlign: 'start',
		size: 's'
	}
} as const satisfies Record<DfdElementKind, Record<string, string | number>>;

/** tldraw 5's defaults for the geo-shape props DFD_LOOKS leaves out (what `createShape` fills in). */
export const GEO_DEFAULT_PROPS = {
	dash: 'draw',
	url: '',
	growY: 0,
	scale: 1,
	flipX: false,
	flipY: false,
	labelColor: 'black',
	color: 'black',
	fill: 'none',
	size: 'm',
	font: 'draw',
	align: 'middle',
	verticalAlign: 'middle'
} as const;

/** tldraw 5's defaults for an arrow (a data flow) drawn with the arrow tool. */
export const ARROW_DEFAULT_PROPS = {
	kind: 'arc',
	labelColor: 'black',
	color: 'black',
	fill: 'none',
	dash: 'draw',
	size: 'm',
	arrowheadStart: 'none',
	arrowheadEnd: 'arrow',
	font: 'draw',
	bend: 0,
	labelPosition: 0.5,
	scale: 1,
	elbowMidPoint: 0.5
} as const;
