/** What a note can be linked to, for the link picker: the other kind, linked first, then by text. */
import type { Note } from '#shared/board/schema';

export function linkCandidates(subject: Note, notes: readonly Note[], query: string, linked: ReadonlySet<string>): Note[] {
	const kind = subject.kind === 'threat' ? 'mitigation' : subject.kind === 'mitigation' ? 'threat' : null;
	if (!kind) return [];
	const needle = query.trim().toLocaleLowerCase();
	return notes
		.filter((note) => note.kind === kind && (needle === '' || note.text.toLocaleLowerCase().includes(needle)))
		.sort((a, b) => Number(linked.has(b.id)) - Number(linked.has(a.id)) || a.text.localeCompare(b.text));
}
