/**
 * What a dependency element may carry (issue 15): the server refuses any other (a room hook,
 * server/board/write-rules.ts), and the browser checks a model before placing it, so that an
 * honest placement is never refused. A dependency element names its model by `modelRef` alone;
 * a room id (or a facilitator key, or a link to a room) in it would hand the other room's edit
 * link to every reader of this board, observers included.
 */
import { DFD_META_KEY, MAX_MODEL_NAME_LENGTH, MODEL_DEPENDENCY_KIND, MODEL_NAME_META_KEY } from '../canvas/dfd.ts';
import { isObject } from '../canvas/plain.ts';
import { MODEL_REF_META_KEY, ModelRef } from './contract.ts';

/**
 * A capability as a word in text: 24 (room id) or 43 (secret) base64url characters with both
 * cases, as random tokens have (an English word or a kebab-case name has not), or a workshop link.
 */
const CAPABILITY_LIKE = /(?:^|[^A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])(?:[A-Za-z0-9_-]{24}|[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])|\/w\/[A-Za-z0-9_-]/;

/** Whether a model name (or any text) looks like it carries a room id, a secret or a room link. */
export function looksLikeCapability(text: string): boolean {
	return CAPABILITY_LIKE.test(text);
}

/** Strings walked in one record at most (an honest dependency element has a dozen). */
const MAX_STRINGS = 2_000;

/**
 * Why a canvas record tagged as a dependency element is refused, or undefined when it is fine
 * (or is not a dependency element at all).
 */
export function dependencyRecordProblem(record: unknown): string | undefined {
	if (!isObject(record) || !isObject(record.meta) || record.meta[DFD_META_KEY] !== MODEL_DEPENDENCY_KIND) return undefined;
	const meta = record.meta;
	if (!ModelRef.safeParse(meta[MODEL_REF_META_KEY]).success) return 'a dependency element without a well-formed model ref';
	const name = meta[MODEL_NAME_META_KEY];
	if (name !== undefined && (typeof name !== 'string' || name.length > MAX_MODEL_NAME_LENGTH)) return 'a dependency element with a malformed model name';
	let seen = 0;
	let found = false;
	const walk = (value: unknown): void => {
		if (found || seen > MAX_STRINGS) return;
		if (typeof value === 'string') {
			seen++;
			found = looksLikeCapability(value);
		} else if (Array.isArray(value)) {
			for (const item of value) walk(item);
		} else if (isObject(value)) {
			for (const [key, item] of Object.entries(value)) {
				walk(key);
				walk(item);
			}
		}
	};
	walk(record);
	if (seen > MAX_STRINGS) return 'a dependency element with too much in it';
	return found ? 'a dependency element carrying what looks like a room id or key' : undefined;
}
