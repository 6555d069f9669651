/**
 * What changed between two snapshots of one room (issue 15): a frozen iteration is a RoomSnapshot,
 * and so is the room now, so "changes since iteration N" is diffRooms(iteration N, now). Pure.
 *
 * Items are matched by their stable ids (note ids, canvas record ids, link keys), which an
 * iteration keeps: the room goes on with the same documents. Each entry names its item by the
 * reference the reports use (E1/F1/B1 for the diagram, T1/M1 for threats and mitigations), taken
 * from the later snapshot when the item is still there, so a diff and a fresh export agree.
 *
 * Left out on purpose: votes and positions (a shape moved a few pixels is not a change to the
 * model), authorship (pseudonyms are renumbered per export), and the workshop's timer and phases.
 */
import { readDiagram, type Diagram } from '../canvas/diagram.ts';
import { DFD_KIND_LABELS } from '../canvas/dfd.ts';
import { diagramRefs, type DiagramRef } from '../canvas/refs.ts';
import { numberNotes } from '../board/coverage.ts';
import { noteLinkOtherId } from '../board/doc.ts';
import {
	AGENT_CAPABILITY_LABELS,
	MITIGATION_STATUS_LABELS,
	NOTE_KIND_LABELS,
	THREAT_STATUS_LABELS,
	linkId,
	type LinkKind,
	type LinkRecord,
	type Note,
	type RiskDecision
} from '../board/schema.ts';
import { compareStrings, type RoomSnapshot } from '../export/snapshot.ts';

