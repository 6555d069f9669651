/**
 * threat-composer export -> a new workshop: threats become threat notes (the statement as text,
 * STRIDE letters and priority from the metadata, status), each threat's source a threat-agent
 * note and each impacted asset an asset note, linked to the threats that name them (one note per
 * distinct name); mitigations become mitigation notes with their links and statuses; assumptions
 * become assumption notes; the application's name and description the title and scope, the
 * architecture and data-flow descriptions component notes. Tags and comments stay at the end of
 * each note's text. threat-composer has no diagram: the canvas stays empty.
 */
import type { MitigationStatus, StrideLetter, ThreatStatus } from '../board/schema.ts';
import { inputError } from './json-input.ts';
import { findHugeString, hugeStringError, zodIssues } from './limits.ts';
import { bandNamed, ratingsForBand, sortStride, strideLetterNamed, UNRATED, type Ratings } from './ratings.ts';
import { countSnapshot, createReportBuilder, joinPath, type ConvertResult, type ImportContext, type ReportBuilder } from './report.ts';
import { createSnapshotBuilder, type SnapshotBuilder } from './snapshot-builder.ts';
import {
	composeStatement,
	TC_ARCHITECTURE_HEADING,
	TC_DATAFLOW_HEADING,
	TC_IMAGE_PATHS,
	TC_KNOWN_FIELDS,
	TC_MITIGATION_STATUS_IMPORT,
	TC_THREAT_STATUS_IMPORT,
	TC_TRAILER_LABELS,
	TcAssumption,
	TcAssumptionLink,
	TcMetadataEntry,
	TcMitigation,
	TcMitigationLink,
	TcModel,
	TcThreat
} from './threat-composer-format.ts';
import { withTrailer } from './trailer.ts';
import { TC_AUTHOR } from './import-authors.ts';

export { TC_AUTHOR };

/** Metadata keys of threat and mitigation packs: where an item came from, not what it says. */
const PACK_KEYS = new Set(['source', 'threatPackId', 'threatPackThreatId', 'threatPackMitigationCandidateId', 'mitigationPackId', 'mitigationPackMitigationId']);

interface ReadMetadata {
	comments: string;
	priority?: string;
	stride: StrideLetter[];
}

