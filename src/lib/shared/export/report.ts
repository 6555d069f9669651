/**
 * What the Markdown and CSV exports show, derived from a RoomSnapshot once: short references
 * (T1 for threats, M1 for mitigations, E1/F1/B1 for diagram elements, flows and boundaries),
 * stable orderings, time per question and coverage figures. Pure: the same snapshot always gives
 * the same report.
 *
 * References are numbered by creation time (then board order), so adding a threat does not
 * renumber the others and re-exports diff cleanly; diagram references follow record ids.
 */
import { readDiagram, type Diagram } from '../canvas/diagram.ts';
import type { DiagramRef } from '../canvas/refs.ts';
import { QUESTION_NUMBERS } from '../control/doc.ts';
import { computeCoverage, HIGH_RISK_MIN_SCORE, numberNotes, type Coverage, type CoverageRow } from '../board/coverage.ts';
import {
	STRIDE_LETTERS,
	type AgentNote,
	type MitigationNote,
	type Note,
	type PlainNote,
	type PlainNoteKind,
	type QuestionNumber,
	type StrideLetter,
	type ThreatNote
} from '../board/schema.ts';
import { compareStrings, type RoomSnapshot } from './snapshot.ts';
import { nameKey, personLabels, shownName } from './people.ts';
import { decisionOf, estimateOf, type ReportDecision, type ReportEstimate } from './risk.ts';

export { HIGH_RISK_MIN_SCORE };
export type { DiagramRef };

export interface ReportElement extends DiagramRef {
	boundary: DiagramRef | undefined;
	threats: ReportThreat[];
	/** Applicable STRIDE categories that no linked threat considers. */
	missingStride: StrideLetter[];
	/** The element's row of the coverage map (cells per letter), as the live map shows it. */
	row: CoverageRow;
}

export interface ReportFlow extends ReportElement {
	from: DiagramRef | undefined;
	to: DiagramRef | undefined;
	/** The trust boundaries it crosses (crossings.ts), in boundary order. */
	crosses: DiagramRef[];
	/** An end is loose: the crossings are judged from where the arrow was left. */
	incomplete: boolean;
}

export interface ReportThreat {
	ref: string;
	note: ThreatNote;
	/** Likelihood x impact, or null until both are rated. */
	risk: number | null;
	votes: number;
	elements: DiagramRef[];
	mitigations: ReportMitigation[];
	/** Asset notes it endangers and the threat agents behind it, in board order. */
	assets: PlainNote[];
	agents: AgentNote[];
	/** The risk decision that holds, while the status is Accepted or Transferred. */
	decision: ReportDecision | null;
	/** The values agreed in an estimation round, with the picks behind them. */
	estimate: ReportEstimate | null;
}

export type DecidedThreat = ReportThreat & { decision: ReportDecision };
export type EstimatedThreat = ReportThreat & { estimate: ReportEstimate };

export interface ReportMitigation {
	ref: string;
	note: MitigationNote;
	votes: number;
	threats: ReportThreat[];
}

/** An asset note with the threats that endanger it (`endangers` links). */
export interface ReportAsset {
	note: PlainNote;
	threats: ReportThreat[];
	/** The highest risk among its rated open threats; null when there is none. */
	highestOpenRisk: number | null;
}

/** A threat agent with the threats it is behind (`agent` links). */
export interface ReportAgent {
	note: AgentNote;
	threats: ReportThreat[];
}

export interface QuestionTiming {
	question: QuestionNumber;
	/** The timebox of the latest visit (else the current setting). */
	timeboxMs: number;
	/** Time spent over every visit; an unfinished visit counts up to the export. */
	spentMs: number;
	visits: number;
}

/** A revealed closing-poll answer, with the person named as the participant list names them. */
export interface ReportPollAnswer {
	person: string;
	confidence: number;
	better: string;
}

