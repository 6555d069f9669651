/**
 * Threat Dragon v2 model -> a new workshop. Each diagram's cells become canvas shapes at their
 * positions (scaled by TD_SCALE; several diagrams side by side, each in a frame named after it):
 * actors, processes and stores as DFD elements, flows as arrows bound to their ends, boundary
 * boxes as trust boundaries and boundary curves as dashed trust-boundary lines, text blocks as
 * text. Threats on a cell become threat notes linked to its shape (STRIDE type, status, severity
 * as likelihood x impact); a threat's mitigation text becomes a mitigation note linked to it.
 * Element descriptions and properties become a component note linked to the element. The summary
 * gives the title and the scope. docs/INTEROP.md lists what is not carried over.
 */
import type { DfdPaletteKind } from '../canvas/dfd.ts';
import type { StrideLetter, ThreatStatus } from '../board/schema.ts';
import { boundsOf, createCanvasBuilder, FRAME_PADDING, sideBySide, unionOf, type Box, type CanvasBuilder, type FlowEnd, type Point } from './canvas-layout.ts';
import { inputError } from './json-input.ts';
import { findHugeString, hugeStringError, MAX_CELLS, MAX_ITEMS, tooMany, zodIssues } from './limits.ts';
import { bandNamed, ratingsForBand, strideLetterNamed, UNRATED } from './ratings.ts';
import { countSnapshot, createReportBuilder, joinPath, type ConvertResult, type ImportContext, type ReportBuilder } from './report.ts';
import { createSnapshotBuilder, type SnapshotBuilder } from './snapshot-builder.ts';
import {
	cellRole,
	TD_DEFAULT_SIZES,
	TD_PROPERTY_FIELDS,
	TD_PROPERTY_LABELS,
	TD_YES,
	TD_SCALE,
	TdCell,
	TdContributor,
	TdDiagram,
	TdModel,
	tdStatusToBoard,
	TdThreat,
	type TdCellRole,
	type TdPropertyLabel
} from './threat-dragon-format.ts';
import { withTrailer } from './trailer.ts';
import { TD_AUTHOR } from './import-authors.ts';

export { TD_AUTHOR };
/** Labels of the summary fields kept at the end of the scope (read back by the export). */
export const TD_SCOPE_LABELS = ['Owner', 'Reviewer', 'Contributors'] as const;
/** A frame for a diagram with no cells still gets this size, so it shows. */
const EMPTY_FRAME = { w: 480, h: 320 };

interface ParsedCell {
	cell: TdCell;
	role: TdCellRole;
	path: string;
	label: string;
}

interface ParsedDiagram {
	title: string;
	description: string;
	path: string;
	cells: ParsedCell[];
}

