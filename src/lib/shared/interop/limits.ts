/**
 * Bounds on what an import from another tool may hold, checked before anything is built, with
 * errors that name the place. They sit far above real models (the largest sample, 425 KB, has
 * 37 threats and 84 mitigations) and keep a hostile file's cost to the server bounded.
 */
import { z } from 'zod';
import { MAX_EXPORT_CANVAS_RECORDS, MAX_EXPORT_NOTES } from '../export/snapshot.ts';
import { inputError, type InputError } from './json-input.ts';
import { joinPath } from './report.ts';

/** Longest string read from a file (a name, a description): a label is not a document. */
export const MAX_TEXT_CHARS = 100_000;
/** Diagrams in one model. */
export const MAX_DIAGRAMS = 100;
/** Diagram cells (elements, flows, boundaries, text) in one model: each is a few canvas records. */
export const MAX_CELLS = Math.floor(MAX_EXPORT_CANVAS_RECORDS / 4);
/** Items (threats, mitigations, assumptions, components, links) in one list of a model. */
export const MAX_ITEMS = MAX_EXPORT_NOTES;
/** Points of one flow or boundary line. */
export const MAX_VERTICES = 200;

/** A string from a file, at most MAX_TEXT_CHARS. */
export const FileText = z.string().max(MAX_TEXT_CHARS, `text longer than ${MAX_TEXT_CHARS.toLocaleString('en')} characters`);
/** A coordinate or size: finite, and within a range no diagram needs more than. */
export const Coordinate = z.number().min(-1e7).max(1e7);

/**
 * The path of the first string longer than MAX_TEXT_CHARS in a parsed file, skipping the places
 * `allowed` accepts (images a format embeds, which the import does not keep). The walk recurses,
 * which is safe because json-input.ts bounded the depth first.
 */
export function findHugeString(value: unknown, allowed: (path: string) => boolean = () => false, path = ''): string | undefined {
	if (typeof value === 'string') return value.length > MAX_TEXT_CHARS && !allowed(path) ? path : undefined;
	if (typeof value !== 'object' || value === null) return undefined;
	const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, i) => [String(i), item]) : Object.entries(value);
	for (const [key, item] of entries) {
		const found = findHugeString(item, allowed, joinPath(path, key));
		if (found !== undefined) return found;
	}
	return undefined;
}

export function hugeStringError(path: string): InputError {
	return inputError('invalid_request', `the file holds a string longer than ${MAX_TEXT_CHARS.toLocaleString('en')} characters`, [
		{ path, message: 'text too long' }
	]);
}

/** A count over a limit, as an error naming what there is too much of. */
export function tooMany(what: string, count: number, max: number, path: string): InputError {
	return inputError('invalid_request', `the model has ${count.toLocaleString('en')} ${what}; at most ${max.toLocaleString('en')} can be imported`, [
		{ path, message: `too many ${what}` }
	]);
}

/** Zod issues as the import's issue list (at most 20), with dotted paths under `prefix`. */
export function zodIssues(error: z.ZodError, prefix = ''): Array<{ path: string; message: string }> {
	return error.issues.slice(0, 20).map((issue) => ({ path: joinPath(prefix, ...issue.path.map(String)), message: issue.message }));
}
