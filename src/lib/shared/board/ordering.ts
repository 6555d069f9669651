/**
 * Fractional ordering keys: base-62 digit strings read as fractions in (0, 1), compared with
 * plain `<` (code-unit order; the digit alphabet is in ASCII order). A key never ends in '0',
 * so there is always room for another key between any two distinct keys.
 *
 * Every generated key ends with a random suffix: two clients inserting at the same spot at the
 * same time compute the same deterministic part, and the suffix keeps their keys distinct (and
 * their relative order arbitrary but identical for everyone).
 */

export const ORDER_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = ORDER_DIGITS.length;
const ZERO = ORDER_DIGITS[0];

/** Random characters appended to each key: 62^6 ≈ 5.7e10 possibilities per insertion spot. */
export const ORDER_KEY_JITTER_LENGTH = 6;
/**
 * Longest accepted key. Appending at one end grows keys by about one character per 60 inserts,
 * so honest keys stay far below this; longer keys are treated as hostile by the schema.
 */
export const MAX_ORDER_KEY_LENGTH = 256;
export const ORDER_KEY_PATTERN = /^[0-9A-Za-z]*[1-9A-Za-z]$/;

/** A source of random bytes; injectable so tests can force collisions of the deterministic part. */
export type RandomBytes = (length: number) => Uint8Array;

const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

export function isOrderKey(value: unknown): value is string {
	return typeof value === 'string' && value.length <= MAX_ORDER_KEY_LENGTH && ORDER_KEY_PATTERN.test(value);
}

/** Sort comparator for order keys. Never use localeCompare: it does not follow code-unit order. */
export function compareOrderKeys(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A new key strictly between `before` and `after` (null means "no neighbour on that side").
 * Throws RangeError when the bounds are not valid keys or not in increasing order.
 */
export function orderKeyBetween(before: string | null, after: string | null, randomBytes = cryptoRandomBytes): string {
	if (before !== null && !isOrderKey(before)) throw new RangeError(`invalid order key: ${String(before).slice(0, 40)}`);
	if (after !== null && !isOrderKey(after)) throw new RangeError(`invalid order key: ${String(after).slice(0, 40)}`);
	if (before !== null && after !== null && before >= after) {
		throw new RangeError(`order keys out of order: ${before.slice(0, 40)} >= ${after.slice(0, 40)}`);
	}
	// midKey never returns a prefix of `after`, so any suffix keeps the result below `after`.
	const ends = { appending: after === null, prepending: before === null };
	const key = midKey(before ?? '', after, ends) + jitter(randomBytes);
	if (key.length > MAX_ORDER_KEY_LENGTH) throw new RangeError('order key would exceed MAX_ORDER_KEY_LENGTH');
	return key;
}

/**
 * `count` keys in increasing order, all of one short width and spread evenly over (0, 1), for a
 * list written at once (an import): appending key after key grows them by a character per ~30
 * (7,000 notes in one lane came near MAX_ORDER_KEY_LENGTH, leaving little room to add after
 * them); spread evenly, 10,000 keys are three digits and a closing one, with room between and
 * after every one. No jitter: one writer makes the whole list.
 */
export function evenlySpacedOrderKeys(count: number): string[] {
	// Gaps of at least two units of the last place, so a key also fits between any two.
	let width = 1;
	while (BASE ** width < 2 * (count + 1)) width++;
	const span = BASE ** width;
	const keys: string[] = [];
	for (let i = 1; i <= count; i++) {
		let value = Math.floor((i * span) / (count + 1));
		let digits = '';
		for (let place = 0; place < width; place++) {
			digits = ORDER_DIGITS[value % BASE] + digits;
			value = Math.floor(value / BASE);
		}
		// A closing middle digit: no key ends in '0', and each leaves room before and after it.
		keys.push(digits + ORDER_DIGITS[BASE / 2]);
	}
	return keys;
}

/** Whether the key goes after the last key or before the first one of the whole list. */
interface ListEnds {
	appending: boolean;
	prepending: boolean;
}

/**
 * A digit string strictly between a ('' = 0) and b (null = 1), without a trailing zero and never
 * a prefix of b. Preconditions (checked by the caller): a < b, neither ends in '0'.
 */
function midKey(a: string, b: string | null, ends: ListEnds): string {
	if (b !== null) {
		// Digits both bounds share (a is padded with zeros) are copied as they are.
		let n = 0;
		while ((a[n] ?? ZERO) === b[n]) n++;
		if (n > 0) return b.slice(0, n) + midKey(a.slice(n), b.slice(n), ends);
	}
	const lo = a === '' ? 0 : ORDER_DIGITS.indexOf(a[0]);
	const hi = b === null ? BASE : ORDER_DIGITS.indexOf(b[0]);
	if (hi - lo > 1) return ORDER_DIGITS[pickDigit(lo, hi, a === '' && b === null, ends)];
	// Adjacent digits: keep a's digit and continue one place further, unbounded above.
	return ORDER_DIGITS[lo] + midKey(a.slice(1), null, ends);
}

/**
 * A digit in (lo, hi). At an end of the list, stepping by one uses up a digit position ~30
 * times slower than halving would, which keeps keys short in the common "add to the end of the
 * column" case; between two keys, halving keeps repeated inserts into one gap short.
 */
function pickDigit(lo: number, hi: number, unbounded: boolean, ends: ListEnds): number {
	if (unbounded) return Math.floor(BASE / 2);
	if (ends.appending) return lo + 1;
	if (ends.prepending) return hi - 1;
	return Math.floor((lo + hi) / 2);
}

function jitter(randomBytes: RandomBytes): string {
	let out = '';
	while (out.length < ORDER_KEY_JITTER_LENGTH) {
		for (const byte of randomBytes(ORDER_KEY_JITTER_LENGTH * 2)) {
			// Rejection sampling keeps the digits uniform (248 = 4 * 62).
			if (byte >= 248 || out.length >= ORDER_KEY_JITTER_LENGTH) continue;
			const digit = byte % BASE;
			// The last character must not be '0', or the key would have a trailing zero.
			if (out.length === ORDER_KEY_JITTER_LENGTH - 1 && digit === 0) continue;
			out += ORDER_DIGITS[digit];
		}
	}
	return out;
}
