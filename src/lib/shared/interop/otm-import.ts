/**
 * Open Threat Model -> a new workshop. Trust zones become trust boundaries, components DFD
 * elements (the kind guessed from their type, see guessKind), data flows arrows between them,
 * each at its position in its diagram (representation); a model with several diagrams gets them
 * side by side in frames, and elements no diagram places are laid out in a grid by trust zone.
 * Threats become threat notes linked to the shapes of the components and flows that reference
 * them (categories as STRIDE letters, likelihood and impact 0-100 as 1-5, the reference's state as
 * status); mitigations become mitigation notes linked to those threats; assets asset notes linked
 * to the elements that process or store them. The project gives the title and the scope.
 */
import { DFD_LOOKS } from '../canvas/dfd-looks.ts';
import { createCanvasBuilder, FRAME_PADDING, sideBySide, unionOf, type Box, type CanvasBuilder, type Point } from './canvas-layout.ts';
import { inputError } from './json-input.ts';
import { findHugeString, hugeStringError, MAX_CELLS, MAX_DIAGRAMS, tooMany, zodIssues } from './limits.ts';
import { guessKind, OTM_SCALE, OtmComponent, OtmDataflow, OtmModel, OtmParent, OtmPlacement, OtmRepresentation, OtmTrustZone } from './otm-format.ts';
import { writeAssets, writeThreats } from './otm-notes.ts';
import { countSnapshot, createReportBuilder, joinPath, type ConvertResult, type ImportContext, type ReportBuilder } from './report.ts';
import { createSnapshotBuilder, type SnapshotBuilder } from './snapshot-builder.ts';
import { withTrailer } from './trailer.ts';
import { OTM_AUTHOR } from './import-authors.ts';

export { OTM_AUTHOR };
const OTM_SCOPE_LABELS = ['Owner', 'Owner contact'] as const;
/** The region of elements no diagram places. */
const UNPLACED = '';
const DEFAULT_COMPONENT = { w: 100, h: 100 };
const DEFAULT_ZONE = { w: 300, h: 200 };
const GRID_GAP = 80;

export interface OtmNode {
	id: string;
	name: string;
	path: string;
	parentId: string | undefined;
	component?: OtmComponent;
	zone?: OtmTrustZone;
	/** Box per representation id, in the representation's own units, as the file gives it. */
	placements: Map<string, { position?: Point; size?: { w: number; h: number } }>;
}

export function importOpenThreatModel(value: unknown, context: ImportContext): ConvertResult {
	const huge = findHugeString(value);
	if (huge !== undefined) return hugeStringError(huge);
	const parsed = OtmModel.safeParse(value);
	if (!parsed.success) return inputError('invalid_request', 'invalid Open Threat Model file', zodIssues(parsed.error));
	const model = parsed.data;
	const cells = (model.trustZones?.length ?? 0) + (model.components?.length ?? 0) + (model.dataflows?.length ?? 0);
	if (cells > MAX_CELLS) return tooMany('zones, components and flows', cells, MAX_CELLS, 'components');

	const report = createReportBuilder();
	const notes = createSnapshotBuilder({ author: OTM_AUTHOR, now: context.now, report });
	const nodes = readNodes(model, report);
	const diagramIds = readDiagramIds(model.representations ?? [], nodes);
	// Each diagram places every node again: a few thousand nodes in a hundred diagrams each (a file
	// under the size limit) took 44 s and 640 MB before the record limit refused it.
	if (diagramIds.length > MAX_DIAGRAMS) return tooMany('diagrams', diagramIds.length, MAX_DIAGRAMS, 'representations');
	const placements = [...nodes.values()].reduce((sum, node) => sum + node.placements.size, 0);
	if (placements > MAX_PLACEMENTS) return tooMany('placements of zones and components in diagrams', placements, MAX_PLACEMENTS, 'components');
	const canvas = createCanvasBuilder();
	const shapes = drawNodes(nodes, diagramIds, canvas, notes);
	const flows = drawFlows(model.dataflows ?? [], shapes, canvas, report);

	writeThreats(model, shapes, flows, notes, report);
	writeAssets(model, nodes, shapes, flows, notes, report);

	const project = model.project ?? {};
	if (!project.name?.trim()) report.add('project.name', 'the project has no name: the workshop gets the default title');
	const scope = withTrailer(project.description ?? '', OTM_SCOPE_LABELS, { Owner: project.owner ?? '', 'Owner contact': project.ownerContact ?? '' });
	const snapshot = notes.finish({ title: project.name ?? '', scope, scopePath: 'project.description', createdAt: context.now, records: canvas.records() });
	const diagrams = new Set([...shapes.values()].flatMap((list) => list.map((shape) => shape.region))).size;
	return { ok: true, snapshot, report: { format: 'otm', title: snapshot.room.title, created: countSnapshot(snapshot, diagrams), notMapped: report.entries() } };
}

