/** Colour helpers for presence colours, which may come from other people's browsers. */

function channel(value: number): number {
	const c = value / 255;
	return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
	const n = Number.parseInt(hex.slice(1, 7), 16);
	return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

const LIGHT_TEXT = '#ffffff';
const DARK_TEXT = '#111418';

/** White text when it reaches WCAG AA (4.5:1) on the background, near-black otherwise. */
export function readableTextOn(background: string): string {
	return contrastRatio(background, LIGHT_TEXT) >= 4.5 ? LIGHT_TEXT : DARK_TEXT;
}

/** Letters for an avatar: "Ada Lovelace" -> "AL" (or "A" with max 1), "bob" -> "B". */
export function initials(name: string, max: 1 | 2 = 2): string {
	const words = name.trim().split(/\s+/u).filter(Boolean);
	const letters = words.length > 1 && max === 2 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
	return letters
		.map((word) => Array.from(word)[0] ?? '')
		.join('')
		.toLocaleUpperCase();
}
