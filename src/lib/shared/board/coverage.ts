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
import { STRIDE_LETTERS, type LinkRecord, type Note, type StrideLetter, type ThreatNote } from './schema.ts';

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

	const threats = numberNotes(
		input.notes.filter((n): n is ThreatNote => n.kind === 'threat'),
		'T'
	);
	const threatRefs = new Map(threats.map(([ref, note]) => [note.id, ref]));
	const threatById = new Map(threats.map(([, note]) => [note.id, note]));
	const rank = new Map(threats.map(([, note], i) => [note.id, i]));
	const mitigationIds = new Set(input.notes.filter((n) => n.kind === 'mitigation').map((n) => n.id));

	const linked = new Map<string, Set<string>>();
	const mitigated = new Set<string>();
	for (const link of input.links) {
		if (link.kind === 'canvas') {
			if (!threatById.has(link.noteId) || !refs.byId.has(link.elementId)) continue;
			let set = linked.get(link.elementId);
			if (!set) linked.set(link.elementId, (set = new Set()));
			set.add(link.noteId);
		} else if (link.kind === 'mitigates' && threatById.has(link.threatId) && mitigationIds.has(link.mitigationId)) {
			mitigated.add(link.threatId);
		}
	}

	const byRank = (a: string, b: string) => rank.get(a)! - rank.get(b)!;
	const makeRow = (ref: DiagramRef, crossing: FlowCrossing | null): CoverageRow => {
		const threatIds = [...(linked.get(ref.id) ?? [])].sort(byRank);
		const applicable = APPLICABLE_STRIDE[ref.kind as keyof typeof APPLICABLE_STRIDE];
		const cells: Partial<Record<StrideLetter, string[]>> = {};
		for (const letter of applicable) cells[letter] = threatIds.filter((id) => threatById.get(id)!.stride.includes(letter));
		const row: CoverageRow = { ...ref, threatIds, applicable, cells, gaps: applicable.filter((l) => cells[l]!.length === 0), crossing };
		const before = previous?.rowById.get(ref.id);
		return before && sameRow(before, row) ? before : row;
	};
	const rows = [
		...refs.elements.map((ref) => makeRow(ref, null)),
		...refs.flows.map((ref) => makeRow(ref, crossings.byFlow.get(ref.id) ?? null))
	];

	const ids = (list: readonly { id: string }[]) => list.map((r) => r.id);
	const flowRows = rows.filter((r) => r.crossing !== null);
	const crossingRows = flowRows.filter((r) => isCrossing(r.crossing!));
	const threatNotes = threats.map(([, note]) => note);
	const risk = (note: ThreatNote) => riskScore(note.likelihood, note.impact);
	const withGaps = rows.filter((r) => r.gaps.length > 0);
	return {
		rows,
		rowById: new Map(rows.map((r) => [r.id, r])),
		refs,
		crossings,
		threatRefs,
		figures: {
			threatCount: threatNotes.length,
			elementsWithoutThreat: ids(rows.filter((r) => r.crossing === null && r.threatIds.length === 0)),
			untouched: ids(rows.filter((r) => r.threatIds.length === 0)),
			crossingFlows: ids(crossingRows),
			crossingFlowsWithoutThreat: ids(crossingRows.filter((r) => r.threatIds.length === 0)),
			incompleteFlows: ids(flowRows.filter((r) => r.crossing!.incomplete)),
			rowsWithGaps: ids(withGaps),
			gapCount: withGaps.reduce((sum, r) => sum + r.gaps.length, 0),
			unmitigated: ids(threatNotes.filter((t) => !mitigated.has(t.id))),
			openHighRisk: ids(
				threatNotes
					.filter((t) => t.status === 'open' && (risk(t) ?? 0) >= HIGH_RISK_MIN_SCORE)
					.sort((a, b) => risk(b)! - risk(a)! || byRank(a.id, b.id))
			),
			unrated: ids(threatNotes.filter((t) => risk(t) === null))
		}
	};
}

/**
 * Pairs each note with a reference (prefix + 1-based number) in creation order (then board
 * order, then id), so adding a note does not renumber the others: T1 … for threats, M1 … for
 * mitigations, as the reports print them.
 */
export function numberNotes<T extends Note>(notes: readonly T[], prefix: string): Array<[string, T]> {
	const ordered = [...notes].sort((a, b) => a.createdAt - b.createdAt || compareOrderKeys(a.order, b.order) || compareOrderKeys(a.id, b.id));
	return ordered.map((note, i) => [`${prefix}${i + 1}`, note]);
}

function sameRow(a: CoverageRow, b: CoverageRow): boolean {
	return (
		a.ref === b.ref &&
		a.kind === b.kind &&
		a.label === b.label &&
		sameCrossing(a.crossing, b.crossing) &&
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
