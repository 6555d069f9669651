/**
 * Recorded risk decisions and estimates as the reports show them (issue 14): who decided, why and
 * until when, with an overdue review flagged against the export time (never the clock, so the
 * same snapshot gives the same report); and the spread of the picks behind an agreed estimate,
 * who took part, and whether the spread was wide enough to call for discussion.
 */
import { DECIDED_STATUSES, WIDE_SPREAD, type DecidedStatus, type RiskDecision, type RiskEstimate, type ThreatNote } from '../board/schema.ts';
import { spreadOf } from '../control/rounds.ts';

export interface ReportDecision {
	/** The threat's current status (a decided one). */
	status: DecidedStatus;
	/** The recorded decision; undefined for a threat accepted before decisions were recorded. */
	decision: RiskDecision | undefined;
	/** The decider as the participant list names them, else the name recorded with the decision. */
	decidedBy: string | undefined;
	/** The review date is before the day of the export (UTC). */
	overdue: boolean;
}

export interface Range {
	min: number;
	max: number;
}

export interface ReportEstimate {
	estimate: RiskEstimate;
	/** min–max of the picks on each axis; null when no pick was kept. */
	likelihood: Range | null;
	impact: Range | null;
	/** Everyone whose pick is kept, named as the participant list names them, in pick order. */
	estimatedBy: string[];
	/** max - min >= WIDE_SPREAD on either axis. */
	wide: boolean;
}

/**
 * The decision that holds for a threat, when its status is a decided one. A decision kept from an
 * earlier status (the threat has moved on, say to Mitigated) no longer holds and is not shown.
 */
export function decisionOf(note: ThreatNote, labels: ReadonlyMap<string, string>, exportedAt: number): ReportDecision | null {
	const status = note.status;
	if (!isDecided(status)) return null;
	const decision = note.decision;
	const exportDay = new Date(exportedAt).toISOString().slice(0, 10);
	return {
		status,
		decision,
		decidedBy: decision && (labels.get(decision.deciderId) ?? decision.deciderName),
		// Both are YYYY-MM-DD, so text order is date order.
		overdue: decision !== undefined && decision.reviewBy < exportDay
	};
}

export function estimateOf(note: ThreatNote, labels: ReadonlyMap<string, string>): ReportEstimate | null {
	const estimate = note.estimate;
	if (!estimate) return null;
	const { picks } = estimate;
	const range = (values: number[]): Range | null => (values.length === 0 ? null : { min: Math.min(...values), max: Math.max(...values) });
	return {
		estimate,
		likelihood: range(picks.map((p) => p.likelihood)),
		impact: range(picks.map((p) => p.impact)),
		estimatedBy: picks.map((p) => labels.get(p.participantId) ?? p.name),
		// Recomputed from the picks the export shows, so the flag always agrees with the ranges.
		wide: spreadOf(picks, WIDE_SPREAD).wide
	};
}

function isDecided(status: ThreatNote['status']): status is DecidedStatus {
	return (DECIDED_STATUSES as readonly string[]).includes(status);
}

/** "2–4", or "3" when everyone picked the same. */
export function rangeText(range: Range | null): string {
	if (!range) return '';
	return range.min === range.max ? String(range.min) : `${range.min}–${range.max}`;
}
