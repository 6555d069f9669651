/**
 * Reading plain JSON values that some peer wrote (canvas records, export files): small checks
 * shared by the canvas readers and the systems contract, kept apart from diagram.ts so that a
 * module which only needs these does not depend on the whole diagram reader.
 */

/** A plain object read from a peer (not null, not an array); its fields are still unknown. */
export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cuts text to `max` code units without splitting a surrogate pair, marking the cut with "…". */
export function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
	return `${text.slice(0, cut)}…`;
}
