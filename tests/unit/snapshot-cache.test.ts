import { describe, expect, it } from 'vitest';
import { SnapshotCache } from '../../server/persistence/sqlite-store.ts';

const bytes = (n: number) => new Uint8Array(n);

describe('the SQLite store\'s cache of the snapshots it wrote', () => {
	it('gives a snapshot back only for the count of folded updates it was stored with', () => {
		const cache = new SnapshotCache(10, 100);
		const snapshot = bytes(20);
		cache.set('a', 5, snapshot);
		expect(cache.get('a', 5)).toBe(snapshot);
		// Another writer folded since: the stored row counts more updates than the kept copy.
		expect(cache.get('a', 6)).toBeUndefined();
		expect(cache.get('b', 5)).toBeUndefined();
	});

	it('keeps neither small snapshots (quick to read) nor ones larger than the whole budget', () => {
		const cache = new SnapshotCache(10, 100);
		cache.set('small', 1, bytes(9));
		cache.set('huge', 1, bytes(101));
		expect(cache.get('small', 1)).toBeUndefined();
		expect(cache.get('huge', 1)).toBeUndefined();
		expect(cache.bytes).toBe(0);
	});

	it('replaces a document\'s copy, and a copy too small to keep drops the one before it', () => {
		const cache = new SnapshotCache(10, 100);
		cache.set('a', 1, bytes(40));
		cache.set('a', 2, bytes(50));
		expect(cache.bytes).toBe(50);
		expect(cache.get('a', 1)).toBeUndefined();
		cache.set('a', 3, bytes(5));
		expect(cache.get('a', 2)).toBeUndefined();
		expect(cache.bytes).toBe(0);
	});

	it('drops the least recently used copies once over budget', () => {
		const cache = new SnapshotCache(10, 100);
		cache.set('a', 1, bytes(40));
		cache.set('b', 1, bytes(40));
		expect(cache.get('a', 1)).toBeDefined(); // a is now the most recently used
		cache.set('c', 1, bytes(40));
		expect(cache.get('b', 1)).toBeUndefined();
		expect(cache.get('a', 1)).toBeDefined();
		expect(cache.get('c', 1)).toBeDefined();
		expect(cache.bytes).toBe(80);
	});
});
