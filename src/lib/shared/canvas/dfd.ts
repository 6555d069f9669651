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
import { clip } from './plain.ts';

/** The `meta` key that tags a canvas shape with its DFD kind. */
export const DFD_META_KEY = 'dfd';

/**
 * The `meta` key holding when a shape was drawn (ms since the epoch, set by the browser that drew
 * it). References in exports (E1, F1, B1) follow it, so they keep their numbers when shapes are
 * added later; tldraw's record ids are random and would reshuffle them.
 */
export const CREATED_META_KEY = 'createdAt';

/**
 * A dependency element: another model of the same system, placed on this diagram (issue 15).
 * Its `meta` names the model by its `modelRef` and `modelName` (systems/contract.ts): never a
 * room id, which would hand every reader of this board the edit link to the other room.
 */
export const MODEL_DEPENDENCY_KIND = 'model-dependency';
/** The `meta` key holding a dependency element's model name, as it was when the element was placed. */
export const MODEL_NAME_META_KEY = 'modelName';
/** A model name longer than this (UTF-16 code units) is cut when read: the system's own cap. */
export const MAX_MODEL_NAME_LENGTH = 200;

/** The kinds drawn from the palette: a dependency element is placed from the system's models instead. */
export const DFD_PALETTE_KINDS = ['external-entity', 'process', 'data-store', 'trust-boundary'] as const;
export type DfdPaletteKind = (typeof DFD_PALETTE_KINDS)[number];
export const DFD_ELEMENT_KINDS = [...DFD_PALETTE_KINDS, MODEL_DEPENDENCY_KIND] as const;
export type DfdElementKind = (typeof DFD_ELEMENT_KINDS)[number];
/** What a shape is in the diagram: a tagged element, a data flow (any arrow), or anything else. */
export type DfdKind = DfdElementKind | 'data-flow' | 'other';

export const DFD_KIND_LABELS = {
	'external-entity': 'External entity',
	process: 'Process',
	'data-store': 'Data store',
	'trust-boundary': 'Trust boundary',
	'model-dependency': 'Model dependency',
	'data-flow': 'Data flow',
	other: 'Other'
} as const satisfies Record<DfdKind, string>;

export function isDfdElementKind(value: unknown): value is DfdElementKind {
	return typeof value === 'string' && (DFD_ELEMENT_KINDS as readonly string[]).includes(value);
}

export function isDfdPaletteKind(value: unknown): value is DfdPaletteKind {
	return typeof value === 'string' && (DFD_PALETTE_KINDS as readonly string[]).includes(value);
}

/**
 * The name a dependency element's `meta` carries, trimmed and cut to MAX_MODEL_NAME_LENGTH; ''
 * when it is missing or not a string (any peer may be hostile).
 */
export function modelNameOf(meta: Record<string, unknown>): string {
	const name = meta[MODEL_NAME_META_KEY];
	if (typeof name !== 'string') return '';
	return clip(name.trim(), MAX_MODEL_NAME_LENGTH);
}

/** A dependency element's label in exports, reports and pickers: "model dependency: <name>". */
export function modelDependencyLabel(name: string): string {
	return `model dependency: ${name || 'unnamed model'}`;
}
