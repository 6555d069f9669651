/**
 * A workshop as a Threat Dragon v2 model, shaped like Threat Dragon's own demo models so Threat
 * Dragon 2 opens it: one diagram per frame that holds a diagram (an import of several diagrams
 * makes those frames) plus one for the rest of the page; DFD elements as actors, processes and
 * stores, flows with their labels, trust boundaries as boxes (or curves, for boundary lines),
 * untagged text as text blocks. Threats go on the cells of the elements they are linked to, with
 * their mitigations' text; threats linked to no element go on one extra process, "Threats not
 * attached to an element", so none is lost. docs/INTEROP.md lists what Threat Dragon cannot hold.
 *
 * Deterministic: the same workshop gives the same bytes (ids are derived from record ids).
 */
import { readDiagram, readPlacedShapes, type PlacedShape } from '../canvas/diagram.ts';
import { isObject } from '../canvas/plain.ts';
import type { DfdPaletteKind } from '../canvas/dfd.ts';
import { RISK_BAND_LABELS } from '../board/risk.ts';
import { STRIDE, type Note, type ThreatNote } from '../board/schema.ts';
import type { RoomSnapshot } from '../export/snapshot.ts';
import { cleanJsonStrings } from '../text.ts';
import type { Point } from './canvas-layout.ts';
import { bandOf } from './ratings.ts';
import { indexRoom, splitFirstLine, type RoomIndex } from './room-index.ts';
import { stableUuid } from './stable-id.ts';
import { TD_ELEMENT_SHAPES, TD_PROPERTY_FIELDS, TD_PROPERTY_LABELS, TD_SCALE, TD_STATUS_EXPORT, TD_VERSION, TD_YES } from './threat-dragon-format.ts';
import { importedBy } from './import-authors.ts';
import { TD_AUTHOR, TD_SCOPE_LABELS } from './threat-dragon-import.ts';
import { splitTrailer } from './trailer.ts';

type Json = Record<string, unknown>;
const HOLDER_NAME = 'Threats not attached to an element';
const THUMBNAIL = './public/content/images/thumbnail.stride.jpg';
/** Space kept between a diagram's shapes and Threat Dragon's page edge, in Threat Dragon units. */
const MARGIN = 40;
/** Threat Dragon's own strokes: red for an element with open threats, grey otherwise. */
const STROKE_OPEN = { stroke: 'red', strokeWidth: 2.5, strokeDasharray: null };
const STROKE_PLAIN = { stroke: '#333333', strokeWidth: 1.5, strokeDasharray: null };

export function toThreatDragon(snapshot: RoomSnapshot): string {
	return `${JSON.stringify(buildThreatDragonModel(snapshot), cleanJsonStrings, 2)}\n`;
}

interface Group {
	key: string;
	title: string;
	origin: Point;
	cells: Json[];
	/** Cells that can hold threats, by canvas element id. */
	holders: Map<string, Json>;
}

/** What the cell writers read: the room, its canvas, and the cell id given to each shape. */
interface Canvas {
	index: RoomIndex;
	records: Map<string, Json>;
	placed: Map<string, PlacedShape>;
	diagram: ReturnType<typeof readDiagram>;
	groups: Map<string, Group>;
	cellIds: Map<string, string>;
}

const uuid = (id: string) => stableUuid(`td:${id}`);

/** A canvas point in a diagram's Threat Dragon coordinates. */
function tdPointIn(group: Group): (point: Point) => Point {
	return (point) => ({ x: Math.round((point.x - group.origin.x) / TD_SCALE), y: Math.round((point.y - group.origin.y) / TD_SCALE) });
}

export function buildThreatDragonModel(snapshot: RoomSnapshot): Json {
	const placed = readPlacedShapes(snapshot.canvas.records);
	const diagram = readDiagram(snapshot.canvas.records);
	const canvas: Canvas = {
		index: indexRoom(snapshot),
		records: new Map(snapshot.canvas.records.map((record) => [record.id, record as Json])),
		placed,
		diagram,
		groups: groupShapes(snapshot, placed, diagram),
		cellIds: new Map()
	};
	const { index, groups } = canvas;
	// Cells, diagram by diagram: boundaries behind, then elements and text; flows last (they need their ends).
	for (const group of groups.values()) writeNodeCells(canvas, group);
	writeFlowCells(canvas);

	const threatTop = placeThreats(index, groups);
	// An import writes the model's owner and reviewer as labelled lines of the scope, which is
	// everyone's to edit: they are read back whoever typed them (docs/ARCHITECTURE.md, imports).
	const { body, fields } = splitTrailer(index.scope.text, TD_SCOPE_LABELS);
	const authors = [...new Set(snapshot.notes.map((note) => note.author))].filter((name) => name !== TD_AUTHOR).sort();
	const contributors = fields.Contributors ? fields.Contributors.split(', ') : authors;
	return {
		version: TD_VERSION,
		summary: { title: snapshot.room.title, owner: fields.Owner ?? snapshot.control?.facilitator ?? '', description: body, id: 0 },
		detail: {
			contributors: contributors.map((name) => ({ name })),
			diagrams: [...groups.values()].map((group, i) => ({
				id: i,
				title: group.title,
				diagramType: 'STRIDE',
				placeholder: 'New STRIDE diagram description',
				thumbnail: THUMBNAIL,
				version: TD_VERSION,
				description: diagramDescription(index, group.title),
				cells: group.cells
			})),
			diagramTop: groups.size,
			reviewer: fields.Reviewer ?? '',
			threatTop
		}
	};
}

