/**
 * The threats the canvas's chooser offers for a selection: every threat, matching the search
 * (text or author, ignoring case), those linked to every selected element first. Pure.
 */
import type { Link, ThreatNote } from '#shared/board/schema';

export interface ThreatChoice {
	note: ThreatNote;
	/** Linked to every element of the selection. */
	linked: boolean;
	/** Linked to some but not all of them. */
	partly: boolean;
}

export function threatChoices(threats: readonly ThreatNote[], links: readonly Link[], elementIds: readonly string[], query: string): ThreatChoice[] {
	const wanted = new Set(elementIds);
	const hits = new Map<string, number>();
	for (const link of links) {
		if (link.kind === 'canvas' && wanted.has(link.elementId)) hits.set(link.noteId, (hits.get(link.noteId) ?? 0) + 1);
	}
	const needle = query.trim().toLocaleLowerCase();
	const choices: ThreatChoice[] = [];
	for (const note of threats) {
		if (needle && !`${note.text}\n${note.author}`.toLocaleLowerCase().includes(needle)) continue;
		const count = hits.get(note.id) ?? 0;
		choices.push({ note, linked: wanted.size > 0 && count >= wanted.size, partly: count > 0 && count < wanted.size });
	}
	// Stable: linked first, then as given (board order).
	return choices.sort((a, b) => Number(b.linked || b.partly) - Number(a.linked || a.partly));
}