// ---- Reading -----------------------------------------------------------------------------------

function readNodes(model: ReturnType<typeof OtmModel.parse>, report: ReportBuilder): Map<string, OtmNode> {
	const nodes = new Map<string, OtmNode>();
	const add = (node: OtmNode) => {
		if (nodes.has(node.id)) return report.add(joinPath(node.path, 'id'), 'an element repeating an earlier id was skipped');
		nodes.set(node.id, node);
	};
	(model.trustZones ?? []).forEach((raw, i) => {
		const path = joinPath('trustZones', i);
		const zone = OtmTrustZone.safeParse(raw);
		if (!zone.success) return report.add(path, 'a malformed trust zone was skipped');
		if (zone.data.risk?.trustRating !== undefined && zone.data.risk?.trustRating !== null) report.add(joinPath(path, 'risk.trustRating'), 'trust ratings are not kept');
		add({ id: zone.data.id, name: zone.data.name ?? '', path, parentId: parentOf(zone.data.parent), zone: zone.data, placements: readPlacements(zone.data.representations, path, report) });
	});
	(model.components ?? []).forEach((raw, i) => {
		const path = joinPath('components', i);
		const component = OtmComponent.safeParse(raw);
		if (!component.success) return report.add(path, 'a malformed component was skipped');
		report.add(joinPath(path, 'type'), 'component types were read as DFD kinds by their words (database, storage... a data store; client, user, device... an external entity; else a process)');
		if (component.data.tags?.length) report.add(joinPath(path, 'tags'), 'tags are not kept');
		add({ id: component.data.id, name: component.data.name ?? '', path, parentId: parentOf(component.data.parent), component: component.data, placements: readPlacements(component.data.representations, path, report) });
	});
	return nodes;
}

function parentOf(parent: ReturnType<typeof OtmParent.parse> | null | undefined): string | undefined {
	return parent?.trustZone ?? parent?.component;
}

function readPlacements(raw: unknown[] | null | undefined, path: string, report: ReportBuilder): OtmNode['placements'] {
	const placements: OtmNode['placements'] = new Map();
	(raw ?? []).forEach((value, i) => {
		const placement = OtmPlacement.safeParse(value);
		if (!placement.success) return report.add(joinPath(path, 'representations', i), 'a malformed representation was skipped');
		const { representation, position, size } = placement.data;
		placements.set(representation, {
			position: position ?? undefined,
			size: size ? { w: Math.abs(size.width), h: Math.abs(size.height) } : undefined
		});
	});
	return placements;
}

/** Zones and components drawn, over all diagrams (each is a shape; the canvas holds 20,000 records). */
export const MAX_PLACEMENTS = MAX_CELLS * 2;

/** Diagram representations in file order, plus any an element is placed in without declaring it. */
function readDiagramIds(raw: unknown[], nodes: Map<string, OtmNode>): string[] {
	const ids = new Set<string>();
	for (const value of raw) {
		const representation = OtmRepresentation.safeParse(value);
		if (representation.success && (representation.data.type ?? '').toLowerCase() === 'diagram') ids.add(representation.data.id);
	}
	for (const node of nodes.values()) {
		for (const [id, placement] of node.placements) if (placement.position) ids.add(id);
	}
	return [...ids];
}