export const CHANGE_KINDS = ['added', 'changed', 'removed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What a diff entry is about; `note` is any other note (component, asset, agent, question...). */
export const DIFF_ITEM_KINDS = ['element', 'flow', 'boundary', 'threat', 'mitigation', 'note', 'link'] as const;
export type DiffItemKind = (typeof DIFF_ITEM_KINDS)[number];

/** One field that changed, as text the UI and the report can show as they are. */
export interface FieldChange {
	field: DiffField;
	before: string;
	after: string;
}
export const DIFF_FIELDS = [
	'text',
	'label',
	'kind',
	'from',
	'to',
	'boundary',
	'stride',
	'status',
	'likelihood',
	'impact',
	'decision',
	'owner',
	'motivation',
	'capability'
] as const;
export type DiffField = (typeof DIFF_FIELDS)[number];

/** An item as a diff names it: enough to show it and to find it on the board or canvas. */
export interface DiffItem {
	/** Note id or canvas element id: the same id in both snapshots. */
	id: string;
	/** T3, M1, E2, F1, B1; null for notes that have no reference (assets, agents, questions...). */
	ref: string | null;
	/** The note text or element label ('' for an unnamed element). */
	text: string;
	/** 'threat', 'process', 'data-flow', 'asset'...: what the UI labels it as. */
	kind: string;
}

export interface DiffEntry {
	change: ChangeKind;
	item: DiffItemKind;
	/** Stable key: the note or element id, or the link key (kind:from|to). */
	id: string;
	/** For elements and notes, the item; for a link, its first end (the threat or the note). */
	subject: DiffItem;
	/** A link's other end (the mitigation, asset, agent or canvas element); absent otherwise. */
	object?: DiffItem;
	/** A link's kind (mitigates, canvas, endangers, agent). */
	linkKind?: LinkKind;
	/** For `changed`, what changed; empty otherwise. */
	fields: FieldChange[];
}

export interface RoomDiff {
	/** exportedAt of the earlier and later snapshots. */
	from: number;
	to: number;
	/** Diagram, then threats, mitigations, other notes, then links; within each, by reference and id. */
	entries: DiffEntry[];
	counts: Record<ChangeKind, number>;
}

/** What one snapshot looks like to the diff: every item by id, named as the reports name it. */
interface Indexed {
	diagram: Diagram;
	refs: ReadonlyMap<string, DiagramRef>;
	notes: ReadonlyMap<string, Note>;
	noteRefs: ReadonlyMap<string, string>;
	links: ReadonlyMap<string, LinkRecord>;
}

function index(snapshot: RoomSnapshot): Indexed {
	const diagram = readDiagram(snapshot.canvas.records);
	const noteRefs = new Map<string, string>();
	for (const [kind, prefix] of [['threat', 'T'], ['mitigation', 'M']] as const) {
		for (const [ref, note] of numberNotes(snapshot.notes.filter((n) => n.kind === kind), prefix)) noteRefs.set(note.id, ref);
	}
	return {
		diagram,
		refs: diagramRefs(diagram).byId,
		notes: new Map(snapshot.notes.map((note) => [note.id, note])),
		noteRefs,
		links: new Map(snapshot.links.map((link) => [linkId(link), link]))
	};
}

export function diffRooms(before: RoomSnapshot, after: RoomSnapshot): RoomDiff {
	const a = index(before);
	const b = index(after);
	const entries = [...diagramEntries(a, b), ...noteEntries(a, b), ...linkEntries(a, b)];
	const counts = { added: 0, changed: 0, removed: 0 };
	for (const entry of entries) counts[entry.change]++;
	return { from: before.exportedAt, to: after.exportedAt, entries, counts };
}

// ---- The diagram -------------------------------------------------------------------------------

interface DiagramItem {
	id: string;
	item: 'element' | 'flow' | 'boundary';
	fields: Partial<Record<DiffField, string>>;
}

function diagramItems(side: Indexed): Map<string, DiagramItem> {
	const name = (id: string | null) => (id === null ? '' : (side.refs.get(id)?.ref ?? ''));
	const items = new Map<string, DiagramItem>();
	for (const e of side.diagram.elements) {
		items.set(e.id, { id: e.id, item: 'element', fields: { label: e.label, kind: DFD_KIND_LABELS[e.kind], boundary: name(e.boundaryId) } });
	}
	for (const f of side.diagram.flows) items.set(f.id, { id: f.id, item: 'flow', fields: { label: f.label, from: name(f.from), to: name(f.to) } });
	for (const t of side.diagram.boundaries) items.set(t.id, { id: t.id, item: 'boundary', fields: { label: t.label } });
	return items;
}

function diagramEntries(a: Indexed, b: Indexed): DiffEntry[] {
	const before = diagramItems(a);
	const after = diagramItems(b);
	const describe = (side: Indexed, item: DiagramItem): DiffItem => {
		const ref = side.refs.get(item.id);
		return { id: item.id, ref: ref?.ref ?? null, text: ref?.label ?? '', kind: ref?.kind ?? item.item };
	};
	return sortByRef(
		compareMaps(before, after, (then, now) => {
			const subject = now ? describe(b, now) : describe(a, then!);
			const item = (now ?? then)!.item;
			return { item, subject, fields: then && now ? changedFields(then.fields, now.fields) : [] };
		})
	);
}

// ---- Notes -------------------------------------------------------------------------------------

function noteFields(note: Note): Partial<Record<DiffField, string>> {
	switch (note.kind) {
		case 'threat':
			return {
				text: note.text,
				stride: note.stride.join(''),
				status: THREAT_STATUS_LABELS[note.status],
				likelihood: note.likelihood === null ? '' : String(note.likelihood),
				impact: note.impact === null ? '' : String(note.impact),
				decision: note.decision ? decisionText(note.decision) : ''
			};
		case 'mitigation':
			return { text: note.text, status: MITIGATION_STATUS_LABELS[note.status], owner: note.owner };
		case 'agent':
			return { text: note.text, motivation: note.motivation, capability: note.capability ? AGENT_CAPABILITY_LABELS[note.capability] : '' };
		default:
			return { text: note.text, kind: NOTE_KIND_LABELS[note.kind] };
	}
}

function decisionText(decision: RiskDecision): string {
	return `${THREAT_STATUS_LABELS[decision.status]} by ${decision.deciderName} until ${decision.reviewBy}: ${decision.rationale}`;
}

function describeNote(side: Indexed, note: Note): DiffItem {
	return { id: note.id, ref: side.noteRefs.get(note.id) ?? null, text: note.text, kind: note.kind };
}

function noteItemKind(note: Note): DiffItemKind {
	return note.kind === 'threat' || note.kind === 'mitigation' ? note.kind : 'note';
}

function noteEntries(a: Indexed, b: Indexed): DiffEntry[] {
	const entries = compareMaps(a.notes, b.notes, (then, now) => ({
		item: noteItemKind((now ?? then)!),
		subject: now ? describeNote(b, now) : describeNote(a, then!),
		fields: then && now ? changedFields(noteFields(then), noteFields(now)) : []
	}));
	const order: DiffItemKind[] = ['threat', 'mitigation', 'note'];
	return sortByRef(entries).sort((x, y) => order.indexOf(x.item) - order.indexOf(y.item));
}

// ---- Links -------------------------------------------------------------------------------------

function linkEnds(link: LinkRecord): [string, string] {
	return link.kind === 'canvas' ? [link.noteId, link.elementId] : [link.threatId, noteLinkOtherId(link)];
}

/** Names a link end from the side that still has it (the later one first), else by its id alone. */
function describeEnd(id: string, sides: readonly Indexed[]): DiffItem {
	for (const side of sides) {
		const note = side.notes.get(id);
		if (note) return describeNote(side, note);
		const ref = side.refs.get(id);
		if (ref) return { id, ref: ref.ref, text: ref.label, kind: ref.kind };
	}
	return { id, ref: null, text: '', kind: 'unknown' };
}

function linkEntries(a: Indexed, b: Indexed): DiffEntry[] {
	// A link is added or removed, never changed: its key is its two ends.
	const entries = compareMaps(a.links, b.links, (then, now) => {
		const link = (now ?? then)!;
		const [from, to] = linkEnds(link);
		const sides = now ? [b, a] : [a, b];
		return { item: 'link', subject: describeEnd(from, sides), object: describeEnd(to, sides), linkKind: link.kind, fields: [] };
	});
	return sortByRef(entries);
}

// ---- Helpers -----------------------------------------------------------------------------------

type EntryBody = Omit<DiffEntry, 'change' | 'id'>;

/** Added, removed and (where `build` reports fields) changed entries, by key. */
function compareMaps<T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>, build: (then: T | undefined, now: T | undefined) => EntryBody): DiffEntry[] {
	const entries: DiffEntry[] = [];
	for (const [id, now] of after) {
		const then = before.get(id);
		const body = build(then, now);
		if (then === undefined) entries.push({ change: 'added', id, ...body });
		else if (body.fields.length > 0) entries.push({ change: 'changed', id, ...body });
	}
	for (const [id, then] of before) {
		if (!after.has(id)) entries.push({ change: 'removed', id, ...build(then, undefined) });
	}
	return entries;
}

function changedFields(before: Partial<Record<DiffField, string>>, after: Partial<Record<DiffField, string>>): FieldChange[] {
	return DIFF_FIELDS.filter((field) => (before[field] ?? '') !== (after[field] ?? '')).map((field) => ({
		field,
		before: before[field] ?? '',
		after: after[field] ?? ''
	}));
}

/** By reference (T2 before T10, E before F), unreferenced items after, then by id. */
function sortByRef(entries: DiffEntry[]): DiffEntry[] {
	const refKey = (entry: DiffEntry) => entry.subject.ref ?? '';
	return entries.sort((x, y) => compareRefs(refKey(x), refKey(y)) || compareStrings(x.id, y.id));
}

function compareRefs(a: string, b: string): number {
	if (a === b) return 0;
	if (!a || !b) return a ? -1 : 1;
	const prefix = compareStrings(a[0], b[0]);
	return prefix || Number(a.slice(1)) - Number(b.slice(1));
}
