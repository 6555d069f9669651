/**
 * Reading an untrusted import file as JSON, with bounds checked before anything is built from it:
 * size in bytes, nesting depth (scanned in the text, before JSON.parse and before any recursive
 * walk, so a 10,000-deep file cannot overflow a stack), and well-formedness. Errors say what is
 * wrong and where: a JSON path, or a line and column when the text is not JSON at all.
 *
 * JSON.parse defines every key as an own data property, so a `__proto__` key in a file is an
 * ordinary key here; the converters only ever read keys they know (through zod schemas that
 * drop the rest) and keep untrusted ids in Maps, never as keys of plain objects.
 */
import { MAX_JSON_DEPTH } from '../export/json-value.ts';
import { MAX_IMPORT_BYTES } from '../export/json.ts';

/**
 * Deepest nesting accepted in a whole file: canvas records in a Threatboard export sit three
 * levels down and may themselves be MAX_JSON_DEPTH deep; the other formats are about ten deep.
 */
export const MAX_IMPORT_JSON_DEPTH = MAX_JSON_DEPTH + 8;
/** Longest key kept for a path in an error message. */
const MAX_PATH_KEY_LENGTH = 60;

export interface InputIssue {
	path: string;
	message: string;
}

export type InputErrorCode = 'invalid_json' | 'invalid_request' | 'payload_too_large';

export interface InputError {
	ok: false;
	code: InputErrorCode;
	message: string;
	issues: InputIssue[];
}

export type JsonInput = { ok: true; value: unknown } | InputError;

export function inputError(code: InputErrorCode, message: string, issues: InputIssue[] = []): InputError {
	return { ok: false, code, message, issues };
}

/** UTF-8 bytes of an upload, decoded strictly (a file in another encoding is refused, not mangled). */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | InputError {
	if (bytes.byteLength > MAX_IMPORT_BYTES) return tooLarge(bytes.byteLength);
	try {
		return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
	} catch {
		return inputError('invalid_json', 'the file is not UTF-8 text (is it a JSON file?)');
	}
}

/** Parses `text` as JSON within the import bounds. Never throws. */
export function readJsonInput(text: string): JsonInput {
	// Two bytes per UTF-16 unit is an upper bound of UTF-8 only below U+0800; count exactly when near.
	if (text.length * 3 > MAX_IMPORT_BYTES && new TextEncoder().encode(text).byteLength > MAX_IMPORT_BYTES) {
		return tooLarge(new TextEncoder().encode(text).byteLength);
	}
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (body.trim() === '') return inputError('invalid_json', 'the file is empty');
	const depth = checkDepth(body, MAX_IMPORT_JSON_DEPTH);
	if (depth) {
		return inputError('invalid_request', `the file nests deeper than ${MAX_IMPORT_JSON_DEPTH} levels`, [
			{ path: depth, message: 'nested too deeply' }
		]);
	}
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch (err) {
		return inputError('invalid_json', describeSyntaxError(body, err));
	}
}

function tooLarge(bytes: number): InputError {
	return inputError('payload_too_large', `the file is ${formatBytes(bytes)}; at most ${formatBytes(MAX_IMPORT_BYTES)} can be imported`);
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
	if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
	return `${bytes} bytes`;
}

interface Frame {
	array: boolean;
	/** Array: index of the current item. Object: the key being read (or whose value is being read). */
	index: number;
	key: string;
	expectingKey: boolean;
}

/**
 * The JSON path at which `text` first nests deeper than `max`, or undefined. A single pass over
 * the characters that tracks strings, keys and indices; it does not validate the JSON (JSON.parse
 * does that next), so on malformed text it may point at a slightly odd path, never crash.
 */
export function checkDepth(text: string, max: number): string | undefined {
	const stack: Frame[] = [];
	let inString = false;
	let stringStart = 0;
	let lastString = '';
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c /* \ */) i++;
			else if (c === 0x22 /* " */) {
				inString = false;
				const top = stack.at(-1);
				if (top && !top.array && top.expectingKey) lastString = text.slice(stringStart, Math.min(i, stringStart + MAX_PATH_KEY_LENGTH));
			}
			continue;
		}
		switch (c) {
			case 0x22:
				inString = true;
				stringStart = i + 1;
				break;
			case 0x7b /* { */:
			case 0x5b /* [ */:
				stack.push({ array: c === 0x5b, index: 0, key: '', expectingKey: c === 0x7b });
				if (stack.length > max) return framePath(stack);
				break;
			case 0x7d /* } */:
			case 0x5d /* ] */:
				stack.pop();
				break;
			case 0x3a /* : */: {
				const top = stack.at(-1);
				if (top && !top.array) {
					top.key = lastString;
					top.expectingKey = false;
				}
				break;
			}
			case 0x2c /* , */: {
				const top = stack.at(-1);
				if (top?.array) top.index++;
				else if (top) top.expectingKey = true;
				break;
			}
		}
	}
	return undefined;
}

function framePath(stack: readonly Frame[]): string {
	// The last frame is the container that went too deep: the path is where it starts.
	return stack
		.slice(0, -1)
		.map((frame) => (frame.array ? String(frame.index) : frame.key))
		.join('.');
}

/** A syntax error as a person can act on it: line and column, and "truncated" when it ends early. */
function describeSyntaxError(text: string, err: unknown): string {
	const native = err instanceof Error ? err.message : String(err);
	const at = /position (\d+)/.exec(native);
	const position = at ? Number(at[1]) : undefined;
	if (/end of (JSON )?input|Unterminated string/i.test(native) || (position !== undefined && position >= text.trimEnd().length)) {
		return 'the file is not valid JSON: it ends too early (truncated?)';
	}
	// V8 names the unexpected token but not always where it is.
	if (position === undefined) return `the file is not valid JSON (${native.slice(0, 120)})`;
	const before = text.slice(0, position);
	const line = before.split('\n').length;
	const column = position - before.lastIndexOf('\n');
	return `the file is not valid JSON (line ${line}, column ${column})`;
}
