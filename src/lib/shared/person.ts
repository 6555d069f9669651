/**
 * A person as the workshop shows them: a display name they chose and a colour. One definition
 * for presence, note authors, facilitator names and the UI's avatars.
 */
import { z } from 'zod';
import { NAME_SAFE } from './text.ts';

export const MAX_DISPLAY_NAME_LENGTH = 40;

export const PRESENCE_COLORS = [
	'#2563eb', // blue
	'#db2777', // pink
	'#059669', // green
	'#d97706', // amber
	'#7c3aed', // violet
	'#dc2626', // red
	'#0891b2', // cyan
	'#65a30d' // lime
] as const;

export const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/);

export const DisplayName = z
	.string()
	.trim()
	.min(1, 'name is required')
	.max(MAX_DISPLAY_NAME_LENGTH, `name must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`)
	.regex(NAME_SAFE, 'name must not contain control, direction-changing or invisible characters');

/** A participant's id in a workshop (server/rounds/identity.ts); the same shape as a RecordId. */
export const ParticipantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const Person = z.object({
	name: DisplayName,
	color: HexColor,
	/** Set once this person has joined the workshop with an identity: it tells people with the same name apart. */
	participantId: ParticipantId.optional()
});
export type Person = z.infer<typeof Person>;

/** Letters with a stroke or ligatures, which Unicode does not decompose, as their plain letters. */
const UNDECOMPOSED: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ŧ: 't', ƀ: 'b', ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ð: 'd' };
const UNDECOMPOSED_CHARS = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'g');

/**
 * A display name as people compare names: case, spacing, compatibility forms ("Ａ"), accents and
 * strokes ("Søren" is "Soren"), and characters nobody sees (joiners, soft hyphens, variation
 * selectors, fillers) aside. Two names with the same fold are the same name, for the reports'
 * "#1"/"#2" and for the server's name rules alike.
 */
export function foldName(name: string): string {
	return name
		.normalize('NFKC')
		.normalize('NFD')
		.replace(/\p{Mn}|\p{Default_Ignorable_Code_Point}/gu, '')
		.toLocaleLowerCase('en')
		.replace(UNDECOMPOSED_CHARS, (ch) => UNDECOMPOSED[ch])
		.replace(/\s+/g, ' ')
		.trim();
}

/** A stable colour for a client id, so a person keeps their colour across reloads. */
export function colorFor(seed: number): string {
	return PRESENCE_COLORS[Math.abs(seed) % PRESENCE_COLORS.length];
}

/**
 * Labels for people by participant id: the display name, and where two people share one, a short
 * suffix from their participant id ("Alex · 3f9a"), so that two Alexes stay two people on screen.
 */
export function distinctNames(people: ReadonlyArray<{ participantId: string; name: string }>): Map<string, string> {
	// Names compare as the reports compare them: "Søren" and "SOREN" are one name, two people.
	const byName = new Map<string, Set<string>>();
	for (const { participantId, name } of people) {
		const key = foldName(name);
		const ids = byName.get(key) ?? new Set<string>();
		ids.add(participantId);
		byName.set(key, ids);
	}
	const labels = new Map<string, string>();
	for (const { participantId, name } of people) {
		const shared = (byName.get(foldName(name))?.size ?? 0) > 1;
		labels.set(participantId, shared ? `${name} · ${shortId(participantId)}` : name);
	}
	return labels;
}

/** The first four characters of a participant id: enough to tell a handful of namesakes apart. */
export function shortId(participantId: string): string {
	return participantId.slice(0, 4);
}