export interface Report {
	snapshot: RoomSnapshot;
	/** People as labels (name, a suffix when two share it, workshop role); older rooms: note authors. */
	participants: string[];
	facilitator: string | null;
	/** null when no phase was ever run (or the control document was not available). */
	timing: QuestionTiming[] | null;
	/** Plain notes of each kind in board order. */
	plain: Record<PlainNoteKind, PlainNote[]>;
	diagram: Diagram;
	boundaries: DiagramRef[];
	elements: ReportElement[];
	flows: ReportFlow[];
	/** Flows crossing at least one trust boundary, in reference order. */
	crossingFlows: ReportFlow[];
	/** Flows with a loose end, in reference order. */
	incompleteFlows: ReportFlow[];
	/** Sorted by risk (unrated last), then votes, then reference. */
	threats: ReportThreat[];
	/** In reference order. */
	mitigations: ReportMitigation[];
	/** Threats no mitigation addresses, in reference order. */
	unmitigated: ReportThreat[];
	/** Threats with a decision that holds (Accepted or Transferred), in reference order. */
	decided: DecidedThreat[];
	/** Threats with a recorded estimate, in reference order. */
	estimated: EstimatedThreat[];
	/** Asset notes and threat agents in board order, with their threats in reference order. */
	assets: ReportAsset[];
	agents: ReportAgent[];
	/** The revealed closing poll; null when none was revealed (or no control document). */
	closingPoll: ReportPollAnswer[] | null;
	coverage: {
		/** What the coverage function computed (board/coverage.ts): rows, crossings, figures. */
		map: Coverage;
		/** Elements and flows no threat is linked to. */
		untouched: ReportElement[];
		/** Flows crossing a trust boundary that no threat is linked to. */
		crossingUntouched: ReportFlow[];
		/** Elements and flows with applicable STRIDE categories no threat considers. */
		strideGaps: ReportElement[];
		/** Applicable STRIDE cells with no threat, over every element and flow. */
		gapCount: number;
		openHighRisk: ReportThreat[];
		/** Threats missing likelihood or impact, in reference order. */
		unrated: ReportThreat[];
		threatCount: number;
		/** Threats whose status is Mitigated. */
		mitigatedCount: number;
		/** Threats at least one mitigation addresses. */
		addressedCount: number;
		/**
		 * Open threats whose mitigations are all Done: the board offers to mark them Mitigated,
		 * and the report names them beside the count, so the two figures never read as a contradiction.
		 */
		allMitigationsDone: ReportThreat[];
		statusCounts: Record<ThreatNote['status'], number>;
	};
}

