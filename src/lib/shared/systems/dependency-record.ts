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

/** A run of base64url characters: the alphabet of every id, key and secret (ids.ts). */
const TOKEN_RUN = /[A-Za-z0-9_-]+/g;
/** A room id (or a system id): 18 random bytes, 24 base64url characters, any of the 64 in any place. */
const ROOM_ID_LENGTH = 24;
/**
 * A secret (facilitator, owner and participant keys, observer ids, co-facilitator keys: 32 bytes of
 * randomness or an HMAC-SHA256) is 43 characters whose last one carries 4 bits, so it is one of
 * these 16.
 */
const SECRET_LENGTH = 43;
const SECRET_LAST_CHARACTER = /[AEIMQUYcgkosw048]$/;
/** A link to a workshop or a system, whatever follows it. */
const ROOM_LINK = /\/[ws]\/[A-Za-z0-9_-]/;
/**
 * A run that reads as a name rather than a random token: words of two or more letters each with
 * a vowel (CamelCase, kebab-case or snake_case: "CheckoutServiceFrontend2", "Checkout-Frontend-
 * Mobile"), with at most two digits at the end. A random room id reads so with probability 4.0e-7
 * and a secret with 6.4e-12 (exact counts over the 64^n tokens, by a dynamic programme over this
 * pattern, 2026-12-06), so exempting such runs lets a name through and practically never an id.
 */
const CAP_WORD = '[A-Z](?=[a-z]*[aeiouy])[a-z]{2,}';
const LOWER_WORD = '(?=[a-z]*[aeiouy])[a-z]{2,}';
const WORD_SHAPED = new RegExp(`^(?:${CAP_WORD}|${LOWER_WORD})(?:[-_]?${CAP_WORD}|[-_]${LOWER_WORD})*(?:[-_]?[0-9]{1,2})?$`);

/** Whether a run of base64url characters standing alone has the shape of a room id or a secret. */
function isCapabilityShaped(run: string): boolean {
	const shaped = run.length === ROOM_ID_LENGTH || (run.length === SECRET_LENGTH && SECRET_LAST_CHARACTER.test(run));
	return shaped && !WORD_SHAPED.test(run);
}

/**
 * Whether a model name (or any text) carries a room id, a secret or a link to a room or system:
 * a run of exactly 24 or 43 base64url characters (not part of a longer run) that does not read as
 * words, or "/w/…" or "/s/…".
 */
export function looksLikeCapability(text: string): boolean {
	if (ROOM_LINK.test(text)) return true;
	for (const [run] of text.matchAll(TOKEN_RUN)) if (isCapabilityShaped(run)) return true;
	return false;
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