// ---- Layout and drawing ------------------------------------------------------------------------

type OtmFlow = ReturnType<typeof OtmDataflow.parse>;
export interface DrawnFlow {
	shapeId: string;
	path: string;
	flow: OtmFlow;
}

export interface PlacedShape {
	region: string;
	shapeId: string;
	frameId: string | undefined;
}

/** Each node's box per region in canvas units; nodes no diagram places go to the UNPLACED region. */
function layoutRegions(nodes: Map<string, OtmNode>, diagramIds: string[]): Map<string, Map<string, Box>> {
	const regions = new Map<string, Map<string, Box>>();
	for (const diagram of diagramIds) {
		const boxes = new Map<string, Box>();
		const resolve = (node: OtmNode, depth: number): Box | undefined => {
			const known = boxes.get(node.id);
			if (known) return known;
			const placement = node.placements.get(diagram);
			if (!placement?.position || depth > 16) return undefined;
			const size = placement.size ?? (node.zone ? DEFAULT_ZONE : DEFAULT_COMPONENT);
			let box = { x: placement.position.x, y: placement.position.y, w: size.w, h: size.h };
			const parentNode = node.parentId === undefined ? undefined : nodes.get(node.parentId);
			const parent = parentNode && resolve(parentNode, depth + 1);
			// Some tools (Microsoft's, through StartLeft) give positions relative to the parent zone.
			if (parent && !contains(parent, box) && box.x + box.w <= parent.w && box.y + box.h <= parent.h) {
				box = { ...box, x: parent.x + box.x, y: parent.y + box.y };
			}
			boxes.set(node.id, box);
			return box;
		};
		for (const node of nodes.values()) resolve(node, 0);
		if (boxes.size > 0) regions.set(diagram, new Map([...boxes].map(([id, box]) => [id, scale(box)])));
	}
	const placed = new Set([...regions.values()].flatMap((boxes) => [...boxes.keys()]));
	const unplaced = [...nodes.values()].filter((node) => !placed.has(node.id));
	if (unplaced.length > 0) regions.set(UNPLACED, gridLayout(unplaced));
	return regions;
}

const scale = (box: Box): Box => ({ x: box.x * OTM_SCALE, y: box.y * OTM_SCALE, w: box.w * OTM_SCALE, h: box.h * OTM_SCALE });
const contains = (outer: Box, inner: Box) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

/** Zones side by side, each holding its components in a square-ish grid; loose components in a row below. */
function gridLayout(unplaced: OtmNode[]): Map<string, Box> {
	const boxes = new Map<string, Box>();
	const zones = unplaced.filter((node) => node.zone);
	const members = (zoneId: string | undefined) => unplaced.filter((node) => node.component && (zoneId === undefined ? !zones.some((zone) => zone.id === node.parentId) : node.parentId === zoneId));
	const grid = (items: OtmNode[], left: number, top: number): Box => {
		const columns = Math.max(1, Math.ceil(Math.sqrt(items.length)));
		items.forEach((item, i) => {
			const look = DFD_LOOKS[guessKind(item.component!)];
			boxes.set(item.id, { x: left + (i % columns) * (190 + GRID_GAP), y: top + Math.floor(i / columns) * (110 + GRID_GAP), w: look.w, h: look.h });
		});
		const rows = Math.ceil(items.length / columns);
		return { x: left, y: top, w: columns * (190 + GRID_GAP) - GRID_GAP, h: Math.max(0, rows * (110 + GRID_GAP) - GRID_GAP) };
	};
	let left = 0;
	let bottom = 0;
	for (const zone of zones) {
		const inner = grid(members(zone.id), left + FRAME_PADDING, FRAME_PADDING);
		const box = { x: left, y: 0, w: Math.max(DEFAULT_ZONE.w * OTM_SCALE, inner.w + 2 * FRAME_PADDING), h: Math.max(DEFAULT_ZONE.h * OTM_SCALE, inner.h + 2 * FRAME_PADDING) };
		boxes.set(zone.id, box);
		left += box.w + GRID_GAP;
		bottom = Math.max(bottom, box.h);
	}
	grid(members(undefined), 0, zones.length ? bottom + GRID_GAP * 2 : 0);
	return boxes;
}

