/**
 * Participant ids in an export are replaced by pseudonyms ("person-0001", ...), everywhere they
 * appear: the people list, note authors, risk deciders, estimation picks and closing-poll answers.
 *
 * Why not the real ids: since issue 14 a participant id is also the voter id of that person's
 * dots, so exporting both would tie every ballot to a name in a file meant to be committed next
 * to code. Votes keep their own "voter-0001" numbering (snapshot.ts), in id order; people are
 * numbered in join order instead, so the two numberings say nothing about each other. An id is
 * also half of a participant's credentials (`<id>.<secret>`): it has no business in a file.
 *
 * Numbering is stable through export, import, export: an imported room keeps the pseudonyms as
 * its ids, and they sort as the originals did.
 */
import type { Note } from '../board/schema.ts';
import type { PollResult } from '../control/rounds.ts';

/** Someone in the people list, as the pseudonyms are assigned (join order, then id). */
export interface PersonEntry {
	id: string;
	joinedAt: number;
}

/**
 * Pseudonyms for every participant id: people first, in join order, then ids that appear only on
 * notes, decisions, picks or poll answers (older or restored rooms), in id order.
 */
export function participantPseudonyms(people: readonly PersonEntry[], notes: readonly Note[], poll: readonly PollResult[]): Map<string, string> {
	const known = [...people].sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1)).map((p) => p.id);
	const listed = new Set(known);
	const others = new Set<string>();
	const see = (id: string | undefined) => {
		if (id !== undefined && !listed.has(id)) others.add(id);
	};
	for (const note of notes) {
		see(note.authorId);
		if (note.kind !== 'threat') continue;
		see(note.decision?.deciderId);
		for (const pick of note.estimate?.picks ?? []) see(pick.participantId);
	}
	for (const result of poll) see(result.participantId);
	// The default sort compares UTF-16 code units: no locale rules, so bytes are stable.
	const ids = [...known, ...[...others].sort()];
	const width = Math.max(4, String(ids.length).length);
	return new Map(ids.map((id, i) => [id, `person-${String(i + 1).padStart(width, '0')}`]));
}

/** The note with every participant id in it replaced (ids missing from `alias` are kept). */
export function pseudonymousNote(note: Note, alias: ReadonlyMap<string, string>): Note {
	const as = (id: string) => alias.get(id) ?? id;
	const authored = note.authorId === undefined ? note : { ...note, authorId: as(note.authorId) };
	if (authored.kind !== 'threat') return authored;
	const { decision, estimate } = authored;
	return {
		...authored,
		...(decision && { decision: { ...decision, deciderId: as(decision.deciderId) } }),
		...(estimate && { estimate: { ...estimate, picks: estimate.picks.map((pick) => ({ ...pick, participantId: as(pick.participantId) })) } })
	};
}
