/**
 * The notes of an Open Threat Model import (otm-import.ts draws the diagram): threats linked to
 * the shapes of the components and flows that reference them, mitigations linked to those
 * threats, and assets linked to the elements that process or store them.
 */
import type { StrideLetter, ThreatStatus } from '../board/schema.ts';
import type { DrawnFlow, OtmNode, PlacedShape } from './otm-import.ts';
import { OtmAsset, OtmComponent, OtmMitigation, type OtmModel, otmMitigationStatus, OtmThreat, OtmThreatInstance, otmThreatStatus, STATUS_URGENCY } from './otm-format.ts';
import { ratingFromPercent, sortStride, strideLetterNamed } from './ratings.ts';
import { joinPath, type ReportBuilder } from './report.ts';
import type { SnapshotBuilder } from './snapshot-builder.ts';
import { withTrailer } from './trailer.ts';

const THREAT_TRAILER_LABELS = ['Likelihood', 'Impact', 'CWE'] as const;

interface ThreatUse {
	shapeIds: string[];
	statuses: ThreatStatus[];
	mitigations: Array<{ id: string; state: string | null | undefined; path: string }>;
}

/** Which shapes reference each threat, with which states and mitigations. */
function collectUses(
	model: ReturnType<typeof OtmModel.parse>,
	shapes: Map<string, PlacedShape[]>,
	flows: Map<string, DrawnFlow>,
	report: ReportBuilder
): Map<string, ThreatUse> {
	const uses = new Map<string, ThreatUse>();
	const collect = (instances: unknown[] | null | undefined, shapeIds: string[], path: string) => {
		(instances ?? []).forEach((value, i) => {
			const at = joinPath(path, 'threats', i);
			const instance = OtmThreatInstance.safeParse(value);
			if (!instance.success) return report.add(at, 'a malformed threat reference was skipped');
			const { status, known } = otmThreatStatus(instance.data.state);
			if (!known) report.add(joinPath(at, 'state'), 'a threat state the board does not have was read as open');
			const use = uses.get(instance.data.threat) ?? { shapeIds: [], statuses: [], mitigations: [] };
			use.shapeIds.push(...shapeIds);
			use.statuses.push(status);
			(instance.data.mitigations ?? []).forEach((ref, k) => {
				if (ref?.mitigation) use.mitigations.push({ id: ref.mitigation, state: ref.state, path: joinPath(at, 'mitigations', k) });
			});
			uses.set(instance.data.threat, use);
		});
	};
	(model.components ?? []).forEach((value, i) => {
		const component = OtmComponent.safeParse(value);
		if (component.success) collect(component.data.threats, (shapes.get(component.data.id) ?? []).map((s) => s.shapeId), joinPath('components', i));
	});
	for (const { shapeId, path, flow } of flows.values()) {
		collect(flow.threats, [shapeId], path);
	}

	return uses;
}

export function writeThreats(
	model: ReturnType<typeof OtmModel.parse>,
	shapes: Map<string, PlacedShape[]>,
	flows: Map<string, DrawnFlow>,
	notes: SnapshotBuilder,
	report: ReportBuilder
): void {
	const uses = collectUses(model, shapes, flows, report);
	const mitigations = readMitigations(model.mitigations ?? [], report);
	const mitigationNotes = new Map<string, string>();
	const threatIds = new Map<string, string>();
	(model.threats ?? []).forEach((value, i) => {
		const path = joinPath('threats', i);
		const parsed = OtmThreat.safeParse(value);
		if (!parsed.success) return report.add(path, 'a malformed threat was skipped');
		const threat = parsed.data;
		if (threatIds.has(threat.id)) return report.add(joinPath(path, 'id'), 'a threat repeating an earlier id was skipped');
		const use = uses.get(threat.id);
		const status = use ? STATUS_URGENCY.find((s) => use.statuses.includes(s)) ?? 'open' : 'open';
		const stride: StrideLetter[] = [];
		for (const category of threat.categories ?? []) {
			const letter = category ? strideLetterNamed(category) : undefined;
			if (letter) stride.push(letter);
			else if (category?.trim()) report.add(joinPath(path, 'categories'), 'categories outside STRIDE have no STRIDE letter on the board');
		}
		if (threat.tags?.length) report.add(joinPath(path, 'tags'), 'tags are not kept');
		const risk = threat.risk;
		const text = withTrailer(nameAndDescription(threat.name, threat.description), THREAT_TRAILER_LABELS, {
			Likelihood: risk?.likelihoodComment ?? '',
			Impact: risk?.impactComment ?? '',
			CWE: (threat.cwes ?? []).filter(Boolean).join(', ')
		});
		const id = notes.threat(
			text,
			{
				stride: sortStride(stride),
				status,
				likelihood: typeof risk?.likelihood === 'number' ? ratingFromPercent(risk.likelihood) : null,
				impact: typeof risk?.impact === 'number' ? ratingFromPercent(risk.impact) : null
			},
			path
		);
		threatIds.set(threat.id, id);
		for (const shapeId of new Set(use?.shapeIds ?? [])) notes.canvasLink(id, shapeId);
		for (const ref of use?.mitigations ?? []) {
			const mitigation = mitigations.get(ref.id);
			if (!mitigation) {
				report.add(ref.path, 'a reference to a mitigation that is not in the model was skipped');
				continue;
			}
			let noteId = mitigationNotes.get(ref.id);
			if (!noteId) {
				const { status: state, known } = otmMitigationStatus(ref.state);
				if (!known) report.add(joinPath(ref.path, 'state'), 'a mitigation state the board does not have was read as proposed');
				noteId = notes.mitigation(mitigation.text, state, mitigation.path);
				mitigationNotes.set(ref.id, noteId);
			}
			notes.link('mitigates', id, noteId);
		}
	});
	for (const threatId of uses.keys()) {
		if (!threatIds.has(threatId)) report.add('threats', 'a reference to a threat that is not in the model was skipped');
	}
	// Mitigations no threat references are still mitigations the team decided on.
	for (const [id, mitigation] of mitigations) {
		if (!mitigationNotes.has(id)) mitigationNotes.set(id, notes.mitigation(mitigation.text, 'proposed', mitigation.path));
	}
}

