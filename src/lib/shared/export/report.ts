/**
 * What the Markdown and CSV exports show, derived from a RoomSnapshot once: short references
 * (T1 for threats, M1 for mitigations, E1/F1/B1 for diagram elements, flows and boundaries),
 * stable orderings, time per question and coverage figures. Pure: the same snapshot always gives
 * the same report.
 *
 * References are numbered by creation time (then board order), so adding a threat does not
 * renumber the others and re-exports diff cleanly; diagram references follow record ids.
 */
import { APPLICABLE_STRIDE, readDiagram, type Diagram, type DiagramNodeKind } from '../canvas/diagram.ts';
import { QUESTION_NUMBERS } from '../control/doc.ts';
import { diagramRefs, type DiagramRef } from '../canvas/diagram-refs.ts';
import {
	STRIDE_LETTERS,
	type MitigationNote,
	type Note,
	type PlainNote,
	type PlainNoteKind,
	type QuestionNumber,
	type StrideLetter,
	type ThreatNote
} from '../board/schema.ts';
import { compareOrderKeys } from '../board/ordering.ts';
import { compareStrings, type RoomSnapshot } from './snapshot.ts';
import { nameKey, personLabels } from './people.ts';
import { decisionOf, estimateOf, type ReportDecision, type ReportEstimate } from './risk.ts';

/** Likelihood x impact at or above this is high risk (the board's High and Critical bands). */
export const HIGH_RISK_MIN_SCORE = 10;

export type { DiagramRef };

export interface ReportElement extends DiagramRef {
	boundary: DiagramRef | undefined;
	threats: ReportThreat[];
	/** Applicable STRIDE categories that no linked threat considers. */
	missingStride: StrideLetter[];
}

export interface ReportFlow extends ReportElement {
	from: DiagramRef | undefined;
	to: DiagramRef | undefined;
}