export function importThreatDragon(value: unknown, context: ImportContext): ConvertResult {
	const huge = findHugeString(value);
	if (huge !== undefined) return hugeStringError(huge);
	const parsed = TdModel.safeParse(value);
	if (!parsed.success) return inputError('invalid_request', 'invalid Threat Dragon model', zodIssues(parsed.error));
	const model = parsed.data;
	if (model.version?.startsWith('1.')) {
		return inputError('invalid_request', 'Threat Dragon v1 models cannot be imported: open the model in Threat Dragon 2 and save it again', [
			{ path: 'version', message: `version ${model.version}` }
		]);
	}

	// Counted before anything is read, so a huge model costs nothing but this loop.
	const cellCount = model.detail.diagrams.reduce<number>((sum, raw) => sum + (isRecord(raw) && Array.isArray(raw.cells) ? raw.cells.length : 0), 0);
	if (cellCount > MAX_CELLS) return tooMany('diagram cells', cellCount, MAX_CELLS, 'detail.diagrams');
	const report = createReportBuilder();
	const diagrams = model.detail.diagrams.flatMap((raw, i) => readDiagram(raw, joinPath('detail.diagrams', i), report));
	const threatCount = diagrams.reduce((sum, d) => sum + d.cells.reduce((n, c) => n + (c.cell.data?.threats?.length ?? 0), 0), 0);
	if (threatCount > MAX_ITEMS) return tooMany('threats', threatCount, MAX_ITEMS, 'detail.diagrams');

	const notes = createSnapshotBuilder({ author: TD_AUTHOR, now: context.now, report });
	const canvas = createCanvasBuilder();
	const threats: CellThreats = { mitigations: new Map() };
	placeDiagrams(diagrams).forEach(({ diagram, offset, frame }) => {
		const parent = frame ? canvas.frame(diagram.title || `Diagram ${diagrams.indexOf(diagram) + 1}`, frame) : undefined;
		if (diagram.description) notes.plain('component', `${diagram.title}\n\n${diagram.description}`, joinPath(diagram.path, 'description'));
		drawDiagram(diagram, { canvas, notes, report, threats, offset, parent });
	});
	writeMitigations(threats, notes);

	const summary = model.summary ?? {};
	if (!model.summary?.title) report.add('summary.title', 'the model has no title: the workshop gets the default title');
	const contributors = (model.detail.contributors ?? []).flatMap((raw) => {
		const contributor = TdContributor.safeParse(raw);
		return contributor.success && contributor.data.name.trim() ? [contributor.data.name.trim()] : [];
	});
	const scope = withTrailer(summary.description ?? '', TD_SCOPE_LABELS, {
		Owner: summary.owner,
		Reviewer: model.detail.reviewer,
		Contributors: contributors.join(', ')
	});
	const snapshot = notes.finish({ title: summary.title ?? '', scope, scopePath: 'summary.description', createdAt: context.now, records: canvas.records() });
	return {
		ok: true,
		snapshot,
		report: { format: 'threat-dragon', title: snapshot.room.title, created: countSnapshot(snapshot, diagrams.length), notMapped: report.entries() }
	};
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readDiagram(raw: unknown, path: string, report: ReportBuilder): ParsedDiagram[] {
	const parsed = TdDiagram.safeParse(raw);
	if (!parsed.success) {
		report.add(path, 'a diagram that is not a Threat Dragon v2 diagram was skipped');
		return [];
	}
	const diagram = parsed.data;
	if (diagram.diagramType && diagram.diagramType.toUpperCase() !== 'STRIDE') {
		report.add(joinPath(path, 'diagramType'), 'diagrams of other methods (LINDDUN, CIA, ...) are read as STRIDE diagrams');
	}
	const cells: ParsedCell[] = [];
	(diagram.cells ?? []).forEach((rawCell, j) => {
		const cellPath = joinPath(path, 'cells', j);
		const cell = TdCell.safeParse(rawCell);
		if (!cell.success) return report.add(cellPath, 'a malformed cell was skipped');
		const role = cellRole(cell.data);
		if (!role) return report.add(joinPath(cellPath, 'shape'), 'a cell of a shape Threatboard does not know was skipped');
		cells.push({ cell: cell.data, role, path: cellPath, label: cellLabel(cell.data) });
	});
	return [{ title: (diagram.title ?? '').trim(), description: (diagram.description ?? '').trim(), path, cells }];
}

function cellLabel(cell: TdCell): string {
	const label = cell.data?.name ?? cell.attrs?.text?.text ?? cell.attrs?.label?.text ?? cell.labels?.[0]?.attrs?.labelText?.text ?? cell.labels?.[0]?.attrs?.text?.text;
	return (label ?? '').trim();
}

// ---- Layout ------------------------------------------------------------------------------------

const scaled = (point: Point): Point => ({ x: point.x * TD_SCALE, y: point.y * TD_SCALE });

/** A node cell's box in canvas units (before the diagram's offset). */
function nodeBox(cell: TdCell, role: TdCellRole): Box {
	const fallback = role.role === 'element' ? TD_DEFAULT_SIZES[role.kind] : role.role === 'boundary-box' ? TD_DEFAULT_SIZES['boundary-box'] : TD_DEFAULT_SIZES.text;
	const at = scaled(cell.position ?? { x: 0, y: 0 });
	const size = cell.size ? { w: cell.size.width, h: cell.size.height } : fallback;
	return { ...at, w: Math.abs(size.w) * TD_SCALE, h: Math.abs(size.h) * TD_SCALE };
}

function edgePoints(cell: TdCell): Point[] {
	const points = (cell.vertices ?? []).map(scaled);
	for (const end of [cell.source, cell.target]) {
		if (end?.x !== undefined && end.y !== undefined) points.push(scaled({ x: end.x, y: end.y }));
	}
	return points;
}

function diagramExtent(diagram: ParsedDiagram): Box | undefined {
	const boxes = diagram.cells.map(({ cell, role }) =>
		role.role === 'flow' || role.role === 'boundary-curve' ? boundsOf(edgePoints(cell)) : nodeBox(cell, role)
	);
	return boxes.length ? unionOf(boxes) : undefined;
}

/** Offsets of each diagram; with several diagrams, each sits in a frame placed side by side. */
function placeDiagrams(diagrams: ParsedDiagram[]): Array<{ diagram: ParsedDiagram; offset: Point; frame?: Box }> {
	if (diagrams.length <= 1) return diagrams.map((diagram) => ({ diagram, offset: { x: 0, y: 0 } }));
	const frames = diagrams.map((diagram) => {
		const extent = diagramExtent(diagram) ?? { x: 0, y: 0, ...EMPTY_FRAME };
		return { x: extent.x - FRAME_PADDING, y: extent.y - FRAME_PADDING, w: Math.max(extent.w, EMPTY_FRAME.w) + 2 * FRAME_PADDING, h: Math.max(extent.h, EMPTY_FRAME.h) + 2 * FRAME_PADDING };
	});
	return sideBySide(frames).map((offset, i) => ({
		diagram: diagrams[i],
		offset,
		frame: { ...frames[i], x: frames[i].x + offset.x, y: frames[i].y + offset.y }
	}));
}

// ---- Drawing -----------------------------------------------------------------------------------

interface CellThreats {
	/** Mitigation text -> the threats it mitigates (with their statuses) and where it was first seen. */
	mitigations: Map<string, { path: string; threats: Array<{ id: string; status: ThreatStatus }> }>;
}

interface DrawContext {
	canvas: CanvasBuilder;
	notes: SnapshotBuilder;
	report: ReportBuilder;
	threats: CellThreats;
	offset: Point;
	parent: string | undefined;
}

/** Boundaries first (they sit behind), then elements and text, then flows (they need their ends). */
const DRAW_ORDER: ReadonlyArray<TdCellRole['role']> = ['boundary-box', 'boundary-curve', 'element', 'text', 'flow'];

function drawDiagram(diagram: ParsedDiagram, context: DrawContext): void {
	const { offset, report } = context;
	const move = (point: Point): Point => ({ x: point.x + offset.x, y: point.y + offset.y });
	const shapes = new Map<string, { shapeId: string; bindable: boolean }>();
	for (const role of DRAW_ORDER) {
		for (const item of diagram.cells) {
			if (item.role.role !== role) continue;
			const shapeId = drawCell(item, context, move, shapes);
			if (!shapeId) continue;
			const key = item.cell.id === undefined ? undefined : String(item.cell.id);
			if (key !== undefined && shapes.has(key)) report.add(joinPath(item.path, 'id'), 'two cells share an id: flows attach to the first');
			else if (key !== undefined) shapes.set(key, { shapeId, bindable: role === 'element' || role === 'boundary-box' });
			describeCell(item, shapeId, context);
			if (role === 'element' || role === 'flow') readThreats(item, shapeId, context);
			else if (item.cell.data?.threats?.length) report.add(joinPath(item.path, 'data.threats'), 'threats on boundaries and text blocks were skipped');
		}
	}
}

function drawCell(item: ParsedCell, context: DrawContext, move: (p: Point) => Point, shapes: Map<string, { shapeId: string; bindable: boolean }>): string | undefined {
	const { canvas, parent, report } = context;
	const { cell, role, path, label } = item;
	const at = (box: Box): Box => ({ ...box, ...move(box) });
	switch (role.role) {
		case 'element':
			return canvas.element(role.kind, label, at(nodeBox(cell, role)), parent);
		case 'boundary-box':
			return canvas.element('trust-boundary' satisfies DfdPaletteKind, label, at(nodeBox(cell, role)), parent);
		case 'text':
			return canvas.text(label, at(nodeBox(cell, role)), parent);
		case 'boundary-curve': {
			const points = [cell.source, ...(cell.vertices ?? []), cell.target]
				.filter((p): p is Point => p?.x !== undefined && p.y !== undefined)
				.map((p) => move(scaled(p)));
			if (points.length < 2) {
				report.add(path, 'a boundary line without two points was skipped');
				return undefined;
			}
			const id = canvas.boundaryLine(points, cell.connector !== 'normal', parent);
			// Lines carry no label on the canvas: a named boundary gets its name beside its middle.
			if (label) {
				const middle = points[Math.floor(points.length / 2)];
				canvas.text(label, { x: middle.x + 12, y: middle.y + 12, w: 220, h: 40 }, parent);
			}
			return id;
		}
		case 'flow': {
			const end = (terminal: TdCell['source'], which: string): FlowEnd | undefined => {
				const known = terminal?.cell === undefined ? undefined : shapes.get(String(terminal.cell));
				if (known?.bindable) return { shapeId: known.shapeId };
				if (known) {
					const box = canvas.boxOf(known.shapeId)!;
					return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
				}
				if (terminal?.x !== undefined && terminal.y !== undefined) return move(scaled({ x: terminal.x, y: terminal.y }));
				if (terminal?.cell !== undefined) report.add(joinPath(path, which), 'a flow end points at a cell that is not in the diagram: it is left unconnected');
				return undefined;
			};
			let from = end(cell.source, 'source');
			let to = end(cell.target, 'target');
			if (!from && !to) {
				report.add(path, 'a flow with neither end was skipped');
				return undefined;
			}
			const near = (other: FlowEnd, dx: number): Point => {
				const centre = 'shapeId' in other ? boxCentre(canvas.boxOf(other.shapeId)!) : other;
				return { x: centre.x + dx, y: centre.y };
			};
			from ??= near(to!, -180);
			to ??= near(from, 180);
			const bidirectional = cell.data?.isBidirectional ?? hasMarker(cell.attrs?.line?.sourceMarker);
			return canvas.flow(from, to, label, { vertices: (cell.vertices ?? []).map((p) => move(scaled(p))), bidirectional }, parent);
		}
	}
}

function boxCentre(box: Box): Point {
	return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
}

/** X6 markers are a name string or an object with a name; '' means none. */
function hasMarker(marker: unknown): boolean {
	if (typeof marker === 'string') return marker !== '';
	return typeof marker === 'object' && marker !== null && typeof (marker as { name?: unknown }).name === 'string' && (marker as { name: string }).name !== '';
}

/**
 * Description, scope and properties of a cell, as a component note linked to its shape: the
 * element's name, its description, then its properties as labelled lines (trailer.ts).
 */
function describeCell(item: ParsedCell, shapeId: string, { notes }: DrawContext): void {
	const data = item.cell.data;
	if (!data || item.role.role === 'text') return;
	const fields: Partial<Record<TdPropertyLabel, string>> = {};
	for (const [key, label] of TD_PROPERTY_FIELDS) {
		const value = data[key];
		if (value === true) fields[label] = TD_YES;
		else if (typeof value === 'string' && value.trim()) fields[label] = value.trim();
	}
	if (data.outOfScope) fields['Out of scope'] = data.reasonOutOfScope?.trim() || TD_YES;
	const body = withTrailer((data.description ?? '').trim(), TD_PROPERTY_LABELS, fields);
	if (!body) return;
	const name = item.label.split('\n').join(' ');
	notes.canvasLink(notes.plain('component', name ? `${name}\n\n${body}` : body, joinPath(item.path, 'data')), shapeId);
}

function readThreats(item: ParsedCell, shapeId: string, { notes, report, threats }: DrawContext): void {
	(item.cell.data?.threats ?? []).forEach((raw, k) => {
		const path = joinPath(item.path, 'data.threats', k);
		const parsed = TdThreat.safeParse(raw);
		if (!parsed.success) return report.add(path, 'a malformed threat was skipped');
		const threat = parsed.data;
		const { status, exact } = tdStatusToBoard(threat.status ?? '');
		if (!exact) report.add(joinPath(path, 'status'), `a threat status the board does not have was imported as the nearest one`);
		const band = bandNamed(threat.severity ?? '');
		if (!band && threat.severity && threat.severity.trim().toUpperCase() !== 'TBD') {
			report.add(joinPath(path, 'severity'), 'a severity other than Low, Medium, High or Critical was left unrated');
		}
		const letter = threat.type ? strideLetterNamed(threat.type) : undefined;
		if (!letter && threat.type?.trim()) report.add(joinPath(path, 'type'), 'threat types outside STRIDE (LINDDUN, CIA, cards, ...) have no STRIDE letter on the board');
		if (threat.score !== undefined && String(threat.score).trim()) report.add(joinPath(path, 'score'), 'custom threat scores are not kept (the board rates likelihood x impact)');
		if (threat.cardSuit || threat.cardNumber) report.add(path, 'Elevation of Privilege card references are not kept');
		const title = (threat.title ?? '').trim();
		const description = (threat.description ?? '').trim();
		const stride: StrideLetter[] = letter ? [letter] : [];
		const id = notes.threat([title, description].filter(Boolean).join('\n\n'), { stride, status, ...(band ? ratingsForBand(band) : UNRATED) }, path);
		notes.canvasLink(id, shapeId);
		const mitigation = (threat.mitigation ?? '').trim();
		if (!mitigation) return;
		const known = threats.mitigations.get(mitigation);
		if (known) known.threats.push({ id, status });
		else threats.mitigations.set(mitigation, { path: joinPath(path, 'mitigation'), threats: [{ id, status }] });
	});
}

/**
 * One mitigation note per distinct mitigation text, linked to every threat that names it: done
 * when all of them are mitigated, proposed otherwise (Threat Dragon keeps no mitigation status).
 */
function writeMitigations(threats: CellThreats, notes: SnapshotBuilder): void {
	for (const [text, { path, threats: linked }] of threats.mitigations) {
		const done = linked.every((threat) => threat.status === 'mitigated');
		const id = notes.mitigation(text, done ? 'done' : 'proposed', path);
		for (const threat of linked) notes.link('mitigates', threat.id, id);
	}
}