export function importThreatComposer(value: unknown, context: ImportContext): ConvertResult {
	const huge = findHugeString(value, (path) => TC_IMAGE_PATHS.has(path));
	if (huge !== undefined) return hugeStringError(huge);
	const parsed = TcModel.safeParse(value);
	if (!parsed.success) return inputError('invalid_request', 'invalid threat-composer export', zodIssues(parsed.error));
	const model = parsed.data;
	if (model.schema > 1) {
		return inputError('invalid_request', `threat-composer schema ${model.schema} is newer than the schema 1 Threatboard reads`, [{ path: 'schema', message: 'unsupported schema' }]);
	}

	const report = createReportBuilder();
	for (const key of Object.keys(value as object)) {
		if (!TC_KNOWN_FIELDS.has(key)) report.add(key, 'fields threat-composer schema 1 does not define were not imported');
	}
	if ((value as { brainstorm?: unknown }).brainstorm !== undefined) report.add('brainstorm', 'brainstorm items are not imported');
	const notes = createSnapshotBuilder({ author: TC_AUTHOR, now: context.now, report });

	for (const part of ['architecture', 'dataflow'] as const) {
		const heading = part === 'architecture' ? TC_ARCHITECTURE_HEADING : TC_DATAFLOW_HEADING;
		const description = model[part]?.description?.trim();
		if (description) notes.plain('component', `${heading}\n\n${description}`, joinPath(part, 'description'));
		if (model[part]?.image) report.add(joinPath(part, 'image'), 'diagram images are not imported (the canvas holds shapes, not pictures)');
	}

	const assumptions = readItems(model.assumptions, 'assumptions', TcAssumption, report);
	const mitigations = readItems(model.mitigations, 'mitigations', TcMitigation, report);
	const threats = readItems(model.threats, 'threats', TcThreat, report);

	const assumptionIds = new Map<string, string>();
	for (const { item, path } of assumptions) {
		const meta = readMetadata(item.metadata, path, report, 'assumption');
		assumptionIds.set(item.id, notes.plain('assumption', withTrailer(item.content ?? '', TC_TRAILER_LABELS, trailerOf(item.tags, meta)), path));
	}
	const threatIds = new Map<string, string>();
	for (const { item, path } of threats) threatIds.set(item.id, writeThreat(item, path, notes, report));
	const mitigationIds = new Map<string, string>();
	for (const { item, path } of mitigations) {
		const meta = readMetadata(item.metadata, path, report, 'mitigation');
		const status: MitigationStatus = TC_MITIGATION_STATUS_IMPORT.get(item.status ?? 'mitigationIdentified') ?? 'proposed';
		if (item.status && !TC_MITIGATION_STATUS_IMPORT.has(item.status)) report.add(joinPath(path, 'status'), 'an unknown mitigation status was read as proposed');
		mitigationIds.set(item.id, notes.mitigation(withTrailer(item.content ?? '', TC_TRAILER_LABELS, trailerOf(item.tags, meta)), status, path));
	}

	writeLinks(model, { threatIds, mitigationIds, assumptionIds }, notes, report);

	const info = model.applicationInfo ?? {};
	if (!info.name?.trim()) report.add('applicationInfo.name', 'the model has no application name: the workshop gets the default title');
	const snapshot = notes.finish({ title: info.name ?? '', scope: info.description ?? '', scopePath: 'applicationInfo.description', createdAt: context.now, records: [] });
	return {
		ok: true,
		snapshot,
		report: { format: 'threat-composer', title: snapshot.room.title, created: countSnapshot(snapshot, 0), notMapped: report.entries() }
	};
}

/** Mitigation links become links between notes; links to or from assumptions are reported. */
function writeLinks(
	model: ReturnType<typeof TcModel.parse>,
	{ threatIds, mitigationIds, assumptionIds }: Record<'threatIds' | 'mitigationIds' | 'assumptionIds', Map<string, string>>,
	notes: SnapshotBuilder,
	report: ReportBuilder
): void {
	(model.mitigationLinks ?? []).forEach((raw, i) => {
		const path = joinPath('mitigationLinks', i);
		const link = TcMitigationLink.safeParse(raw);
		if (!link.success) return report.add(path, 'a malformed mitigation link was skipped');
		const mitigation = mitigationIds.get(link.data.mitigationId);
		const threat = threatIds.get(link.data.linkedId);
		if (mitigation && threat) return notes.link('mitigates', threat, mitigation);
		if (mitigation && assumptionIds.has(link.data.linkedId)) return report.add(path, 'links between assumptions and mitigations are not kept (the board has no such link)');
		report.add(path, 'a mitigation link to a missing threat or mitigation was skipped');
	});
	(model.assumptionLinks ?? []).forEach((raw, i) => {
		const path = joinPath('assumptionLinks', i);
		if (!TcAssumptionLink.safeParse(raw).success) return report.add(path, 'a malformed assumption link was skipped');
		report.add(path, 'links from assumptions to threats and mitigations are not kept (the board has no such link)');
	});
}

