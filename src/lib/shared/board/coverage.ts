/**
 * Coverage: how much of the diagram the threats consider ("Did we do a good job?"). ONE function
 * for the live coverage map, the fourth lane's figures and every export, so a number on screen
 * and the same number in the report can never disagree.
 *
 * STRIDE per element: one row per diagram element and data flow (E1 …, then F1 …, as refs.ts
 * numbers them), a column per STRIDE letter, open only where the letter applies to the row's kind
 * (APPLICABLE_STRIDE). A cell holds the threats linked to that row (canvas links) that carry the
 * letter, in reference order (T1, T2 …); an applicable cell with none is a gap.
 *
 * Readers of a shared document: a link whose note is missing or is not a threat (or a mitigation,
 * for `mitigates`), or whose element is not in the diagram, is ignored; so is a duplicate.
 *
 * Cost: one pass over notes and links plus one over rows (a 300-element, 1,000-threat board
 * takes about a millisecond; bench: `npm run bench -- --only=coverage`). Pass the previous result
 * to keep the identity of every row that did not change, so a keyed view re-renders only those.
 */
import { computeCrossings, isCrossing, type Crossings, type FlowCrossing } from '../canvas/crossings.ts';
import { APPLICABLE_STRIDE, type Diagram } from '../canvas/diagram.ts';
import { diagramRefs, type DiagramRef, type DiagramRefs } from '../canvas/refs.ts';
import { compareOrderKeys } from './ordering.ts';
import { riskBand, riskScore } from './risk.ts';
import { STRIDE_LETTERS, type LinkRecord, type Note, type StrideLetter } from './schema.ts';

/** Likelihood x impact at or above this is high risk: the lowest score of the board's High band. */
export const HIGH_RISK_MIN_SCORE = Array.from({ length: 25 }, (_, i) => i + 1).find((score) => riskBand(score) === 'high')!;

export interface CoverageInput {
	diagram: Diagram;
	/** computeCrossings(diagram), when the caller already has it. */
	crossings?: Crossings;
	/** The board's valid notes, any kinds (threats and mitigations are read). */
	notes: readonly Note[];
	/** The board's valid links, any kinds (canvas and mitigates are read). */
	links: readonly LinkRecord[];
}

export interface CoverageRow extends DiagramRef {
	/** Threats linked to this element, in reference order. */
	threatIds: string[];
	/** The letters that apply to the row's kind, in STRIDE order. */
	applicable: readonly StrideLetter[];
	/** Per applicable letter, the linked threats carrying it (reference order); absent = does not apply. */
	cells: Partial<Record<StrideLetter, string[]>>;
	/** Applicable letters no linked threat carries. */
	gaps: StrideLetter[];
	/** A data flow's trust-boundary crossings; null for elements. */
	crossing: FlowCrossing | null;
}

export interface CoverageFigures {
	threatCount: number;
	/** Element rows (not flows) with no threat. */
	elementsWithoutThreat: string[];
	/** Elements and flows with no threat (row order). */
	untouched: string[];
	/** Flows crossing at least one trust boundary. */
	crossingFlows: string[];
	crossingFlowsWithoutThreat: string[];
	/** Flows with a loose end. */
	incompleteFlows: string[];
	/** Rows with at least one gap, and the gaps in all. */
	rowsWithGaps: string[];
	gapCount: number;
	/** Threat ids in reference order. */
	unmitigated: string[];
	/** Open threats at HIGH_RISK_MIN_SCORE or more: by risk (highest first), then reference. */
	openHighRisk: string[];
	/** Threats missing likelihood or impact. */
	unrated: string[];
}

export interface Coverage {
	/** Elements (E1 …) then flows (F1 …). */
	rows: CoverageRow[];
	rowById: ReadonlyMap<string, CoverageRow>;
	refs: DiagramRefs;
	crossings: Crossings;
	/** Threat id -> T1 …, numbered by creation time (numberNotes). */
	threatRefs: ReadonlyMap<string, string>;
	figures: CoverageFigures;
}

