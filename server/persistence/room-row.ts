/** The rooms table row, as both SQL stores lay it out. */
import type { IterationListing, RoomRecord } from './doc-store.ts';

export interface RoomRow {
	room_id: string;
	title: string;
	facilitator_key_hash: string;
	observer_id_hash: string;
	/** A number from SQLite; PostgreSQL's bigint arrives as a string. */
	created_at: number | string;
}

export function toRoom(row: RoomRow | undefined): RoomRecord | undefined {
	if (!row) return undefined;
	return {
		roomId: row.room_id,
		title: row.title,
		facilitatorKeyHash: row.facilitator_key_hash,
		observerIdHash: row.observer_id_hash,
		createdAt: Number(row.created_at)
	};
}

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
