/** The rooms and iterations tables' rows, as both SQL stores lay them out. */
import { capabilityTable } from './capability-row.ts';
import type { IterationListing, RoomRecord } from './doc-store.ts';

export const ROOM_ROW = capabilityTable<RoomRecord>({
	roomId: 'room_id',
	title: 'title',
	facilitatorKeyHash: 'facilitator_key_hash',
	observerIdHash: 'observer_id_hash',
	createdAt: 'created_at'
});

/** The iterations table row without its data, as both SQL stores list it. */
export interface IterationRow {
	room_id: string;
	number: number | string;
	created_at: number | string;
	started_by: string;
	summary: string;
	bytes: number | string;
}

export function toIterationListing(row: IterationRow): IterationListing {
	return {
		roomId: row.room_id,
		number: Number(row.number),
		createdAt: Number(row.created_at),
		startedBy: row.started_by,
		summary: row.summary,
		bytes: Number(row.bytes)
	};
}