function writeNodeCells({ index, records, placed, diagram, groups, cellIds }: Canvas, group: Group): void {
	const inGroup = (id: string) => groupOf(id, placed, groups) === group;
	const tdPoint = tdPointIn(group);
	const tdBox = (shape: PlacedShape) => ({
		position: tdPoint({ x: shape.minX, y: shape.minY }),
		size: { width: Math.max(10, Math.round((shape.maxX - shape.minX) / TD_SCALE)), height: Math.max(10, Math.round((shape.maxY - shape.minY) / TD_SCALE)) }
	});
	for (const boundary of diagram.boundaries.filter((b) => inGroup(b.id))) {
		const shape = placed.get(boundary.id)!;
		const description = describe(index, boundary.id, boundary.label).description;
		const data = { type: 'tm.BoundaryBox', name: boundary.label, description, isTrustBoundary: true, hasOpenThreats: false };
		if (shape.type === 'line') {
			const points = linePoints(records.get(boundary.id), shape).map(tdPoint);
			if (points.length < 2) continue;
			group.cells.push(curveCell(uuid(boundary.id), points, { ...data, type: 'tm.Boundary' }));
		} else {
			group.cells.push({ ...tdBox(shape), attrs: { label: { text: boundary.label } }, visible: true, shape: 'trust-boundary-box', zIndex: -1, id: uuid(boundary.id), data });
		}
		cellIds.set(boundary.id, uuid(boundary.id));
	}
	for (const element of diagram.elements.filter((e) => inGroup(e.id))) {
		// Threat Dragon has no dependency element: another model is outside this one, an actor.
		const kind = element.kind === 'other' ? 'process' : element.kind === 'model-dependency' ? 'external-entity' : element.kind;
		const cell = nodeCell(uuid(element.id), kind, element.label, tdBox(placed.get(element.id)!), describe(index, element.id, element.label), group.cells.length + 1);
		group.cells.push(cell);
		group.holders.set(element.id, cell);
		cellIds.set(element.id, uuid(element.id));
	}
	for (const shape of textShapes(placed, diagram).filter((s) => inGroup(s.id))) {
		group.cells.push({ ...tdBox(shape), attrs: { text: { text: shape.label } }, visible: true, shape: 'td-text-block', zIndex: group.cells.length + 1, id: uuid(shape.id), data: { type: 'tm.Text', name: shape.label, hasOpenThreats: false } });
	}
}

/** Flows: an end bound to a cell of the same diagram names it; any other end is a point. */
function writeFlowCells({ index, records, placed, diagram, groups, cellIds }: Canvas): void {
	for (const flow of diagram.flows) {
		const group = groupOf(flow.id, placed, groups);
		if (!group) continue;
		const ends = arrowEnds(records.get(flow.id), placed.get(flow.id)!);
		const tdPoint = tdPointIn(group);
		const terminal = (id: string | null, at: Point) => (id && cellIds.has(id) && groupOf(id, placed, groups) === group ? { cell: cellIds.get(id)! } : tdPoint(at));
		const cell = flowCell(uuid(flow.id), flow.label, terminal(flow.from, ends.start), terminal(flow.to, ends.end), ends.middle ? [tdPoint(ends.middle)] : [], ends.bidirectional, describe(index, flow.id, flow.label));
		group.cells.push(cell);
		group.holders.set(flow.id, cell);
	}
}

// ---- Grouping shapes into diagrams -------------------------------------------------------------

/**
 * A diagram per top-level frame that holds DFD elements or flows (as imports of several diagrams
 * make them), and one per page for everything else; always at least one.
 */