export interface ReportThreat {
	ref: string;
	note: ThreatNote;
	/** Likelihood x impact, or null until both are rated. */
	risk: number | null;
	votes: number;
	elements: DiagramRef[];
	mitigations: ReportMitigation[];
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
	/** The revealed closing poll; null when none was revealed (or no control document). */
	closingPoll: ReportPollAnswer[] | null;
	coverage: {
		/** Elements and flows no threat is linked to. */
		untouched: ReportElement[];
		/** Elements and flows with applicable STRIDE categories no threat considers. */
		strideGaps: ReportElement[];
		openHighRisk: ReportThreat[];
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

	const threats = numbered(notes.filter((n): n is ThreatNote => n.kind === 'threat'), 'T').map(
		([ref, note]): ReportThreat => ({
			ref,
			note,
			risk: riskOf(note),
			votes: votesOf(note.id),
			elements: [],
			mitigations: [],
			decision: decisionOf(note, labels, snapshot.exportedAt),
			estimate: estimateOf(note, labels)
		})
	);
	const mitigations = numbered(notes.filter((n): n is MitigationNote => n.kind === 'mitigation'), 'M').map(
		([ref, note]): ReportMitigation => ({ ref, note, votes: votesOf(note.id), threats: [] })
	);
	const threatById = new Map(threats.map((t) => [t.note.id, t]));
	const mitigationById = new Map(mitigations.map((m) => [m.note.id, m]));

	const diagram = readDiagram(snapshot.canvas.records);
	const named = diagramRefs(diagram);
	const boundaries = named.boundaries;
	const elements: ReportElement[] = named.elements.map((ref) => ({ ...ref, boundary: undefined, threats: [], missingStride: [] }));
	const flows: ReportFlow[] = named.flows.map((ref) => ({
		...ref,
		boundary: undefined,
		threats: [],
		missingStride: [],
		from: undefined,
		to: undefined
	}));
	// Plain references (not the report rows built from them), as threats list them.
	const refs = new Map<string, DiagramRef>([...named.boundaries, ...named.elements, ...named.flows].map((ref) => [ref.id, ref]));
	diagram.elements.forEach((e, i) => (elements[i].boundary = e.boundaryId ? refs.get(e.boundaryId) : undefined));
	diagram.flows.forEach((f, i) => {
		flows[i].from = f.from ? refs.get(f.from) : undefined;
		flows[i].to = f.to ? refs.get(f.to) : undefined;
	});
	const targets = new Map<string, ReportElement>([...elements, ...flows].map((e) => [e.id, e]));

	for (const link of snapshot.links) {
		if (link.kind === 'mitigates') {
			const threat = threatById.get(link.threatId);
			const mitigation = mitigationById.get(link.mitigationId);
			if (!threat || !mitigation) continue;
			threat.mitigations.push(mitigation);
			mitigation.threats.push(threat);
		} else if (link.kind === 'canvas') {
			const threat = threatById.get(link.noteId);
			const ref = refs.get(link.elementId);
			if (!threat || !ref) continue;
			threat.elements.push(ref);
			targets.get(link.elementId)?.threats.push(threat);
		}
	}
	const byRef = (a: { ref: string }, b: { ref: string }) => compareRefs(a.ref, b.ref);
	for (const threat of threats) {
		threat.mitigations.sort(byRef);
		threat.elements.sort(byRef);
	}
	for (const mitigation of mitigations) mitigation.threats.sort(byRef);
	for (const target of targets.values()) {
		target.threats.sort(byRef);
		const considered = new Set(target.threats.flatMap((t) => t.note.stride));
		target.missingStride = APPLICABLE_STRIDE[target.kind as DiagramNodeKind | 'data-flow'].filter((l) => !considered.has(l));
	}

	const sortedThreats = [...threats].sort(
		(a, b) => (b.risk ?? -1) - (a.risk ?? -1) || b.votes - a.votes || compareRefs(a.ref, b.ref)
	);
	const statusCounts = { open: 0, mitigated: 0, accepted: 0, transferred: 0, not_applicable: 0 };
	for (const threat of threats) statusCounts[threat.note.status]++;
	const diagramItems = [...elements, ...flows];

	return {
		snapshot,
		participants: participantsOf(snapshot, labels),
		facilitator: snapshot.control?.facilitator ?? null,
		timing: timingOf(snapshot),
		plain: plainNotes(notes),
		diagram,
		boundaries,
		elements,
		flows,
		threats: sortedThreats,
		mitigations,
		unmitigated: threats.filter((t) => t.mitigations.length === 0),
		decided: threats.filter((t): t is DecidedThreat => t.decision !== null),
		estimated: threats.filter((t): t is EstimatedThreat => t.estimate !== null),
		closingPoll:
			snapshot.control?.closingPoll?.results.map((r) => ({ person: labels.get(r.participantId) ?? r.name, confidence: r.confidence, better: r.better })) ??
			null,
		coverage: {
			untouched: diagramItems.filter((e) => e.threats.length === 0),
			strideGaps: diagramItems.filter((e) => e.missingStride.length > 0),
			openHighRisk: sortedThreats.filter((t) => t.note.status === 'open' && (t.risk ?? 0) >= HIGH_RISK_MIN_SCORE),
			threatCount: threats.length,
			mitigatedCount: statusCounts.mitigated,
			addressedCount: threats.filter((t) => t.mitigations.length > 0).length,
			allMitigationsDone: threats.filter(
				(t) => t.note.status === 'open' && t.mitigations.length > 0 && t.mitigations.every((m) => m.note.status === 'done')
			),
			statusCounts
		}
	};
}

export function riskOf(note: ThreatNote): number | null {
	return note.likelihood === null || note.impact === null ? null : note.likelihood * note.impact;
}

/** STRIDE letters in their conventional order, e.g. "S, T, I". */
export function strideText(letters: readonly StrideLetter[]): string {
	return STRIDE_LETTERS.filter((l) => letters.includes(l)).join(', ');
}

/** Pairs each note with a reference (prefix + 1-based number) in creation order. */
function numbered<T extends Note>(notes: T[], prefix: string): Array<[string, T]> {
	const ordered = [...notes].sort(
		(a, b) => a.createdAt - b.createdAt || compareOrderKeys(a.order, b.order) || compareStrings(a.id, b.id)
	);
	return ordered.map((note, i) => [`${prefix}${i + 1}`, note]);
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
 * Everyone who joined with an identity (by label), and the facilitator and note authors who are not
 * among them by name (older rooms have no people at all, and anyone may write without an
 * identity); sorted without locale rules, so bytes are stable.
 */
function participantsOf(snapshot: RoomSnapshot, labels: ReadonlyMap<string, string>): string[] {
	const people = snapshot.control?.people ?? [];
	const peopleNames = new Set(people.map((person) => nameKey(person.name)));
	const names = new Set(labels.values());
	const others = snapshot.notes.filter((note) => note.authorId === undefined || !labels.has(note.authorId)).map((note) => note.author);
	if (snapshot.control?.facilitator) others.push(snapshot.control.facilitator);
	for (const name of others) if (!peopleNames.has(nameKey(name))) names.add(name);
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
