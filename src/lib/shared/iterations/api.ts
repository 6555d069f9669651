/**
 * The iterations API's response shapes (issue 15), shared by the server and the workshop:
 *
 *   POST /api/rooms/<roomId>/iterations               (facilitator key) → 201 IterationInfo
 *   GET  /api/rooms/<id>/iterations                   → IterationListResponse
 *   GET  /api/rooms/<id>/iterations/<n>/export.<fmt>  the frozen iteration in any export format
 *   GET  /api/rooms/<id>/iterations/<n>/diff          → IterationDiffResponse (iteration n → now)
 *   GET  /api/rooms/<id>/iterations/<n>/changes.md    the live report with "Changes since iteration n"
 *
 * <id> is the room id or the observer id: whoever may export the room may read its iterations.
 */
import { z } from 'zod';
import { readDiagram } from '../canvas/diagram.ts';
import { DisplayName } from '../person.ts';
import type { RoomSnapshot } from '../export/snapshot.ts';
import type { RoomDiff } from './diff.ts';

/** At most this many frozen iterations per room: each is a whole (compressed) snapshot. */
export const MAX_ITERATIONS_PER_ROOM = 200;

/** The body of POST .../iterations: the facilitator's display name, as the start command carries it. */
export const StartIterationRequest = z.strictObject({ name: DisplayName.optional() });
export type StartIterationRequest = z.infer<typeof StartIterationRequest>;

/** What an iteration holds, counted when it is frozen. */
export interface IterationCounts {
	threats: number;
	mitigations: number;
	/** Every other note (components, assets, agents, questions, ...). */
	otherNotes: number;
	elements: number;
	flows: number;
	links: number;
}

export interface IterationInfo {
	number: number;
	/** When it was frozen (ms since the epoch). */
	createdAt: number;
	/** The facilitator who froze it, by display name. */
	startedBy: string;
	counts: IterationCounts;
	/** Stored size, compressed. */
	bytes: number;
}

export interface IterationListResponse {
	iterations: IterationInfo[];
	/** The iteration the room is in now: the last frozen one + 1. */
	current: number;
}

export interface IterationDiffResponse {
	/** The frozen iteration the changes are counted from. */
	since: number;
	diff: RoomDiff;
}

export function countIteration(snapshot: RoomSnapshot): IterationCounts {
	const diagram = readDiagram(snapshot.canvas.records);
	const threats = snapshot.notes.filter((n) => n.kind === 'threat').length;
	const mitigations = snapshot.notes.filter((n) => n.kind === 'mitigation').length;
	return {
		threats,
		mitigations,
		otherNotes: snapshot.notes.length - threats - mitigations,
		elements: diagram.elements.length,
		flows: diagram.flows.length,
		links: snapshot.links.length
	};
}