export function buildReport(snapshot: RoomSnapshot): Report {
	const notes = snapshot.notes;
	const votesOf = (id: string) => snapshot.voteTotals[id] ?? 0;
	const labels = personLabels(snapshot.control?.people ?? []);
	const map = snapshotCoverage(snapshot);

	const threats = numberNotes(notes.filter((n): n is ThreatNote => n.kind === 'threat'), 'T').map(
		([ref, note]): ReportThreat => ({
			ref,
			note,
			risk: riskOf(note),
			votes: votesOf(note.id),
			elements: [],
			mitigations: [],
			assets: [],
			agents: [],
			decision: decisionOf(note, labels, snapshot.exportedAt),
			estimate: estimateOf(note, labels)
		})
	);
	const mitigations = numberNotes(notes.filter((n): n is MitigationNote => n.kind === 'mitigation'), 'M').map(
		([ref, note]): ReportMitigation => ({ ref, note, votes: votesOf(note.id), threats: [] })
	);
	const threatById = new Map(threats.map((t) => [t.note.id, t]));
	const mitigationById = new Map(mitigations.map((m) => [m.note.id, m]));
	const assets = notes.filter((n): n is PlainNote => n.kind === 'asset').map((note): ReportAsset => ({ note, threats: [], highestOpenRisk: null }));
	const agents = notes.filter((n): n is AgentNote => n.kind === 'agent').map((note): ReportAgent => ({ note, threats: [] }));
	const assetById = new Map(assets.map((a) => [a.note.id, a]));
	const agentById = new Map(agents.map((a) => [a.note.id, a]));

	const { diagram, refs } = map;
	const boundaryOf = new Map(diagram.elements.map((e) => [e.id, e.boundaryId]));
	const flowOf = new Map(diagram.flows.map((f) => [f.id, f]));
	const threatsOf = (ids: readonly string[]) => ids.map((id) => threatById.get(id)!);
	const refOf = (id: string | null | undefined) => (id ? refs.byId.get(id) : undefined);
	const reportRow = (row: CoverageRow): ReportElement => ({
		...refs.byId.get(row.id)!,
		boundary: refOf(boundaryOf.get(row.id)),
		threats: threatsOf(row.threatIds),
		missingStride: row.gaps,
		row
	});
	const elements = map.rows.filter((row) => row.crossing === null).map(reportRow);
	const flows = map.rows
		.filter((row) => row.crossing !== null)
		.map((row): ReportFlow => {
			const flow = flowOf.get(row.id)!;
			return {
				...reportRow(row),
				from: refOf(flow.from),
				to: refOf(flow.to),
				crosses: row.crossing!.boundaryIds.map((id) => refs.byId.get(id)!),
				incomplete: row.crossing!.incomplete
			};
		});

	for (const link of snapshot.links) {
		if (link.kind === 'canvas') {
			const threat = threatById.get(link.noteId);
			const ref = refs.byId.get(link.elementId);
			if (threat && ref) threat.elements.push(ref);
			continue;
		}
		const threat = threatById.get(link.threatId);
		if (!threat) continue;
		if (link.kind === 'mitigates') {
			const mitigation = mitigationById.get(link.mitigationId);
			if (!mitigation) continue;
			threat.mitigations.push(mitigation);
			mitigation.threats.push(threat);
		} else if (link.kind === 'endangers') {
			const asset = assetById.get(link.assetId);
			if (!asset) continue;
			threat.assets.push(asset.note);
			asset.threats.push(threat);
		} else {
			const agent = agentById.get(link.agentId);
			if (!agent) continue;
			threat.agents.push(agent.note);
			agent.threats.push(threat);
		}
	}
	const byRef = (a: { ref: string }, b: { ref: string }) => compareRefs(a.ref, b.ref);
	const boardOrder = new Map(notes.map((n, i) => [n.id, i]));
	const byBoardOrder = (a: Note, b: Note) => boardOrder.get(a.id)! - boardOrder.get(b.id)!;
	for (const threat of threats) {
		threat.mitigations.sort(byRef);
		threat.elements.sort(byRef);
		threat.assets.sort(byBoardOrder);
		threat.agents.sort(byBoardOrder);
	}
	for (const mitigation of mitigations) mitigation.threats.sort(byRef);
	for (const holder of [...assets, ...agents]) holder.threats.sort(byRef);
	for (const asset of assets) {
		const open = asset.threats.filter((t) => t.note.status === 'open' && t.risk !== null).map((t) => t.risk!);
		asset.highestOpenRisk = open.length > 0 ? Math.max(...open) : null;
	}

	const sortedThreats = [...threats].sort(
		(a, b) => (b.risk ?? -1) - (a.risk ?? -1) || b.votes - a.votes || compareRefs(a.ref, b.ref)
	);
	const statusCounts = { open: 0, mitigated: 0, accepted: 0, transferred: 0, not_applicable: 0 };
	for (const threat of threats) statusCounts[threat.note.status]++;
	const diagramItems = new Map([...elements, ...flows].map((e) => [e.id, e]));
	const items = (ids: readonly string[]) => ids.map((id) => diagramItems.get(id)!);
	const { figures } = map;
	const openHighRisk = new Set(figures.openHighRisk);

	return {
		snapshot,
		participants: participantsOf(snapshot, labels),
		facilitator: snapshot.control?.facilitator ? shownName(snapshot.control.facilitator) : null,
		timing: timingOf(snapshot),
		plain: plainNotes(notes),
		diagram,
		boundaries: refs.boundaries,
		elements,
		flows,
		crossingFlows: flows.filter((f) => f.crosses.length > 0),
		incompleteFlows: flows.filter((f) => f.incomplete),
		threats: sortedThreats,
		mitigations,
		unmitigated: threatsOf(figures.unmitigated),
		decided: threats.filter((t): t is DecidedThreat => t.decision !== null),
		estimated: threats.filter((t): t is EstimatedThreat => t.estimate !== null),
		assets,
		agents,
		closingPoll:
			snapshot.control?.closingPoll?.results.map((r) => ({ person: labels.get(r.participantId) ?? r.name, confidence: r.confidence, better: r.better })) ??
			null,
		coverage: {
			map,
			untouched: items(figures.untouched),
			crossingUntouched: items(figures.crossingFlowsWithoutThreat) as ReportFlow[],
			strideGaps: items(figures.rowsWithGaps),
			gapCount: figures.gapCount,
			// The report's own order (risk, then votes), over the coverage function's selection.
			openHighRisk: sortedThreats.filter((t) => openHighRisk.has(t.note.id)),
			unrated: threatsOf(figures.unrated),
			threatCount: threats.length,
			mitigatedCount: statusCounts.mitigated,
			addressedCount: threats.length - figures.unmitigated.length,
			allMitigationsDone: threats.filter(
				(t) => t.note.status === 'open' && t.mitigations.length > 0 && t.mitigations.every((m) => m.note.status === 'done')
			),
			statusCounts
		}
	};
}

