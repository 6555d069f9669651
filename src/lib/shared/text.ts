/**
 * The character rules for text people write, in one place: what a single-line field (names,
 * owners) and a printable field (titles) may hold, and what is stripped before text is shown or
 * exported. Counted in UTF-16 code units, like JavaScript string length and Y.Text length.
 *
 * Controls hide content in logs, terminals and exports; bidi overrides make text display other
 * than it reads; zero-width characters make two different names look the same.
 */

/** No C0 control characters and no DEL: names, owners and other one-line fields. */
// eslint-disable-next-line no-control-regex
export const SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
/** As SINGLE_LINE, but tab and line feed are allowed: titles (the HTTP API's rule). */
// eslint-disable-next-line no-control-regex
export const PRINTABLE = /^[^\u0000-\u0008\u000b-\u001f\u007f]*$/;

/** C0 and C1 controls except tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Bidi embedding, override and isolate controls. */
export const BIDI_CONTROL_CHARS = /[\u202a-\u202e\u2066-\u2069]/g;
/**
 * Invisible characters that hide content or make two texts look alike: zero-width space,
 * left-to-right and right-to-left marks, word joiner and invisible operators, the byte-order mark.
 * Zero-width (non-)joiners stay: emoji sequences and Persian and Indic scripts need them.
 */
export const INVISIBLE_CHARS = /[\u200b\u200e\u200f\u2060-\u2064\ufeff]/g;

/** What a name may not hold: controls, bidi controls, invisible characters. */
// eslint-disable-next-line no-control-regex
export const NAME_SAFE = /^[^\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\u2060-\u2064\ufeff]*$/;

/** Double quote marks and their look-alikes (fullwidth, low, reversed, primes). */
const DOUBLE_QUOTE_MARKS = /[“”„‟″‶〝〞＂]/g;

/**
 * Text in curly quotes that its own text cannot fake: its double quote marks, and marks that look
 * like them, become straight ones, so that only the outer pair is curly.
 */
export function curlyQuoted(text: string): string {
	return `“${text.replace(DOUBLE_QUOTE_MARKS, '"')}”`;
}

/**
 * A JSON.stringify replacer that passes every string through cleanText: for the files other
 * tools import (Threat Dragon, threat-composer), which the Markdown and CSV exports already clean.
 */
export const cleanJsonStrings = (_key: string, value: unknown): unknown => (typeof value === 'string' ? cleanText(value) : value);

/** Drops control, bidi-override and invisible characters; all line breaks become \n, tabs spaces. */
export function cleanText(text: string): string {
	return text
		.replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
		.replace(/\t/g, ' ')
		.replace(CONTROL_CHARS, '')
		.replace(BIDI_CONTROL_CHARS, '')
		.replace(INVISIBLE_CHARS, '');
}
