/**
 * How a lane is ordered: by the shared order keys (manual, what drag and Alt+arrows change), or
 * locally by votes or by risk. Sorting is stable: ties keep the manual order.
 */
import type { Note } from '#shared/board/schema';
import { riskScore } from './risk.ts';

import { FOCUS_SORTS } from '#shared/control/doc';

/** The same sorts the facilitator can share with everyone (the control document's). */
export const LANE_SORTS = FOCUS_SORTS;
export type LaneSort = (typeof LANE_SORTS)[number];

export const LANE_SORT_LABELS: Record<LaneSort, string> = {
	manual: 'Manual order',
	votes: 'Most votes',
	risk: 'Highest risk'
};

export interface SortContext {
	votes(noteId: string): number;
	/** Threats linked to a mitigation (a mitigation ranks by the worst threat it addresses). */
	linkedThreats(noteId: string): readonly Note[];
}

/** A note's risk for sorting: L x I for a threat, the highest linked threat's for a mitigation. */
export function sortRisk(note: Note, context: SortContext): number {
	if (note.kind === 'threat') return riskScore(note.likelihood, note.impact) ?? 0;
	if (note.kind === 'mitigation') {
		let worst = 0;
		for (const threat of context.linkedThreats(note.id)) worst = Math.max(worst, sortRisk(threat, context));
		return worst;
	}
	return 0;
}

/** Returns a new array; `notes` must already be in manual order. */
export function sortNotes<T extends Note>(notes: readonly T[], mode: LaneSort, context: SortContext): T[] {
	if (mode === 'manual') return [...notes];
	const score = (note: T) => (mode === 'votes' ? context.votes(note.id) : sortRisk(note, context));
	return notes
		.map((note, index) => ({ note, index, score: score(note) }))
		.sort((a, b) => b.score - a.score || a.index - b.index)
		.map((entry) => entry.note);
}
