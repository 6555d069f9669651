/**
 * Escaping user text for CommonMark/GFM, so that notes can never break a table or the document
 * structure, inject HTML, or create links. Every ASCII character with inline meaning is
 * backslash-escaped (which CommonMark defines for all ASCII punctuation), constructs that only
 * matter at the start of a line are escaped there, and control and bidi-override characters are
 * dropped. Other Unicode text (emoji, right-to-left scripts) passes through unchanged.
 */
import { cleanText } from '../text.ts';

/** Table cells longer than this (in code points) are cut with TRUNCATION_MARKER. */
export const MAX_TABLE_CELL_CHARS = 300;
/** Headings longer than this are cut (a title is a line, not a paragraph). */
export const MAX_HEADING_CHARS = 200;

// Inline punctuation: code, emphasis, links and images, HTML and autolinks, tables, strikethrough,
// math (GitHub renders $...$), entities, and # for closing heading sequences.
const INLINE_SPECIAL = /[\\`*_[\]<>|~$&!#]/g;

/**
 * GitHub turns bare URLs, www. addresses and e-mail addresses in text into links (GFM autolink
 * literals), after escapes are read, so escaping cannot stop it. They are shown defanged, as
 * security reports write them: https[:]//host, www[.]host, name[@]host. They stay readable and
 * are never links. Schemes and www. are defanged wherever they stand: after "_" or a digit (no
 * word boundary in a regular expression) GitHub still linked them.
 */
export function defangLinks(text: string): string {
	return text
		.replace(/(https?|ftp|mailto|xmpp):/gi, '$1[:]')
		.replace(/(www)\./gi, '$1[.]')
		.replace(/([\w.+-])@(?=[\w-])/g, '$1[@]');
}

/**
 * Markdown written for another tool (a threat-composer description an import brought in, which
 * anyone may since have edited), kept as Markdown with its links, without images, HTML or script
 * links: an image fetches its address for whoever opens the file, HTML can embed or hide anything,
 * and a javascript: link runs. The text is cleaned first (cleanText), so that no character
 * dropped later (a zero-width space, a control character) can join "!" and "[" after this has
 * looked. Every "&" is written as a reference, so that no reference of the text's own can spell a
 * scheme's ":" ("javascript&#58;"); then the "!" of every "![" and every "<" become references,
 * which Markdown never reads as structure and a backslash before them cannot undo (an added
 * backslash could be escaped by one already there: "\<img>"); and a link destination's script,
 * data or file scheme is defanged ("javascript[:]"). Inside code, these show as written ("&lt;").
 */
export function withoutImagesOrHtml(markdown: string): string {
	return cleanText(markdown)
		.replace(/&/g, '&amp;')
		.replace(/!(?=\[)/g, '&#33;')
		.replace(/</g, '&lt;')
		.replace(/(\]\(\s*|^ {0,3}\[[^\]\n]*\]:\s*)(javascript|vbscript|data|file)\s*:/gim, '$1$2[:]');
}

/** Escapes one line of text that is not at the start of a Markdown line. */
export function escapeInline(text: string): string {
	return defangLinks(text).replace(INLINE_SPECIAL, (ch) => `\\${ch}`);
}

/**
 * Escapes one line of text that may start a Markdown line (or a list item): inline escapes, plus
 * the block markers (- + = for lists, breaks and setext headings; : for a table's delimiter row,
 * which turned the line above into a table header; "1." and "1)" for ordered lists). Leading
 * spaces are dropped so text can never turn into an indented code block.
 */
export function escapeLine(text: string): string {
	const escaped = escapeInline(text.trim());
	return escaped.replace(/^([-+=:])/, '\\$1').replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

/**
 * A block of user text as Markdown lines: each line escaped, empty lines dropped, lines joined by
 * hard breaks (a trailing backslash), continuation lines indented by `indent`. Empty text gives
 * `empty`.
 */
export function textBlock(text: string, indent = '', empty = '_(empty)_'): string {
	const lines = cleanText(text)
		.split('\n')
		.map(escapeLine)
		.filter((line) => line !== '');
	if (lines.length === 0) return empty;
	return lines.join(`\\\n${indent}`);
}

/** User text for one table cell: one line, escaped (pipes included), cut to `max` code points. */
export function tableCell(text: string, max = MAX_TABLE_CELL_CHARS): string {
	const flat = cleanText(text).replace(/\s*\n\s*/g, ' ').trim();
	const { text: cut, truncated } = truncate(flat, max);
	const escaped = escapeLine(cut);
	return truncated ? `${escaped} … (truncated, ${codePointLength(flat)} characters in all)` : escaped;
}

/** User text inside a heading: one line, escaped, cut to MAX_HEADING_CHARS. */
export function headingText(text: string): string {
	const flat = cleanText(text).replace(/\s+/g, ' ').trim();
	const { text: cut, truncated } = truncate(flat, MAX_HEADING_CHARS);
	return escapeLine(cut) + (truncated ? ' …' : '');
}

/** Cuts to `max` code points (never splitting a surrogate pair). */
export function truncate(text: string, max: number): { text: string; truncated: boolean } {
	if (text.length <= max) return { text, truncated: false };
	const points = Array.from(text);
	if (points.length <= max) return { text, truncated: false };
	return { text: points.slice(0, max).join('').trimEnd(), truncated: true };
}

function codePointLength(text: string): number {
	let count = 0;
	for (const _ of text) count++;
	return count;
}

/** A GFM table; every cell must already be escaped (see tableCell). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
	const line = (cells: readonly string[]) => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