function groupShapes(snapshot: RoomSnapshot, placed: Map<string, PlacedShape>, diagram: ReturnType<typeof readDiagram>): Map<string, Group> {
	const groups = new Map<string, Group>();
	const dfdIds = [...diagram.elements.map((e) => e.id), ...diagram.flows.map((f) => f.id), ...diagram.boundaries.map((b) => b.id)];
	const frames = new Set(
		dfdIds.map((id) => topOf(id, placed)).filter((top): top is PlacedShape => top?.type === 'frame' && !top.dfd).map((top) => top.id)
	);
	const pages = new Set([...placed.values()].map((shape) => shape.pageId));
	for (const page of [...pages].sort()) {
		const loose = [...placed.values()].filter((shape) => shape.pageId === page && !frames.has(topOf(shape.id, placed)!.id));
		if (loose.length === 0 && frames.size > 0) continue;
		const pageName = snapshot.canvas.records.find((record) => record.id === page)?.name;
		const minX = Math.min(0, ...loose.map((s) => s.minX - MARGIN * TD_SCALE));
		const minY = Math.min(0, ...loose.map((s) => s.minY - MARGIN * TD_SCALE));
		groups.set(page, { key: page, title: pages.size > 1 && typeof pageName === 'string' ? pageName : snapshot.room.title, origin: { x: minX, y: minY }, cells: [], holders: new Map() });
	}
	const framed = [...frames].map((id) => placed.get(id)!).sort((a, b) => a.minX - b.minX || a.minY - b.minY || (a.id < b.id ? -1 : 1));
	for (const frame of framed) groups.set(frame.id, { key: frame.id, title: frame.label, origin: { x: frame.minX, y: frame.minY }, cells: [], holders: new Map() });
	if (groups.size === 0) groups.set('page:page', { key: 'page:page', title: snapshot.room.title, origin: { x: 0, y: 0 }, cells: [], holders: new Map() });
	return groups;
}

function topOf(id: string, placed: Map<string, PlacedShape>): PlacedShape | undefined {
	let shape = placed.get(id);
	for (let depth = 0; shape && !shape.parentId.startsWith('page:') && depth < 64; depth++) shape = placed.get(shape.parentId);
	return shape;
}

function groupOf(id: string, placed: Map<string, PlacedShape>, groups: Map<string, Group>): Group | undefined {
	const top = topOf(id, placed);
	if (!top) return undefined;
	// An arrow between two diagrams' frames sits on the page: it goes with the first diagram.
	return groups.get(top.id) ?? groups.get(top.pageId) ?? groups.values().next().value;
}

/** Text shapes, sticky notes and untagged shapes with a label that no flow touches. */
function textShapes(placed: Map<string, PlacedShape>, diagram: ReturnType<typeof readDiagram>): PlacedShape[] {
	const used = new Set([...diagram.elements.map((e) => e.id), ...diagram.boundaries.map((b) => b.id)]);
	return [...placed.values()]
		.filter((shape) => !used.has(shape.id) && !shape.dfd && shape.label && ['text', 'note', 'geo'].includes(shape.type))
		.sort((a, b) => (a.id < b.id ? -1 : 1));
}

// ---- Geometry ----------------------------------------------------------------------------------

function point(value: unknown): Point | undefined {
	return isObject(value) && typeof value.x === 'number' && typeof value.y === 'number' ? { x: value.x, y: value.y } : undefined;
}

/** A line's points in page space, in their index order. */
function linePoints(record: Json | undefined, shape: PlacedShape): Point[] {
	const props = isObject(record?.props) ? record.props : {};
	const points = isObject(props.points) ? Object.values(props.points) : [];
	return points
		.filter((p): p is Json => isObject(p) && point(p) !== undefined && typeof p.index === 'string')
		.sort((a, b) => ((a.index as string) < (b.index as string) ? -1 : 1))
		.map((p) => ({ x: shape.pageX + (p.x as number), y: shape.pageY + (p.y as number) }));
}

/** An arrow's ends in page space, the point its bend passes through, and whether it points both ways. */
function arrowEnds(record: Json | undefined, shape: PlacedShape): { start: Point; end: Point; middle?: Point; bidirectional: boolean } {
	const props = isObject(record?.props) ? record.props : {};
	const local = (value: unknown) => point(value) ?? { x: 0, y: 0 };
	const start = { x: shape.pageX + local(props.start).x, y: shape.pageY + local(props.start).y };
	const end = { x: shape.pageX + local(props.end).x, y: shape.pageY + local(props.end).y };
	const bend = typeof props.bend === 'number' && Number.isFinite(props.bend) ? props.bend : 0;
	const length = Math.hypot(end.x - start.x, end.y - start.y);
	const bidirectional = typeof props.arrowheadStart === 'string' && props.arrowheadStart !== 'none';
	if (Math.abs(bend) < 1 || length < 1) return { start, end, bidirectional };
	// The inverse of canvas-layout.ts's bendThrough: the arc's middle, `bend` to the left of travel.
	const [ux, uy] = [(end.x - start.x) / length, (end.y - start.y) / length];
	return { start, end, middle: { x: (start.x + end.x) / 2 - uy * bend, y: (start.y + end.y) / 2 + ux * bend }, bidirectional };
}

