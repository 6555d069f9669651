/**
 * How the reports name people: the display name, a short suffix when two people share it (they
 * are two people since issue 14, and a report that merged them would misstate who decided or who
 * took part), and the workshop role the facilitator gave, e.g. "Ada (Security)",
 * "Alex #1 (Engineering)", "Alex #2". Plain text: the renderers escape it.
 */
import { WORKSHOP_ROLE_LABELS } from '../control/rounds.ts';
import { foldName } from '../person.ts';
import { curlyQuoted } from '../text.ts';
import type { ExportPerson } from './snapshot.ts';

/** Label by (pseudonymous) participant id. */
export function personLabels(people: readonly ExportPerson[]): Map<string, string> {
	// Join order decides who is #1; names match as a reader would compare them.
	const ordered = [...people].sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
	const byName = new Map<string, ExportPerson[]>();
	for (const person of ordered) {
		const key = nameKey(person.name);
		byName.set(key, [...(byName.get(key) ?? []), person]);
	}
	const labels = new Map<string, string>();
	for (const same of byName.values()) {
		same.forEach((person, i) => {
			const suffix = same.length > 1 ? ` #${i + 1}` : '';
			const role = person.role ? ` (${WORKSHOP_ROLE_LABELS[person.role]})` : '';
			labels.set(person.id, `${shownName(person.name)}${suffix}${role}`);
		});
	}
	return labels;
}

/**
 * A name as a list of people shows it: in quotes when it holds what the list and the labels use
 * themselves (a comma, brackets, "#"), so that a participant named "Bob (Security), Carol #2"
 * reads as one person, not two with a role and a suffix, and "Bob (removed by a facilitator)" does
 * not pass for a mark of the report's. Any bracket counts (Unicode's open and close punctuation:
 * "﹙", "❨", "⁽" read as "(" too). Quotes of the name's own are made straight.
 */
export function shownName(name: string): string {
	return /[\p{Ps}\p{Pe},#“”„‟″‶〝〞＂，＃]/u.test(name) ? curlyQuoted(name) : name;
}

/** The comparison key of a display name (foldName): "Alice", "ALICE" and "Ａlice" are the same name. */
export function nameKey(name: string): string {
	return foldName(name);
}