function drawNodes(nodes: Map<string, OtmNode>, diagramIds: string[], canvas: CanvasBuilder, notes: SnapshotBuilder): Map<string, PlacedShape[]> {
	const regions = layoutRegions(nodes, diagramIds);
	const framed = regions.size > 1;
	const entries = [...regions];
	const extents = entries.map(([, boxes]) => {
		const extent = unionOf([...boxes.values()]);
		return framed ? { x: extent.x - FRAME_PADDING, y: extent.y - FRAME_PADDING, w: extent.w + 2 * FRAME_PADDING, h: extent.h + 2 * FRAME_PADDING } : extent;
	});
	const offsets = framed ? sideBySide(extents) : entries.map(() => ({ x: 0, y: 0 }));
	const shapes = new Map<string, PlacedShape[]>();
	entries.forEach(([region, boxes], i) => {
		const offset = offsets[i];
		const move = (box: Box): Box => ({ ...box, x: box.x + offset.x, y: box.y + offset.y });
		const frameId = framed ? canvas.frame(region === UNPLACED ? 'Not placed in a diagram' : region, move(extents[i])) : undefined;
		// Zones first (behind), outer zones before the zones inside them.
		const ordered = [...boxes].sort(([a, boxA], [b, boxB]) => zoneRank(nodes.get(a)!) - zoneRank(nodes.get(b)!) || boxB.w * boxB.h - boxA.w * boxA.h);
		for (const [id, box] of ordered) {
			const node = nodes.get(id)!;
			const shapeId = node.zone
				? canvas.element('trust-boundary', node.name, move(box), frameId)
				: canvas.element(guessKind(node.component!), node.name, move(box), frameId);
			const list = shapes.get(id) ?? [];
			list.push({ region, shapeId, frameId });
			shapes.set(id, list);
			const description = (node.zone?.description ?? node.component?.description ?? '').trim();
			if (description) notes.canvasLink(notes.plain('component', `${node.name}\n\n${description}`, joinPath(node.path, 'description')), shapeId);
		}
	});
	return shapes;
}

const zoneRank = (node: OtmNode) => (node.zone ? 0 : 1);

/** Draws each flow once, between the first shapes of its ends (in one frame when they share one). */
function drawFlows(raw: unknown[], shapes: Map<string, PlacedShape[]>, canvas: CanvasBuilder, report: ReportBuilder): Map<string, DrawnFlow> {
	const flows = new Map<string, DrawnFlow>();
	raw.forEach((value, i) => {
		const path = joinPath('dataflows', i);
		const parsed = OtmDataflow.safeParse(value);
		if (!parsed.success) return report.add(path, 'a malformed data flow was skipped');
		const flow = parsed.data;
		if (flows.has(flow.id)) return report.add(joinPath(path, 'id'), 'a data flow repeating an earlier id was skipped');
		const source = shapes.get(flow.source)?.[0];
		const destination = (source && shapes.get(flow.destination)?.find((shape) => shape.region === source.region)) ?? shapes.get(flow.destination)?.[0];
		if (!source || !destination) {
			report.add(path, 'a data flow whose source or destination is not in the model was skipped');
			return;
		}
		if (flow.tags?.length) report.add(joinPath(path, 'tags'), 'tags are not kept');
		const parent = source.frameId === destination.frameId ? source.frameId : undefined;
		const shapeId = canvas.flow({ shapeId: source.shapeId }, { shapeId: destination.shapeId }, flow.name ?? '', { bidirectional: flow.bidirectional ?? false }, parent);
		flows.set(flow.id, { shapeId, path, flow });
	});
	return flows;
}
