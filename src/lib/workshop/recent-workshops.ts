/**
 * The workshops this browser has created or opened, kept in localStorage (no account, no server
 * list). An entry also holds the facilitator key when this browser has one for the room.
 *
 * localStorage is another tab's or an older version's output: every entry is checked on read and
 * anything malformed is dropped. Storage may also be unavailable (private modes, quotas): then
 * the list is simply empty and nothing throws.
 */
import { isRoomId, isSecret } from '#shared/ids';
import type { Role } from '#shared/wire/roles';
import { RECENT_WORKSHOPS_KEY } from './storage-keys.ts';

export const MAX_RECENT_WORKSHOPS = 20;
const MAX_STORED_TITLE_LENGTH = 200;

/** The link an entry was opened with; a facilitator is a participant holding the key below. */
export type RecentRole = Exclude<Role, 'facilitator'>;

export interface RecentWorkshop {
	/** The id in the workshop's address (/w/<id>): the room id, or an observer id for view-only links. */
	id: string;
	role: RecentRole;
	title: string;
	createdAt: number;
	lastOpenedAt: number;
	/** The room's facilitator key, when this browser created the room or opened a facilitator link. */
	facilitatorKey?: string;
	/** The room's observer id, known to the browser that created the room. */
	observerId?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseEntry(value: unknown): RecentWorkshop | undefined {
	if (!isRecord(value)) return undefined;
	const { id, role, title, createdAt, lastOpenedAt, facilitatorKey, observerId } = value;
	if (role !== 'observer' && role !== 'participant') return undefined;
	if (typeof id !== 'string' || !(role === 'observer' ? isSecret(id) : isRoomId(id))) return undefined;
	if (typeof title !== 'string' || !Number.isFinite(createdAt) || !Number.isFinite(lastOpenedAt)) return undefined;
	const entry: RecentWorkshop = {
		id,
		role,
		title: title.slice(0, MAX_STORED_TITLE_LENGTH),
		createdAt: createdAt as number,
		lastOpenedAt: lastOpenedAt as number
	};
	if (role === 'participant' && isSecret(facilitatorKey)) entry.facilitatorKey = facilitatorKey;
	if (role === 'participant' && isSecret(observerId)) entry.observerId = observerId;
	return entry;
}

export function readRecentWorkshops(): RecentWorkshop[] {
	let raw: string | null;
	try {
		raw = localStorage.getItem(RECENT_WORKSHOPS_KEY);
	} catch {
		return [];
	}
	if (!raw) return [];
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		return [];
	}
	if (!Array.isArray(parsed)) return [];
	const entries: RecentWorkshop[] = [];
	for (const item of parsed) {
		const entry = parseEntry(item);
		if (entry && !entries.some((e) => e.id === entry.id)) entries.push(entry);
	}
	return entries.sort((a, b) => b.lastOpenedAt - a.lastOpenedAt);
}

function write(entries: RecentWorkshop[]): void {
	try {
		localStorage.setItem(RECENT_WORKSHOPS_KEY, JSON.stringify(entries.slice(0, MAX_RECENT_WORKSHOPS)));
	} catch {
		// Storage full or disabled: the workshop still works, it is just not remembered.
	}
}

export type RecentWorkshopUpdate = Pick<RecentWorkshop, 'id' | 'role'> & Partial<Omit<RecentWorkshop, 'id' | 'role'>>;

/** Adds the workshop, or updates the existing entry, and moves it to the top of the list. */
export function rememberWorkshop(update: RecentWorkshopUpdate): RecentWorkshop {
	const entries = readRecentWorkshops();
	const existing = entries.find((e) => e.id === update.id);
	const now = Date.now();
	const merged: RecentWorkshop = {
		...existing,
		title: existing?.title ?? '',
		createdAt: existing?.createdAt ?? now,
		...withoutUndefined(update),
		id: update.id,
		role: update.role,
		lastOpenedAt: update.lastOpenedAt ?? now
	};
	write([merged, ...entries.filter((e) => e.id !== update.id)]);
	return merged;
}

export function forgetWorkshop(id: string): void {
	write(readRecentWorkshops().filter((e) => e.id !== id));
}

export function facilitatorKeyFor(roomId: string): string | undefined {
	return readRecentWorkshops().find((e) => e.id === roomId)?.facilitatorKey;
}

/** Drops a key the server refused, keeping the rest of the entry. */
export function forgetFacilitatorKey(roomId: string): void {
	const entries = readRecentWorkshops();
	for (const entry of entries) if (entry.id === roomId) delete entry.facilitatorKey;
	write(entries);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
