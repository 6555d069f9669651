/**
 * Bounds on how much anyone can make the server store by creating or importing workshops: at most
 * MAX_ROOMS rooms, and never below MIN_FREE_DISK_BYTES of free disk (where the store can tell).
 * Both are checked from cached figures (the count is re-read every minute and counted up in
 * between; free space is re-read every few seconds), so a flood costs no query per request.
 */
import type { DocStore } from '../persistence/doc-store.ts';

const COUNT_REFRESH_MS = 60_000;
const DISK_REFRESH_MS = 5_000;

export interface QuotaRefusal {
	reason: 'max-rooms' | 'disk-full';
	message: string;
}

export interface RoomQuota {
	/** Undefined when another room may be created now. */
	check(): Promise<QuotaRefusal | undefined>;
	/** Counts a room just created. */
	created(): void;
}

export function createRoomQuota(store: DocStore, limits: { maxRooms: number; minFreeDiskBytes: number }, now = () => performance.now()): RoomQuota {
	let rooms: number | undefined;
	let roomsAt = -Infinity;
	let free: number | undefined;
	let freeAt = -Infinity;
	return {
		async check() {
			if (now() - roomsAt > COUNT_REFRESH_MS) {
				rooms = await store.countRooms();
				roomsAt = now();
			}
			if (rooms !== undefined && rooms >= limits.maxRooms) {
				return { reason: 'max-rooms', message: 'This server holds as many workshops as it is set to (MAX_ROOMS). Ask its operator.' };
			}
			if (limits.minFreeDiskBytes > 0 && now() - freeAt > DISK_REFRESH_MS) {
				free = await store.freeDiskBytes();
				freeAt = now();
			}
			if (free !== undefined && free < limits.minFreeDiskBytes) {
				return { reason: 'disk-full', message: 'The server is almost out of disk space, so it takes no new workshops. Ask its operator.' };
			}
			return undefined;
		},
		created() {
			if (rooms !== undefined) rooms++;
		}
	};
}