/**
 * The coverage of a snapshot, computed by the function the live coverage map and the fourth
 * lane use (board/coverage.ts), so the report and the screen agree.
 */
export function snapshotCoverage(snapshot: RoomSnapshot): Coverage & { diagram: Diagram } {
	const diagram = readDiagram(snapshot.canvas.records);
	return { ...computeCoverage({ diagram, notes: snapshot.notes, links: snapshot.links }), diagram };
}

export function riskOf(note: ThreatNote): number | null {
	return note.likelihood === null || note.impact === null ? null : note.likelihood * note.impact;
}

/** STRIDE letters in their conventional order, e.g. "S, T, I". */
export function strideText(letters: readonly StrideLetter[]): string {
	return STRIDE_LETTERS.filter((l) => letters.includes(l)).join(', ');
}

/** T2 before T10. */
function compareRefs(a: string, b: string): number {
	return a.charCodeAt(0) - b.charCodeAt(0) || Number(a.slice(1)) - Number(b.slice(1));
}

function plainNotes(notes: readonly Note[]): Record<PlainNoteKind, PlainNote[]> {
	const plain: Record<PlainNoteKind, PlainNote[]> = { component: [], asset: [], assumption: [], question: [], retro: [] };
	// Snapshot notes are already in board order (question, order key, id).
	for (const note of notes) if (note.kind !== 'threat' && note.kind !== 'mitigation' && note.kind !== 'agent') plain[note.kind].push(note);
	return plain;
}

/**
 * Everyone who joined with an identity (by label; those a facilitator removed say so), and the
 * facilitator and note authors who are not among them by name (older rooms have no people at all,
 * and anyone may write without an identity); sorted without locale rules, so bytes are stable.
 */
function participantsOf(snapshot: RoomSnapshot, labels: ReadonlyMap<string, string>): string[] {
	const people = snapshot.control?.people ?? [];
	const peopleNames = new Set(people.map((person) => nameKey(person.name)));
	const names = new Set(people.map((person) => `${labels.get(person.id)}${person.removedAt === undefined ? '' : ' (removed by a facilitator)'}`));
	const others = snapshot.notes.filter((note) => note.authorId === undefined || !labels.has(note.authorId)).map((note) => note.author);
	if (snapshot.control?.facilitator) others.push(snapshot.control.facilitator);
	for (const name of others) if (!peopleNames.has(nameKey(name))) names.add(shownName(name));
	return [...names].sort((a, b) => compareStrings(a.toLowerCase(), b.toLowerCase()) || compareStrings(a, b));
}

function timingOf(snapshot: RoomSnapshot): QuestionTiming[] | null {
	const control = snapshot.control;
	if (!control || control.phases.length === 0) return null;
	return QUESTION_NUMBERS.map((question) => {
		const visits = control.phases.filter((phase) => phase.question === question);
		const spentMs = visits.reduce(
			(total, phase) => total + Math.max(0, (phase.endedAt ?? snapshot.exportedAt) - phase.startedAt),
			0
		);
		const timeboxMs = visits.at(-1)?.timeboxMs ?? control.timeboxesMs[question];
		return { question, timeboxMs, spentMs, visits: visits.length };
	});
}