// ---- Cells -------------------------------------------------------------------------------------

const DATA_DEFAULTS: Record<Exclude<DfdPaletteKind, 'trust-boundary'>, Json> = {
	'external-entity': { outOfScope: false, reasonOutOfScope: '', providesAuthentication: false },
	process: { outOfScope: false, reasonOutOfScope: '', handlesCardPayment: false, handlesGoodsOrServices: false, isWebApplication: false, privilegeLevel: '' },
	'data-store': { outOfScope: false, reasonOutOfScope: '', isALog: false, isEncrypted: false, isSigned: false, storesCredentials: false, storesInventory: false }
};
const FLOW_DEFAULTS: Json = { outOfScope: false, reasonOutOfScope: '', isBidirectional: false, isEncrypted: false, isPublicNetwork: false, protocol: '' };

function ports(cellId: string): Json {
	const circle = { r: 4, magnet: true, stroke: '#5F95FF', strokeWidth: 1, fill: '#fff', style: { visibility: 'hidden' } };
	const sides = ['top', 'right', 'bottom', 'left'];
	return {
		groups: Object.fromEntries(sides.map((side) => [side, { position: side, attrs: { circle } }])),
		items: sides.map((side) => ({ group: side, id: stableUuid(`${cellId}:${side}`) }))
	};
}

function nodeCell(id: string, kind: Exclude<DfdPaletteKind, 'trust-boundary'>, label: string, box: Json, described: Described, zIndex: number): Json {
	const { shape, type } = TD_ELEMENT_SHAPES[kind];
	const attrs = kind === 'data-store' ? { text: { text: label }, topLine: STROKE_PLAIN, bottomLine: STROKE_PLAIN } : { text: { text: label }, body: STROKE_PLAIN };
	return {
		...box,
		attrs,
		visible: true,
		shape,
		zIndex,
		ports: ports(id),
		id,
		data: { name: label, description: described.description, type, ...DATA_DEFAULTS[kind], ...described.properties, threats: [], hasOpenThreats: false }
	};
}

function labelsFor(text: string): Json[] {
	return [
		{
			markup: [{ tagName: 'ellipse', selector: 'labelBody' }, { tagName: 'text', selector: 'labelText' }],
			attrs: {
				labelText: { text, textAnchor: 'middle', textVerticalAnchor: 'middle' },
				labelBody: { ref: 'labelText', refRx: '50%', refRy: '60%', fill: '#fff', strokeWidth: 0 }
			},
			position: 0.5
		}
	];
}

function flowCell(id: string, label: string, source: Point | { cell: string }, target: Point | { cell: string }, vertices: Point[], bidirectional: boolean, described: Described): Json {
	return {
		shape: 'flow',
		attrs: { line: { stroke: STROKE_PLAIN.stroke, targetMarker: { name: 'block' }, sourceMarker: { name: bidirectional ? 'block' : '' }, strokeDasharray: null } },
		width: 200,
		height: 100,
		zIndex: 10,
		labels: labelsFor(label),
		connector: 'smooth',
		data: { type: 'tm.Flow', name: label, description: described.description, ...FLOW_DEFAULTS, ...described.properties, isBidirectional: bidirectional, threats: [], hasOpenThreats: false },
		id,
		source,
		target,
		vertices
	};
}

function curveCell(id: string, points: Point[], data: Json): Json {
	return {
		shape: 'trust-boundary-curve',
		attrs: { line: { targetMarker: '', sourceMarker: '' } },
		width: 200,
		height: 100,
		zIndex: 10,
		labels: labelsFor(String(data.name ?? '')),
		connector: 'smooth',
		data,
		id,
		source: points[0],
		target: points.at(-1),
		vertices: points.slice(1, -1)
	};
}

// ---- Notes on cells ----------------------------------------------------------------------------

interface Described {
	description: string;
	properties: Json;
}