function readMitigations(raw: unknown[], report: ReportBuilder): Map<string, { text: string; path: string }> {
	const mitigations = new Map<string, { text: string; path: string }>();
	raw.forEach((value, i) => {
		const path = joinPath('mitigations', i);
		const parsed = OtmMitigation.safeParse(value);
		if (!parsed.success) return report.add(path, 'a malformed mitigation was skipped');
		if (mitigations.has(parsed.data.id)) return report.add(joinPath(path, 'id'), 'a mitigation repeating an earlier id was skipped');
		if (typeof parsed.data.riskReduction === 'number') report.add(joinPath(path, 'riskReduction'), 'risk reduction percentages are not kept');
		mitigations.set(parsed.data.id, { text: nameAndDescription(parsed.data.name, parsed.data.description), path });
	});
	return mitigations;
}

/** The name, then the description unless it already starts with the name (as Microsoft's tool writes them). */
function nameAndDescription(name: string | null | undefined, description: string | null | undefined): string {
	const title = (name ?? '').trim();
	const body = (description ?? '').trim();
	if (!body || body === title) return title;
	if (!title || body.startsWith(title)) return body;
	return `${title}\n\n${body}`;
}

export function writeAssets(
	model: ReturnType<typeof OtmModel.parse>,
	nodes: Map<string, OtmNode>,
	shapes: Map<string, PlacedShape[]>,
	flows: Map<string, DrawnFlow>,
	notes: SnapshotBuilder,
	report: ReportBuilder
): void {
	const assets = new Map<string, string>();
	(model.assets ?? []).forEach((value, i) => {
		const path = joinPath('assets', i);
		const parsed = OtmAsset.safeParse(value);
		if (!parsed.success) return report.add(path, 'a malformed asset was skipped');
		if (parsed.data.risk !== undefined) report.add(joinPath(path, 'risk'), 'asset confidentiality, integrity and availability ratings are not kept');
		assets.set(parsed.data.id, notes.plain('asset', nameAndDescription(parsed.data.name, parsed.data.description), path));
	});
	const link = (assetIds: ReadonlyArray<string | null> | null | undefined, shapeIds: string[], path: string) => {
		for (const assetId of assetIds ?? []) {
			const note = assetId ? assets.get(assetId) : undefined;
			if (!note) report.add(path, 'a reference to an asset that is not in the model was skipped');
			else for (const shapeId of shapeIds) notes.canvasLink(note, shapeId);
		}
	};
	for (const node of nodes.values()) {
		const shapeIds = (shapes.get(node.id) ?? []).map((shape) => shape.shapeId);
		link(node.component?.assets?.processed, shapeIds, joinPath(node.path, 'assets.processed'));
		link(node.component?.assets?.stored, shapeIds, joinPath(node.path, 'assets.stored'));
	}
	for (const { shapeId, flow } of flows.values()) link(flow.assets, [shapeId], 'dataflows');
}
