/**
 * AWS threat-composer exports (`.tc.json`, schema 1): application info, architecture and data-flow
 * descriptions (with optional images), threats in the threat grammar (source, prerequisites,
 * action, impact, impacted goals and assets, and the statement built from them), mitigations,
 * assumptions, and the links between them. Learned from threat-composer's published JSON Schema
 * (../shared/interop/schemas/threat-composer-v1.schema.json) and its example workspaces.
 */
import { z } from 'zod';
import type { MitigationStatus, ThreatStatus } from '../board/schema.ts';
import { FileText, MAX_ITEMS } from './limits.ts';

export const TC_SCHEMA_VERSION = 1;

/** The schema's own limits, which the export respects (a longer text is cut, see docs/INTEROP.md). */
export const TC_LIMITS = {
	name: 200,
	content: 1000,
	statement: 1400,
	comment: 1000,
	grammarPart: 200,
	tag: 30,
	description: 100_000
} as const;

/** Fields of threats, mitigations and assumptions the board keeps at the end of the note's text. */
export const TC_TRAILER_LABELS = ['Tags', 'Comments'] as const;

const Id = z.string().min(1).max(100);
const Order = z.number().min(-1e12).max(1e12);
const TextList = z.array(FileText).max(1000);

export const TcMetadataEntry = z.object({ key: z.string().max(100), value: z.union([FileText, TextList]) });

const Common = {
	id: Id,
	numericId: Order.optional(),
	displayOrder: Order.optional(),
	tags: TextList.optional(),
	metadata: z.array(z.unknown()).max(1000).optional()
};

export const TcThreat = z.object({
	...Common,
	statement: FileText.optional(),
	threatSource: FileText.optional(),
	prerequisites: FileText.optional(),
	threatAction: FileText.optional(),
	threatImpact: FileText.optional(),
	impactedGoal: TextList.optional(),
	impactedAssets: TextList.optional(),
	customTemplate: FileText.optional(),
	status: FileText.optional()
});
export type TcThreat = z.infer<typeof TcThreat>;

export const TcMitigation = z.object({ ...Common, content: FileText.optional(), status: FileText.optional() });
export type TcMitigation = z.infer<typeof TcMitigation>;
export const TcAssumption = z.object({ ...Common, content: FileText.optional() });
export type TcAssumption = z.infer<typeof TcAssumption>;

export const TcMitigationLink = z.object({ mitigationId: Id, linkedId: Id });
export const TcAssumptionLink = z.object({ assumptionId: Id, linkedId: Id, type: FileText.optional() });

const Described = z.object({ description: FileText.optional(), image: z.string().optional() }).optional();

export const TcModel = z.object({
	schema: z.number(),
	applicationInfo: z.object({ name: FileText.optional(), description: FileText.optional() }).optional(),
	architecture: Described,
	dataflow: Described,
	threats: z.array(z.unknown()).max(MAX_ITEMS).optional(),
	mitigations: z.array(z.unknown()).max(MAX_ITEMS).optional(),
	assumptions: z.array(z.unknown()).max(MAX_ITEMS).optional(),
	mitigationLinks: z.array(z.unknown()).max(5 * MAX_ITEMS).optional(),
	assumptionLinks: z.array(z.unknown()).max(5 * MAX_ITEMS).optional()
});

/** Top-level fields the import reads or knowingly leaves (brainstorm is reported). */
export const TC_KNOWN_FIELDS = new Set([
	'schema',
	'applicationInfo',
	'architecture',
	'dataflow',
	'threats',
	'mitigations',
	'assumptions',
	'mitigationLinks',
	'assumptionLinks',
	'brainstorm'
]);

/** Images the format embeds (base64, up to a million characters): read past, not imported. */
export const TC_IMAGE_PATHS = new Set(['architecture.image', 'dataflow.image']);

export const TC_THREAT_STATUS_IMPORT = new Map<string, ThreatStatus>([
	['threatIdentified', 'open'],
	['threatResolved', 'mitigated'],
	['threatResolvedNotUseful', 'not_applicable']
]);
/** threat-composer has no "accepted" or "transferred": both are resolved threats there. */
export const TC_THREAT_STATUS_EXPORT = {
	open: 'threatIdentified',
	mitigated: 'threatResolved',
	accepted: 'threatResolved',
	transferred: 'threatResolved',
	not_applicable: 'threatResolvedNotUseful'
} as const satisfies Record<ThreatStatus, string>;

export const TC_MITIGATION_STATUS_IMPORT = new Map<string, MitigationStatus>([
	['mitigationIdentified', 'proposed'],
	['mitigationInProgress', 'in_progress'],
	['mitigationResolved', 'done'],
	['mitigationResolvedWillNotAction', 'wont_do']
]);
export const TC_MITIGATION_STATUS_EXPORT = {
	proposed: 'mitigationIdentified',
	in_progress: 'mitigationInProgress',
	done: 'mitigationResolved',
	wont_do: 'mitigationResolvedWillNotAction'
} as const satisfies Record<MitigationStatus, string>;

/** Headings of the component notes that hold the architecture and data-flow descriptions. */
export const TC_ARCHITECTURE_HEADING = 'Architecture';
export const TC_DATAFLOW_HEADING = 'Data flow';

/**
 * A statement in threat-composer's grammar, for threats that carry the parts but no statement:
 * "A [source] [prerequisites] can [action], which leads to [impact], resulting in reduced
 * [goals] of [assets]" (the parts present, in that order).
 */
export function composeStatement(threat: TcThreat): string {
	const source = threat.threatSource?.trim();
	const action = threat.threatAction?.trim();
	if (!source && !action) return '';
	let text = `${source ? `${/^[aeiou]/i.test(source) ? 'An' : 'A'} ${source}` : 'An actor'}`;
	if (threat.prerequisites?.trim()) text += ` ${threat.prerequisites.trim()}`;
	text += ` can ${action || 'act'}`;
	if (threat.threatImpact?.trim()) text += `, which leads to ${threat.threatImpact.trim()}`;
	const goals = listWords(threat.impactedGoal ?? []);
	const assets = listWords(threat.impactedAssets ?? []);
	if (goals) text += `, resulting in reduced ${goals}${assets ? ` of ${assets}` : ''}`;
	else if (assets) text += `, negatively impacting ${assets}`;
	return text;
}

function listWords(items: readonly string[]): string {
	const words = items.map((item) => item.trim()).filter(Boolean);
	return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