/**
 * The description of an element: the text of the component notes linked to it (without the first
 * line when it repeats the element's name, as imports write it), with the Threat Dragon
 * properties an import kept as labelled lines given back as properties. Only the import's own
 * notes are read for those lines: typed into a participant's note, "Out of scope: yes" made the
 * element out of scope in the exported model.
 */
function describe(index: RoomIndex, elementId: string, label: string): Described {
	const name = label.split('\n').join(' ');
	const notes = index.notesOn(elementId).filter((note) => note.kind === 'component');
	const text = (note: Note) => (name && note.text.startsWith(`${name}\n\n`) ? note.text.slice(name.length + 2) : note.text);
	const imported = splitTrailer(notes.filter((note) => importedBy(note, TD_AUTHOR)).map(text).join('\n\n'), TD_PROPERTY_LABELS);
	const others = notes.filter((note) => !importedBy(note, TD_AUTHOR)).map(text);
	const body = [imported.body, ...others].filter((part) => part !== '').join('\n\n');
	const { fields } = imported;
	const properties: Json = {};
	for (const [key, fieldLabel] of TD_PROPERTY_FIELDS) {
		const value = fields[fieldLabel];
		if (value === undefined) continue;
		if (key === 'protocol' || key === 'privilegeLevel') properties[key] = value;
		else if (key === 'outOfScope') Object.assign(properties, { outOfScope: true, reasonOutOfScope: value === TD_YES ? '' : value });
		else properties[key] = value !== 'no';
	}
	return { description: body, properties };
}

/** A diagram's description: the component note an import wrote for it ("Title" then the text). */
function diagramDescription(index: RoomIndex, title: string): string {
	if (!title) return '';
	const note = index.plain('component').find((n) => importedBy(n, TD_AUTHOR) && n.text.startsWith(`${title}\n\n`) && index.elementsOf(n.id).length === 0);
	return note ? note.text.slice(title.length + 2) : '';
}

/** Puts every threat on its elements' cells (or on the holder); returns how many threats were written. */
function placeThreats(index: RoomIndex, groups: Map<string, Group>): number {
	const holders = new Map([...groups.values()].flatMap((group) => [...group.holders]));
	let number = 0;
	let orphanHolder: Json | undefined;
	const add = (cell: Json, threat: ThreatNote, elementId: string) => {
		const data = cell.data as { threats: Json[]; hasOpenThreats: boolean };
		data.threats.push(threatFor(index, threat, elementId, ++number));
		if (threat.status === 'open') {
			data.hasOpenThreats = true;
			const attrs = cell.attrs as Json;
			for (const key of ['body', 'topLine', 'bottomLine', 'line']) if (isObject(attrs[key])) attrs[key] = { ...(attrs[key] as Json), ...STROKE_OPEN };
		}
	};
	for (const threat of index.threats) {
		const elements = index.elementsOf(threat.id).filter((id) => holders.has(id));
		for (const id of elements) add(holders.get(id)!, threat, id);
		if (elements.length > 0) continue;
		orphanHolder ??= makeOrphanHolder([...groups.values()][0]);
		add(orphanHolder, threat, 'unattached');
	}
	return number;
}

function makeOrphanHolder(group: Group): Json {
	const right = Math.max(MARGIN, ...group.cells.map((cell) => {
		const position = point(cell.position);
		const size = isObject(cell.size) ? (cell.size.width as number) : 0;
		return position ? position.x + size : 0;
	}));
	const id = stableUuid(`td:holder:${group.key}`);
	const cell = nodeCell(id, 'process', HOLDER_NAME, { position: { x: right + 80, y: MARGIN }, size: { width: 140, height: 140 } }, { description: 'Made by the Threatboard export: these threats are not attached to a diagram element in the workshop.', properties: { outOfScope: true, reasonOutOfScope: 'Not part of the system: holds the workshop threats that are not attached to an element.' } }, group.cells.length + 1);
	group.cells.push(cell);
	return cell;
}

function threatFor(index: RoomIndex, threat: ThreatNote, elementId: string, number: number): Json {
	const { first, rest } = splitFirstLine(threat.text);
	const band = bandOf(threat);
	return {
		id: stableUuid(`td:threat:${threat.id}:${elementId}`),
		title: first,
		status: TD_STATUS_EXPORT[threat.status],
		severity: band ? RISK_BAND_LABELS[band] : 'TBD',
		// Threat Dragon names the STRIDE types as the board does.
		type: threat.stride.length ? STRIDE[threat.stride[0]] : '',
		description: rest,
		mitigation: index.mitigationsOf(threat.id).map((m) => m.text).join('\n\n'),
		modelType: 'STRIDE',
		number,
		score: ''
	};
}
