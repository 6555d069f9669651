/**
 * The data-flow-diagram vocabulary on the canvas.
 *
 * The `canvas` root of the board document holds tldraw records as plain JSON values keyed by
 * record id (shapes, bindings, pages, assets: tldraw's document-scope records). A shape is a DFD
 * element when its `meta` carries `dfd: <kind>`; every arrow shape is a data flow, its endpoints
 * given by tldraw `binding` records of type `arrow` (`fromId` = the arrow, `toId` = the shape,
 * `props.terminal` = 'start' | 'end'). Labels are tldraw rich text (`props.richText`, a TipTap
 * document). Exports and coverage figures read these tags, so an untagged shape is "other".
 */

/** The `meta` key that tags a canvas shape with its DFD kind. */
export const DFD_META_KEY = 'dfd';

/**
 * The `meta` key holding when a shape was drawn (ms since the epoch, set by the browser that drew
 * it). References in exports (E1, F1, B1) follow it, so they keep their numbers when shapes are
 * added later; tldraw's record ids are random and would reshuffle them.
 */
export const CREATED_META_KEY = 'createdAt';

export const DFD_ELEMENT_KINDS = ['external-entity', 'process', 'data-store', 'trust-boundary'] as const;
export type DfdElementKind = (typeof DFD_ELEMENT_KINDS)[number];
/** What a shape is in the diagram: a tagged element, a data flow (any arrow), or anything else. */
export type DfdKind = DfdElementKind | 'data-flow' | 'other';

export const DFD_KIND_LABELS = {
	'external-entity': 'External entity',
	process: 'Process',
	'data-store': 'Data store',
	'trust-boundary': 'Trust boundary',
	'data-flow': 'Data flow',
	other: 'Other'
} as const satisfies Record<DfdKind, string>;

export function isDfdElementKind(value: unknown): value is DfdElementKind {
	return typeof value === 'string' && (DFD_ELEMENT_KINDS as readonly string[]).includes(value);
}
