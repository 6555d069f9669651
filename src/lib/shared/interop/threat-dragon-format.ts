/**
 * OWASP Threat Dragon v2 models (`version`, `summary`, `detail.diagrams[].cells`): what the import
 * reads and the export writes. Cells are AntV X6 cells: nodes (`actor`, `process`, `store`,
 * `trust-boundary-box`, `td-text-block`) with a position and size, edges (`flow`,
 * `trust-boundary-curve`) with a source and target (a cell or a point) and vertices; each cell's
 * `data` holds its Threat Dragon properties and, on elements and flows, its `threats`.
 * Learned from Threat Dragon's demo models and its JSON Schema (../shared/interop/schemas).
 *
 * Schemas here are bounded but lenient: unknown fields are ignored (reported where they matter),
 * optional parts may be missing, and one malformed cell is skipped and reported, not fatal.
 */
import { z } from 'zod';
import type { DfdPaletteKind } from '../canvas/dfd.ts';
import type { ThreatStatus } from '../board/schema.ts';
import { Coordinate, FileText, MAX_CELLS, MAX_DIAGRAMS, MAX_ITEMS, MAX_VERTICES } from './limits.ts';

/** Threat Dragon's version written in exports (that of its demo models). */
export const TD_VERSION = '2.3.0';
/**
 * Canvas units per Threat Dragon unit. Threat Dragon draws 12-14 px labels in 100-160 px shapes;
 * the canvas draws 24 px labels in 170-190 px shapes. Scaling the whole diagram keeps its layout
 * and gives the labels the room they need; the export divides by the same factor.
 */
export const TD_SCALE = 1.5;

const Id = z.union([z.string().max(200), z.number()]);
const Point = z.object({ x: Coordinate, y: Coordinate });

export const TdThreat = z.object({
	title: FileText.optional(),
	description: FileText.optional(),
	mitigation: FileText.optional(),
	status: FileText.optional(),
	severity: FileText.optional(),
	type: FileText.optional(),
	modelType: FileText.optional(),
	score: z.union([FileText, z.number()]).optional(),
	cardSuit: FileText.nullish(),
	cardNumber: FileText.nullish()
});
export type TdThreat = z.infer<typeof TdThreat>;

/** The properties Threat Dragon keeps on elements and flows, read so they can be kept as text. */
export const TdCellData = z.object({
	type: FileText.optional(),
	name: FileText.optional(),
	description: FileText.optional(),
	outOfScope: z.boolean().optional(),
	reasonOutOfScope: FileText.optional(),
	threats: z.array(z.unknown()).max(MAX_ITEMS).optional(),
	isBidirectional: z.boolean().optional(),
	protocol: FileText.optional(),
	isEncrypted: z.boolean().optional(),
	isPublicNetwork: z.boolean().optional(),
	storesCredentials: z.boolean().optional(),
	storesInventory: z.boolean().optional(),
	isALog: z.boolean().optional(),
	isSigned: z.boolean().optional(),
	isWebApplication: z.boolean().optional(),
	handlesCardPayment: z.boolean().optional(),
	handlesGoodsOrServices: z.boolean().optional(),
	privilegeLevel: FileText.optional(),
	providesAuthentication: z.boolean().optional()
});
export type TdCellData = z.infer<typeof TdCellData>;

const Terminal = z.object({ cell: Id.optional(), x: Coordinate.optional(), y: Coordinate.optional() });
/** Labels are read from wherever Threat Dragon versions put them. */
const TextAttr = z.object({ text: FileText.optional() }).optional();

export const TdCell = z.object({
	id: Id.optional(),
	shape: z.string().max(100),
	position: Point.optional(),
	size: z.object({ width: Coordinate, height: Coordinate }).optional(),
	attrs: z.object({ text: TextAttr, label: TextAttr, line: z.object({ sourceMarker: z.unknown(), targetMarker: z.unknown() }).partial().optional() }).optional(),
	labels: z.array(z.object({ attrs: z.object({ labelText: TextAttr, text: TextAttr }).partial().optional() })).max(20).optional(),
	data: TdCellData.optional(),
	source: Terminal.optional(),
	target: Terminal.optional(),
	vertices: z.array(Point).max(MAX_VERTICES).optional(),
	connector: z.unknown().optional()
});
export type TdCell = z.infer<typeof TdCell>;

export const TdContributor = z.object({ name: FileText });

export const TdDiagram = z.object({
	title: FileText.optional(),
	description: FileText.optional(),
	diagramType: FileText.optional(),
	cells: z.array(z.unknown()).max(MAX_CELLS).optional()
});

export const TdModel = z.object({
	version: z.string().max(20).optional(),
	summary: z
		.object({ title: FileText.optional(), owner: FileText.optional(), description: FileText.optional() })
		.optional(),
	detail: z.object({
		contributors: z.array(z.unknown()).max(MAX_ITEMS).optional(),
		reviewer: FileText.optional(),
		diagrams: z.array(z.unknown()).max(MAX_DIAGRAMS, `at most ${MAX_DIAGRAMS} diagrams can be imported`)
	})
});

