import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
	facilitatorKeyFor,
	forgetFacilitatorKey,
	forgetWorkshop,
	MAX_RECENT_WORKSHOPS,
	readRecentWorkshops,
	rememberWorkshop
} from './recent-workshops.ts';
import { RECENT_WORKSHOPS_KEY } from './storage-keys.ts';

const roomId = (n: number) => `room${String(n).padStart(20, '0')}`;
const SECRET = 'k'.repeat(43);

beforeEach(() => {
	const data = new Map<string, string>();
	vi.stubGlobal('localStorage', {
		getItem: (key: string) => data.get(key) ?? null,
		setItem: (key: string, value: string) => void data.set(key, value),
		removeItem: (key: string) => void data.delete(key)
	});
});

describe('recent workshops', () => {
	it('remembers, merges, orders by last opened, and forgets', () => {
		rememberWorkshop({ id: roomId(1), role: 'participant', title: 'One', createdAt: 1, facilitatorKey: SECRET, lastOpenedAt: 10 });
		rememberWorkshop({ id: roomId(2), role: 'participant', title: 'Two', createdAt: 2, lastOpenedAt: 20 });
		// An update without a key keeps the key, and moves the entry to the top.
		rememberWorkshop({ id: roomId(1), role: 'participant', title: 'One, renamed', lastOpenedAt: 30 });
		expect(readRecentWorkshops().map((e) => [e.id, e.title])).toEqual([
			[roomId(1), 'One, renamed'],
			[roomId(2), 'Two']
		]);
		expect(facilitatorKeyFor(roomId(1))).toBe(SECRET);

		forgetFacilitatorKey(roomId(1));
		expect(facilitatorKeyFor(roomId(1))).toBeUndefined();
		forgetWorkshop(roomId(1));
		expect(readRecentWorkshops().map((e) => e.id)).toEqual([roomId(2)]);
	});

	it('keeps a bounded list', () => {
		for (let i = 0; i < MAX_RECENT_WORKSHOPS + 5; i++) rememberWorkshop({ id: roomId(i), role: 'participant', title: `${i}` });
		expect(readRecentWorkshops()).toHaveLength(MAX_RECENT_WORKSHOPS);
	});

	it('drops malformed storage instead of trusting it', () => {
		localStorage.setItem(
			RECENT_WORKSHOPS_KEY,
			JSON.stringify([
				{ id: '../etc', role: 'participant', title: 'x', createdAt: 1, lastOpenedAt: 1 },
				{ id: roomId(1), role: 'admin', title: 'x', createdAt: 1, lastOpenedAt: 1 },
				{ id: roomId(2), role: 'participant', title: 3, createdAt: 1, lastOpenedAt: 1 },
				{ id: roomId(3), role: 'participant', title: 'ok', createdAt: 1, lastOpenedAt: 1, facilitatorKey: 'short' },
				'junk'
			])
		);
		expect(readRecentWorkshops()).toEqual([{ id: roomId(3), role: 'participant', title: 'ok', createdAt: 1, lastOpenedAt: 1 }]);
		localStorage.setItem(RECENT_WORKSHOPS_KEY, '{not json');
		expect(readRecentWorkshops()).toEqual([]);
	});
});