export function computeCoverage(input: CoverageInput, previous?: Coverage): Coverage {
	const { diagram } = input;
	const crossings = input.crossings ?? computeCrossings(diagram);
	const refs = diagramRefs(diagram);

	// Plain loops over facts read once per note and link object (see factsOf): this runs on every
	// edit of a large board.
	const threatFacts: ThreatFacts[] = [];
	const mitigationIds = new Set<string>();
	for (const note of input.notes) {
		const facts = factsOf(note);
		if (facts === MITIGATION) mitigationIds.add(note.id);
		else if (facts !== OTHER) threatFacts.push(facts);
	}
	threatFacts.sort(compareThreatFacts);
	const threatRefs = new Map<string, string>();
	const threatById = new Map<string, ThreatFacts>();
	const rank = new Map<string, number>();
	for (let i = 0; i < threatFacts.length; i++) {
		const facts = threatFacts[i];
		threatRefs.set(facts.id, `T${i + 1}`);
		threatById.set(facts.id, facts);
		rank.set(facts.id, i);
	}

	const linked = new Map<string, Set<string>>();
	const mitigated = new Set<string>();
	for (const record of input.links) {
		const link = linkFactsOf(record);
		if (link.kind === 'canvas') {
			if (!threatById.has(link.from) || !refs.byId.has(link.to)) continue;
			let set = linked.get(link.to);
			if (!set) linked.set(link.to, (set = new Set()));
			set.add(link.from);
		} else if (link.kind === 'mitigates' && threatById.has(link.from) && mitigationIds.has(link.to)) {
			mitigated.add(link.from);
		}
	}

	const byRank = (a: string, b: string) => rank.get(a)! - rank.get(b)!;
	const rows: CoverageRow[] = [];
	const previousFacts = previous && factsUsed.get(previous);
	const addRow = (ref: DiagramRef, crossing: FlowCrossing | null) => {
		const set = linked.get(ref.id);
		const before = previous?.rowById.get(ref.id);
		// The same threats, each with the same facts and number, and the same item: the row is as
		// it was, without building it again (most rows after an edit; fewer allocations, less GC).
		if (before && previousFacts && sameItem(before, ref, crossing) && sameThreats(before.threatIds, set)) {
			rows.push(before);
			return;
		}
		const threatIds = set ? [...set].sort(byRank) : [];
		const applicable = APPLICABLE_STRIDE[ref.kind as keyof typeof APPLICABLE_STRIDE];
		const cells: Partial<Record<StrideLetter, string[]>> = {};
		for (const letter of applicable) cells[letter] = [];
		for (const id of threatIds) for (const letter of threatById.get(id)!.stride) cells[letter]?.push(id);
		const gaps: StrideLetter[] = [];
		for (const letter of applicable) if (cells[letter]!.length === 0) gaps.push(letter);
		// Fields written out: object spread is 100 times slower here (V8, measured on 600 rows).
		const row: CoverageRow = { ref: ref.ref, id: ref.id, kind: ref.kind, label: ref.label, name: ref.name, threatIds, applicable, cells, gaps, crossing };
		// A row shows its threats by number too: a renumbering (a threat deleted) is a change.
		const sameRefs = () => threatIds.every((id) => previous!.threatRefs.get(id) === threatRefs.get(id));
		rows.push(before && sameRow(before, row) && sameRefs() ? before : row);
	};
	const sameThreats = (ids: readonly string[], now: ReadonlySet<string> | undefined) => {
		if (ids.length !== (now?.size ?? 0)) return false;
		for (const id of ids) {
			if (!now!.has(id) || previousFacts!.get(id) !== threatById.get(id) || previous!.threatRefs.get(id) !== threatRefs.get(id)) return false;
		}
		return true;
	};
	for (const ref of refs.elements) addRow(ref, null);
	for (const ref of refs.flows) addRow(ref, crossings.byFlow.get(ref.id) ?? null);

	const figures: CoverageFigures = {
		threatCount: threatFacts.length,
		elementsWithoutThreat: [],
		untouched: [],
		crossingFlows: [],
		crossingFlowsWithoutThreat: [],
		incompleteFlows: [],
		rowsWithGaps: [],
		gapCount: 0,
		unmitigated: [],
		openHighRisk: [],
		unrated: []
	};
	for (const row of rows) {
		const untouched = row.threatIds.length === 0;
		if (untouched) figures.untouched.push(row.id);
		if (row.gaps.length > 0) {
			figures.rowsWithGaps.push(row.id);
			figures.gapCount += row.gaps.length;
		}
		if (row.crossing === null) {
			if (untouched) figures.elementsWithoutThreat.push(row.id);
			continue;
		}
		if (row.crossing.incomplete) figures.incompleteFlows.push(row.id);
		if (isCrossing(row.crossing)) {
			figures.crossingFlows.push(row.id);
			if (untouched) figures.crossingFlowsWithoutThreat.push(row.id);
		}
	}
	const highRisk: Array<[number, string]> = [];
	for (const { id, risk, open } of threatFacts) {
		if (!mitigated.has(id)) figures.unmitigated.push(id);
		if (risk === null) figures.unrated.push(id);
		else if (open && risk >= HIGH_RISK_MIN_SCORE) highRisk.push([risk, id]);
	}
	// Already in reference order, and sort is stable: by risk, then reference.
	figures.openHighRisk = highRisk.sort((a, b) => b[0] - a[0]).map(([, id]) => id);

	const coverage: Coverage = { rows, rowById: new Map(rows.map((r) => [r.id, r])), refs, crossings, threatRefs, figures };
	factsUsed.set(coverage, threatById);
	return coverage;
}