/** What a cell becomes on the canvas. */
export type TdCellRole =
	| { role: 'element'; kind: Exclude<DfdPaletteKind, 'trust-boundary'> }
	| { role: 'boundary-box' }
	| { role: 'boundary-curve' }
	| { role: 'flow' }
	| { role: 'text' };

const ROLES_BY_SHAPE = new Map<string, TdCellRole>([
	['actor', { role: 'element', kind: 'external-entity' }],
	['process', { role: 'element', kind: 'process' }],
	['store', { role: 'element', kind: 'data-store' }],
	['trust-boundary-box', { role: 'boundary-box' }],
	['trust-boundary-curve', { role: 'boundary-curve' }],
	['trust-broundary-curve', { role: 'boundary-curve' }],
	['flow', { role: 'flow' }],
	['td-text-block', { role: 'text' }]
]);
const ROLES_BY_TYPE = new Map<string, TdCellRole>([
	['tm.Actor', { role: 'element', kind: 'external-entity' }],
	['tm.Process', { role: 'element', kind: 'process' }],
	['tm.Store', { role: 'element', kind: 'data-store' }],
	['tm.BoundaryBox', { role: 'boundary-box' }],
	['tm.Boundary', { role: 'boundary-curve' }],
	['tm.Flow', { role: 'flow' }],
	['tm.Text', { role: 'text' }]
]);

/** The role of a cell by its shape, or by its data type for shapes this version does not know. */
export function cellRole(cell: TdCell): TdCellRole | undefined {
	return ROLES_BY_SHAPE.get(cell.shape) ?? (cell.data?.type ? ROLES_BY_TYPE.get(cell.data.type) : undefined);
}

/** Sizes Threat Dragon gives new shapes, for cells that carry none. */
export const TD_DEFAULT_SIZES = {
	'external-entity': { w: 160, h: 80 },
	process: { w: 100, h: 100 },
	'data-store': { w: 160, h: 80 },
	'boundary-box': { w: 200, h: 200 },
	text: { w: 190, h: 60 }
} as const;

/** Threat Dragon's shapes and data types for the canvas's DFD kinds, for the export. */
export const TD_ELEMENT_SHAPES = {
	'external-entity': { shape: 'actor', type: 'tm.Actor' },
	process: { shape: 'process', type: 'tm.Process' },
	'data-store': { shape: 'store', type: 'tm.Store' }
} as const;

/** Threat Dragon statuses (td.vue/src/service/threats/status.js), lower-cased, and the board's. */
const STATUS_IMPORT = new Map<string, ThreatStatus>([
	['open', 'open'],
	['mitigated', 'mitigated'],
	['accepted', 'accepted'],
	['transferred', 'transferred'],
	['notapplicable', 'not_applicable'],
	['na', 'not_applicable'],
	['n/a', 'not_applicable']
]);
/** Resolutions the board has no word for: the nearest one it has. */
const STATUS_APPROXIMATE = new Map<string, ThreatStatus>([
	['avoided', 'mitigated'],
	['eliminated', 'mitigated']
]);

export function tdStatusToBoard(status: string): { status: ThreatStatus; exact: boolean } {
	const key = status.trim().toLowerCase().replace(/[\s_]/g, '');
	const exact = STATUS_IMPORT.get(key);
	if (exact) return { status: exact, exact: true };
	return { status: STATUS_APPROXIMATE.get(key) ?? 'open', exact: key === '' };
}

export const TD_STATUS_EXPORT = {
	open: 'Open',
	mitigated: 'Mitigated',
	accepted: 'Accepted',
	transferred: 'Transferred',
	not_applicable: 'NotApplicable'
} as const satisfies Record<ThreatStatus, string>;

/**
 * Element and flow properties kept as labelled lines at the end of the element's component note
 * ("Protocol: HTTPS", "Encrypted: yes"), in this order; the export reads them back (trailer.ts).
 */
export const TD_PROPERTY_FIELDS = [
	['outOfScope', 'Out of scope'],
	['protocol', 'Protocol'],
	['isEncrypted', 'Encrypted'],
	['isPublicNetwork', 'Crosses a public network'],
	['storesCredentials', 'Stores credentials'],
	['storesInventory', 'Stores inventory'],
	['isALog', 'Is a log'],
	['isSigned', 'Signed'],
	['isWebApplication', 'Web application'],
	['handlesCardPayment', 'Handles card payments'],
	['handlesGoodsOrServices', 'Handles goods or services'],
	['privilegeLevel', 'Privilege level'],
	['providesAuthentication', 'Provides authentication']
] as const satisfies ReadonlyArray<readonly [keyof TdCellData, string]>;
export const TD_PROPERTY_LABELS = TD_PROPERTY_FIELDS.map(([, label]) => label);
export type TdPropertyLabel = (typeof TD_PROPERTY_FIELDS)[number][1];
/** How a true flag reads in a note. */
export const TD_YES = 'yes';
