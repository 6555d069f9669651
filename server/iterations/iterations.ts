/**
 * Frozen iterations of a room (issue 15): starting the next iteration stores the room's export
 * snapshot as it is at that moment, gzip-compressed JSON, and work goes on in the same documents
 * with the same ids. A stored iteration is read back through the snapshot schema, so the export
 * renderers and the diff take it exactly as they take the live room.
 *
 * Whole snapshots rather than deltas: an iteration is read alone (export, diff against now),
 * the cost is proportional to what the room holds, and small beside the room's own document
 * (bench/iteration-size.ts: the export fixture, 18 notes and 23 canvas records, is 3.3 KiB; a room
 * of 1,000 threats, mitigations and elements 155 KiB, 7% of its 2.2 MiB board document). The
 * snapshot is built and compressed in the export worker, off the event loop. A room keeps at most MAX_ITERATIONS_PER_ROOM.
 */
import { readFacilitatorName, readGrants } from '#shared/control/doc';
import { MAX_ITERATIONS_PER_ROOM, type IterationCounts, type IterationInfo } from '#shared/iterations/api';
import type { ExportRunner } from '../export/export-runner.ts';
import { loadedRoomState } from '../export/room-state.ts';
import type { FacilitatorIdentity } from '../facilitation/keys.ts';
import type { DocStore, IterationListing } from '../persistence/doc-store.ts';
import type { Room } from '../rooms/room.ts';

/** The name the facilitator gave (as with the start command), else the one the room knows them by. */
function facilitatorName(room: Room, identity: FacilitatorIdentity, given: string | undefined): string {
	if (given) return given;
	const control = room.docs.control.doc;
	if (identity.kind === 'co-facilitator') return readGrants(control).find((g) => g.grantId === identity.grantId)?.name ?? 'Co-facilitator';
	return readFacilitatorName(control) ?? 'Facilitator';
}

/**
 * Freezes the room as its next iteration; undefined when it already holds the most it may.
 * The snapshot is built in the export worker from the room's committed updates (loadedRoomState:
 * both documents taken in one moment once the room's joiner snapshots are ready, as they are a
 * moment after it loads; each at its own settled moment before): an edit arriving meanwhile is
 * in it or in the room after it (the next diff), never half in, and the iteration holds no edit
 * the room itself could still lose in a crash. Built on the event loop, with the stored board
 * applied again first, it held the loop 373 ms for a board of 2,400 threats
 * (tests/integration/large-board-reads.test.ts). It waits its turn in the export worker, past
 * the exports' limits; rejects with NotSettledError when the room's writes do not settle.
 */
export async function freezeIteration(
	store: DocStore,
	room: Room,
	by: { identity: FacilitatorIdentity; name: string | undefined },
	now: number,
	exporter: ExportRunner
): Promise<IterationInfo | undefined> {
	// What other instances stored and have not fanned out yet belongs in the iteration too (an
	// export may be a moment behind; a frozen iteration is kept for good).
	await Promise.all([room.refresh('board'), room.refresh('control')]);
	const state = await loadedRoomState(room);
	const { data, counts } = await exporter.run({ kind: 'freeze', state, frozenAt: now }, 'facilitator');
	const startedBy = facilitatorName(room, by.identity, by.name);
	const number = await store.addIteration(
		{ roomId: room.record.roomId, createdAt: now, startedBy, summary: JSON.stringify(counts), data },
		MAX_ITERATIONS_PER_ROOM
	);
	return number === undefined ? undefined : { number, createdAt: now, startedBy, counts, bytes: data.byteLength };
}

export function iterationInfo(listing: IterationListing): IterationInfo {
	return {
		number: listing.number,
		createdAt: listing.createdAt,
		startedBy: listing.startedBy,
		counts: JSON.parse(listing.summary) as IterationCounts,
		bytes: listing.bytes
	};
}

