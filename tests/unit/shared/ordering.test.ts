import { describe, expect, it } from 'vitest';
import {
	MAX_ORDER_KEY_LENGTH,
	ORDER_DIGITS,
	ORDER_KEY_JITTER_LENGTH,
	compareOrderKeys,
	evenlySpacedOrderKeys,
	isOrderKey,
	orderKeyBetween
} from '../../../src/lib/shared/board/ordering.ts';

/** A tiny seeded PRNG so failures reproduce. */
function mulberry32(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Seeded random bytes for the jitter: key lengths depend on it, and with the browser's random
 * source about 0.7% of 500-append runs reached 30-33 characters (3,000 runs), which made a bound
 * on one run fail now and then in CI.
 */
function seededBytes(seed: number): (length: number) => Uint8Array {
	const random = mulberry32(seed);
	return (length) => Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

function expectSortedAndUnique(keys: string[]): void {
	for (let i = 1; i < keys.length; i++) expect(keys[i - 1] < keys[i], `${keys[i - 1]} < ${keys[i]}`).toBe(true);
	expect(new Set(keys).size).toBe(keys.length);
	for (const key of keys) expect(isOrderKey(key), key).toBe(true);
}

function randomKey(random: () => number): string {
	const length = 1 + Math.floor(random() * 8);
	let key = '';
	for (let i = 0; i < length; i++) key += ORDER_DIGITS[Math.floor(random() * ORDER_DIGITS.length)];
	return key.replace(/0+$/, '') || '1';
}

describe('orderKeyBetween', () => {
	it('creates a valid first key and keys at both ends', () => {
		const first = orderKeyBetween(null, null);
		expect(isOrderKey(first)).toBe(true);
		const before = orderKeyBetween(null, first);
		const after = orderKeyBetween(first, null);
		expectSortedAndUnique([before, first, after]);
	});

	it('keeps 2,000 inserts at random positions sorted and unique', () => {
		const random = mulberry32(42);
		const keys: string[] = [];
		for (let i = 0; i < 2000; i++) {
			const at = Math.floor(random() * (keys.length + 1));
			keys.splice(at, 0, orderKeyBetween(keys[at - 1] ?? null, keys[at] ?? null));
		}
		expectSortedAndUnique(keys);
		expect(Math.max(...keys.map((k) => k.length))).toBeLessThan(40);
	});

	it('keeps keys short when appending or prepending many times', () => {
		const bytes = seededBytes(17);
		const appended = [orderKeyBetween(null, null, bytes)];
		for (let i = 0; i < 500; i++) appended.push(orderKeyBetween(appended[appended.length - 1], null, bytes));
		expectSortedAndUnique(appended);
		expect(appended[appended.length - 1].length).toBeLessThan(30);

		const prepended = [orderKeyBetween(null, null, bytes)];
		for (let i = 0; i < 500; i++) prepended.unshift(orderKeyBetween(null, prepended[0], bytes));
		expectSortedAndUnique(prepended);
		expect(prepended[0].length).toBeLessThan(30);
	});

	it('always finds a key between two adjacent or near-equal keys', () => {
		const tricky: Array<[string, string]> = [
			['a', 'a1'],
			['1z', '2'],
			['V', 'V01'],
			['0001', '0002'],
			['00001', '0001'],
			['y', 'z'],
			['z', 'zz'],
			['zzzz', 'zzzzz'],
			['1', '10001']
		];
		const random = mulberry32(7);
		for (let i = 0; i < 3000; i++) {
			const a = randomKey(random);
			const b = randomKey(random);
			if (a !== b) tricky.push(a < b ? [a, b] : [b, a]);
		}
		for (const [a, b] of tricky) {
			const key = orderKeyBetween(a, b);
			expect(a < key && key < b, `${a} < ${key} < ${b}`).toBe(true);
			expect(isOrderKey(key)).toBe(true);
		}
	});

	it('repeatedly narrowing the same gap never runs out of room', () => {
		let low = orderKeyBetween(null, null);
		let high = orderKeyBetween(low, null);
		for (let i = 0; i < 200; i++) {
			const mid = orderKeyBetween(low, high);
			expect(low < mid && mid < high).toBe(true);
			if (i % 2 === 0) low = mid;
			else high = mid;
		}
		expect(high.length).toBeLessThanOrEqual(MAX_ORDER_KEY_LENGTH);
	});

	it('gives two clients inserting at the same spot different keys, both in the gap', () => {
		const a = orderKeyBetween(null, null);
		const b = orderKeyBetween(a, null);
		const keys = new Set<string>();
		for (let i = 0; i < 1000; i++) {
			const mine = orderKeyBetween(a, b);
			const theirs = orderKeyBetween(a, b);
			expect(mine).not.toBe(theirs);
			for (const key of [mine, theirs]) expect(a < key && key < b).toBe(true);
			keys.add(mine).add(theirs);
		}
		expect(keys.size).toBe(2000);
	});

	it('owes its uniqueness to the random suffix (same randomness gives the same key)', () => {
		const fixed = (length: number) => new Uint8Array(length).fill(5);
		const one = orderKeyBetween('a', 'b', fixed);
		expect(orderKeyBetween('a', 'b', fixed)).toBe(one);
		expect(one.endsWith('5'.repeat(ORDER_KEY_JITTER_LENGTH))).toBe(true);
		// Rejected bytes (>= 248) and a final zero digit are skipped, not used.
		let calls = 0;
		const zerosThenSevens = (length: number) => {
			calls++;
			return calls === 1 ? new Uint8Array(length).fill(62).fill(255, 0, 1) : new Uint8Array(length).fill(7);
		};
		const key = orderKeyBetween('a', 'b', zerosThenSevens);
		expect(key.endsWith('0'.repeat(ORDER_KEY_JITTER_LENGTH - 1) + '7')).toBe(true);
		expect(isOrderKey(key)).toBe(true);
	});

	it('refuses bounds that are invalid or out of order', () => {
		expect(() => orderKeyBetween('b', 'a')).toThrow(RangeError);
		expect(() => orderKeyBetween('a', 'a')).toThrow(RangeError);
		expect(() => orderKeyBetween('a0', null)).toThrow(RangeError);
		expect(() => orderKeyBetween(null, 'a-b')).toThrow(RangeError);
		expect(() => orderKeyBetween('', null)).toThrow(RangeError);
		expect(() => orderKeyBetween('a'.repeat(MAX_ORDER_KEY_LENGTH + 1), null)).toThrow(RangeError);
	});
});

describe('compareOrderKeys', () => {
	it('orders by code unit, unlike localeCompare', () => {
		expect(compareOrderKeys('B', 'a')).toBeLessThan(0);
		expect('B'.localeCompare('a')).toBeGreaterThan(0);
		expect(['b', 'A', 'a', '9'].sort(compareOrderKeys)).toEqual(['9', 'A', 'a', 'b']);
		expect(compareOrderKeys('x', 'x')).toBe(0);
	});
});

describe('evenlySpacedOrderKeys', () => {
	it.each([1, 2, 30, 61, 62, 1_000, 10_000, 100_000])('%i keys: valid, increasing, of one short width', (count) => {
		const keys = evenlySpacedOrderKeys(count);
		expect(keys).toHaveLength(count);
		const width = keys[0].length;
		expect(width).toBeLessThanOrEqual(Math.ceil(Math.log(2 * (count + 1)) / Math.log(ORDER_DIGITS.length)) + 1);
		// One expectation over all keys: one per key took 10 s at 100,000.
		const bad = keys.filter((key, i) => !isOrderKey(key) || key.length !== width || (i > 0 && !(keys[i - 1] < key)));
		expect(bad).toEqual([]);
	});

	it('leaves room before, between and after the keys for short new ones', () => {
		const keys = evenlySpacedOrderKeys(10_000);
		expect(keys[0].length).toBe(4);
		// Seeded: how long appended keys grow depends on the jitter (see seededBytes).
		const bytes = seededBytes(17);
		const before = orderKeyBetween(null, keys[0], bytes);
		const between = orderKeyBetween(keys[4_999], keys[5_000], bytes);
		let after = keys[keys.length - 1];
		// 500 notes added at the end of a lane of 10,000 imported ones.
		for (let i = 0; i < 500; i++) after = orderKeyBetween(after, null, bytes);
		for (const key of [before, between, after]) expect(key.length).toBeLessThanOrEqual(4 + ORDER_KEY_JITTER_LENGTH + 30);
		expect(before < keys[0] && keys[4_999] < between && between < keys[5_000] && after > keys[9_999]).toBe(true);
	});
});
