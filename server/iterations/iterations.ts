/**
 * Frozen iterations of a room (issue 15): starting the next iteration stores the room's export
 * snapshot as it is at that moment, gzip-compressed JSON, and work goes on in the same documents
 * with the same ids. A stored iteration is read back through the snapshot schema, so the export
 * renderers and the diff take it exactly as they take the live room.
 *
 * Whole snapshots rather than deltas: an iteration is read alone (export, diff against now),
 * the cost is proportional to what the room holds, and small beside the room's own document
 * (bench/iteration-size.ts: the export fixture, 18 notes and 23 canvas records, is 3.3 KiB; a room
 * of 1,000 threats, mitigations and elements 155 KiB, 7% of its 2.2 MiB board document, gzipped
 * in 11 ms on zlib's thread pool, off the event loop). A room keeps at most MAX_ITERATIONS_PER_ROOM.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { readFacilitatorName, readGrants } from '#shared/control/doc';
import { snapshotRoom } from '#shared/export/snapshot';
import { countIteration, MAX_ITERATIONS_PER_ROOM, type IterationCounts, type IterationInfo } from '#shared/iterations/api';
import type { FacilitatorIdentity } from '../facilitation/keys.ts';
import type { DocStore, IterationListing } from '../persistence/doc-store.ts';
import type { Room } from '../rooms/room.ts';

const compress = promisify(gzip);

const snapshotLoaded = (room: Room, exportedAt: number) => snapshotRoom(room.docs.board.doc, room.docs.control.doc, { exportedAt });

/** The name the facilitator gave (as with the start command), else the one the room knows them by. */
function facilitatorName(room: Room, identity: FacilitatorIdentity, given: string | undefined): string {
	if (given) return given;
	const control = room.docs.control.doc;
	if (identity.kind === 'co-facilitator') return readGrants(control).find((g) => g.grantId === identity.grantId)?.name ?? 'Co-facilitator';
	return readFacilitatorName(control) ?? 'Facilitator';
}

/**
 * Freezes the room as its next iteration; undefined when it already holds the most it may.
 * The snapshot is one synchronous read of the documents, so an edit arriving meanwhile is either
 * in it or in the room after it (the next diff), never half in.
 */
export async function freezeIteration(
	store: DocStore,
	room: Room,
	by: { identity: FacilitatorIdentity; name: string | undefined },
	now: number
): Promise<IterationInfo | undefined> {
	// What other instances stored and have not fanned out yet belongs in the iteration too (an
	// export may be a moment behind; a frozen iteration is kept for good).
	await Promise.all([room.refresh('board'), room.refresh('control')]);
	const snapshot = snapshotLoaded(room, now);
	// The iteration must not hold an edit the room itself could still lose in a crash.
	await Promise.all([room.committed('board'), room.committed('control')]);
	const data = await compress(JSON.stringify(snapshot));
	const counts = countIteration(snapshot);
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

