/** tldraw records for tests, built and validated by a real tldraw store (Node, no browser). */
import { createTLStore, defaultBindingUtils, defaultShapeUtils, toRichText, type TLGeoShape, type TLStore } from 'tldraw';

export const newTldrawStore = (): TLStore => createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils });

export interface GeoShapeInput {
	id: TLGeoShape['id'];
	index: TLGeoShape['index'];
	x?: number;
	y?: number;
	label?: string;
	geo?: TLGeoShape['props']['geo'];
	meta?: TLGeoShape['meta'];
}

/** A geo shape on the default page with every prop tldraw's validator wants. */
export function geoShape(store: TLStore, input: GeoShapeInput): TLGeoShape {
	return store.schema.types.shape.create({
		id: input.id,
		type: 'geo',
		x: input.x ?? 0,
		y: input.y ?? 0,
		parentId: 'page:page' as TLGeoShape['parentId'],
		index: input.index,
		props: {
			geo: input.geo ?? 'ellipse',
			dash: 'solid',
			url: '',
			w: 170,
			h: 100,
			growY: 0,
			scale: 1,
			flipX: false,
			flipY: false,
			labelColor: 'black',
			color: 'blue',
			fill: 'semi',
			size: 'm',
			font: 'sans',
			align: 'middle',
			verticalAlign: 'middle',
			richText: toRichText(input.label ?? '')
		},
		meta: input.meta ?? {}
	}) as TLGeoShape;
}
