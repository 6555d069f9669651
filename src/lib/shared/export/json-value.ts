/**
 * Plain JSON values from untrusted places (canvas records written by peers, import files):
 * a bounded structural check, and serialisation with sorted keys so equal values give equal bytes.
 */

/** Nesting deeper than this is hostile: tldraw records are a handful of levels deep. */
export const MAX_JSON_DEPTH = 32;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * True when `value` is a plain JSON object (no Yjs types, binary, undefined, NaN, class
 * instances or cycles) nested at most MAX_JSON_DEPTH deep. Iterative, so hostile depth cannot
 * overflow the stack.
 */
export function isJsonObject(value: unknown): value is JsonObject {
	if (!isPlainObject(value)) return false;
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
	const seen = new Set<object>();
	while (stack.length > 0) {
		const { value: current, depth } = stack.pop()!;
		if (current === null || typeof current === 'boolean' || typeof current === 'string') continue;
		if (typeof current === 'number') {
			if (!Number.isFinite(current)) return false;
			continue;
		}
		if (depth > MAX_JSON_DEPTH || typeof current !== 'object' || seen.has(current)) return false;
		seen.add(current);
		if (Array.isArray(current)) {
			for (const item of current) stack.push({ value: item, depth: depth + 1 });
		} else if (isPlainObject(current)) {
			for (const item of Object.values(current)) stack.push({ value: item, depth: depth + 1 });
		} else {
			return false;
		}
	}
	return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const proto: unknown = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null;
}

/**
 * JSON text with object keys sorted at every level (arrays keep their order), indented by
 * `indent` spaces, with a final newline: the same value always gives the same bytes.
 */
export function stableStringify(value: unknown, indent = 2): string {
	return `${JSON.stringify(sortKeys(value), null, indent)}\n`;
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (typeof value !== 'object' || value === null) return value;
	// No prototype: a `__proto__` key (JSON.parse makes it an own key) stays a key, not a prototype.
	const sorted: Record<string, unknown> = Object.create(null);
	for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
	return sorted;
}