/**
 * Pairs each note with a reference (prefix + 1-based number) in creation order (then board
 * order, then id), so adding a note does not renumber the others: T1 … for threats, M1 … for
 * mitigations, as the reports print them.
 */
export function numberNotes<T extends Note>(notes: readonly T[], prefix: string): Array<[string, T]> {
	const ordered = [...notes].sort(compareCreation);
	return ordered.map((note, i) => [`${prefix}${i + 1}`, note]);
}

function compareCreation(a: Pick<Note, 'createdAt' | 'order' | 'id'>, b: Pick<Note, 'createdAt' | 'order' | 'id'>): number {
	return a.createdAt - b.createdAt || compareOrderKeys(a.order, b.order) || compareOrderKeys(a.id, b.id);
}

// ---- Facts read once per object -----------------------------------------------------------------

/**
 * What coverage reads of a threat, in an object of one fixed shape. Notes and links come from zod
 * parses whose objects V8 reads slowly in a hot loop (megamorphic: 50-100 ns a field, measured);
 * these are read once per object and cached by identity, which the live tracker keeps for
 * every note and link an edit did not touch.
 */
interface ThreatFacts {
	id: string;
	createdAt: number;
	order: string;
	stride: readonly StrideLetter[];
	risk: number | null;
	open: boolean;
}
interface LinkFacts {
	kind: 'canvas' | 'mitigates' | 'other';
	/** canvas: the note; mitigates: the threat. */
	from: string;
	/** canvas: the element; mitigates: the mitigation. */
	to: string;
}
const MITIGATION = Object.freeze({ id: '', createdAt: 0, order: '', stride: [], risk: null, open: false }) as ThreatFacts;
const OTHER = Object.freeze({ ...MITIGATION }) as ThreatFacts;
const noteFacts = new WeakMap<Note, ThreatFacts>();
const linkFacts = new WeakMap<LinkRecord, LinkFacts>();

function factsOf(note: Note): ThreatFacts {
	let facts = noteFacts.get(note);
	if (facts) return facts;
	if (note.kind === 'threat') {
		facts = {
			id: note.id,
			createdAt: note.createdAt,
			order: note.order,
			stride: note.stride,
			risk: riskScore(note.likelihood, note.impact),
			open: note.status === 'open'
		};
	} else facts = note.kind === 'mitigation' ? MITIGATION : OTHER;
	noteFacts.set(note, facts);
	return facts;
}

function linkFactsOf(link: LinkRecord): LinkFacts {
	let facts = linkFacts.get(link);
	if (facts) return facts;
	if (link.kind === 'canvas') facts = { kind: 'canvas', from: link.noteId, to: link.elementId };
	else if (link.kind === 'mitigates') facts = { kind: 'mitigates', from: link.threatId, to: link.mitigationId };
	else facts = { kind: 'other', from: '', to: '' };
	linkFacts.set(link, facts);
	return facts;
}

const compareThreatFacts: (a: ThreatFacts, b: ThreatFacts) => number = compareCreation;

/** The threat facts each result was computed from, for the next call's `previous` check. */
const factsUsed = new WeakMap<Coverage, ReadonlyMap<string, ThreatFacts>>();

function sameItem(row: CoverageRow, ref: DiagramRef, crossing: FlowCrossing | null): boolean {
	return row.ref === ref.ref && row.kind === ref.kind && row.label === ref.label && sameCrossing(row.crossing, crossing);
}

function sameRow(a: CoverageRow, b: CoverageRow): boolean {
	return (
		sameItem(a, b, b.crossing) &&
		sameList(a.threatIds, b.threatIds) &&
		STRIDE_LETTERS.every((l) => (a.cells[l] === undefined ? b.cells[l] === undefined : b.cells[l] !== undefined && sameList(a.cells[l], b.cells[l])))
	);
}

function sameCrossing(a: FlowCrossing | null, b: FlowCrossing | null): boolean {
	if (a === null || b === null) return a === b;
	return a.fromId === b.fromId && a.toId === b.toId && a.incomplete === b.incomplete && sameList(a.boundaryIds, b.boundaryIds);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}