interface Parser<T> {
	safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** Valid items in display order (then numeric id, then file order); malformed ones are reported. */
function readItems<T extends { id: string; displayOrder?: number; numericId?: number }>(
	raw: unknown[] | undefined,
	list: string,
	schema: Parser<T>,
	report: ReportBuilder
): Array<{ item: T; path: string }> {
	const seen = new Set<string>();
	const items: Array<{ item: T; path: string; index: number }> = [];
	(raw ?? []).forEach((value, index) => {
		const path = joinPath(list, index);
		const parsed = schema.safeParse(value);
		if (!parsed.success) return report.add(path, `a malformed item was skipped`);
		if (seen.has(parsed.data.id)) return report.add(joinPath(path, 'id'), 'an item repeating an earlier id was skipped');
		seen.add(parsed.data.id);
		items.push({ item: parsed.data, path, index });
	});
	const rank = (entry: (typeof items)[number]) => entry.item.displayOrder ?? entry.item.numericId ?? Number.MAX_SAFE_INTEGER;
	return items.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

function writeThreat(threat: TcThreat, path: string, notes: SnapshotBuilder, report: ReportBuilder): string {
	const meta = readMetadata(threat.metadata, path, report, 'threat');
	let statement = threat.statement?.trim() ?? '';
	if (!statement) {
		statement = composeStatement(threat);
		report.add(joinPath(path, 'statement'), statement ? 'a threat without a statement got one composed from its grammar parts' : 'a threat with neither statement nor grammar parts was imported empty');
	}
	if (threat.prerequisites?.trim() || threat.threatAction?.trim() || threat.threatImpact?.trim() || threat.impactedGoal?.some((goal) => goal.trim())) {
		report.add(path, "the threat grammar's prerequisites, action, impact and impacted goals are kept only in the statement");
	}
	if (threat.customTemplate) report.add(joinPath(path, 'customTemplate'), 'custom statement templates are not kept');
	let status: ThreatStatus = 'open';
	if (threat.status) {
		const known = TC_THREAT_STATUS_IMPORT.get(threat.status);
		if (known) status = known;
		else report.add(joinPath(path, 'status'), 'an unknown threat status was read as open');
	}
	let ratings: Ratings = UNRATED;
	if (meta.priority !== undefined) {
		const band = bandNamed(meta.priority);
		if (band) ratings = ratingsForBand(band);
		else report.add(joinPath(path, 'metadata'), 'a priority other than High, Medium or Low was left unrated');
	}
	const id = notes.threat(withTrailer(statement, TC_TRAILER_LABELS, trailerOf(threat.tags, meta)), { stride: meta.stride, status, ...ratings }, path);
	const source = threat.threatSource?.trim();
	if (source) notes.link('agent', id, notes.shared('agent', source, joinPath(path, 'threatSource')));
	(threat.impactedAssets ?? []).forEach((asset, i) => {
		if (asset.trim()) notes.link('endangers', id, notes.shared('asset', asset.trim(), joinPath(path, 'impactedAssets', i)));
	});
	return id;
}

function trailerOf(tags: string[] | undefined, meta: ReadMetadata) {
	const clean = (tags ?? []).map((tag) => tag.trim()).filter(Boolean);
	return { Tags: clean.join(', '), Comments: meta.comments };
}

function readMetadata(raw: unknown[] | undefined, path: string, report: ReportBuilder, of: 'threat' | 'mitigation' | 'assumption'): ReadMetadata {
	const read: ReadMetadata = { comments: '', stride: [] };
	(raw ?? []).forEach((value, i) => {
		const at = joinPath(path, 'metadata', i);
		const entry = TcMetadataEntry.safeParse(value);
		if (!entry.success) return report.add(at, 'malformed metadata was skipped');
		const { key, value: content } = entry.data;
		const text = Array.isArray(content) ? content.join(', ') : content;
		if (key === 'Comments') read.comments = text.trim();
		else if (key === 'Priority' && of === 'threat') read.priority = text;
		else if (key === 'STRIDE' && of === 'threat') {
			const letters = (Array.isArray(content) ? content : [content]).map((name) => ({ name, letter: strideLetterNamed(name) }));
			if (letters.some(({ letter }) => !letter)) report.add(at, 'STRIDE values other than S, T, R, I, D, E were skipped');
			read.stride = sortStride(letters.flatMap(({ letter }) => (letter ? [letter] : [])));
		} else if (PACK_KEYS.has(key)) report.add(at, 'threat and mitigation pack references are not kept');
		else report.add(at, 'custom metadata is not kept');
	});
	return read;
}
