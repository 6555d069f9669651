/**
 * Search and filters for the board. Pure: the view feeds notes and a way to look up linked
 * threats, and gets back whether each note is shown.
 *
 * A STRIDE filter shows the threats in that category and the mitigations that address one of
 * them (what a team asks: "how do we handle spoofing?"); notes of other kinds are hidden.
 * A status filter shows the threats or mitigations in that status. Text matches the note's
 * text, its author and a mitigation's owner, ignoring case.
 */
import { noteLinkOtherId } from '#shared/board/doc';
import type { LinkRecord, MitigationStatus, Note, StrideLetter, ThreatStatus } from '#shared/board/schema';

export interface BoardFilter {
	text: string;
	stride: StrideLetter | '';
	status: ThreatStatus | MitigationStatus | '';
	author: string;
}

export const EMPTY_FILTER: BoardFilter = { text: '', stride: '', status: '', author: '' };

export function isFilterActive(filter: BoardFilter): boolean {
	return filter.text.trim() !== '' || filter.stride !== '' || filter.status !== '' || filter.author !== '';
}

/** Whether the text part of the filter is in use (the view then re-filters on text edits). */
export function filtersOnText(filter: BoardFilter): boolean {
	return filter.text.trim() !== '';
}

export interface FilterContext {
	/** Threats linked to a mitigation. */
	linkedThreats(noteId: string): readonly Note[];
}

export function noteMatches(note: Note, filter: BoardFilter, context: FilterContext): boolean {
	if (filter.author && note.author !== filter.author) return false;
	if (filter.status && (note.kind === 'threat' || note.kind === 'mitigation' ? note.status : '') !== filter.status) {
		return false;
	}
	if (filter.stride && !matchesStride(note, filter.stride, context)) return false;
	const query = filter.text.trim().toLocaleLowerCase();
	return query === '' || searchableText(note).includes(query);
}

function matchesStride(note: Note, letter: StrideLetter, context: FilterContext): boolean {
	if (note.kind === 'threat') return note.stride.includes(letter);
	if (note.kind === 'mitigation') {
		return context.linkedThreats(note.id).some((threat) => threat.kind === 'threat' && threat.stride.includes(letter));
	}
	return false;
}

function searchableText(note: Note): string {
	const owner = note.kind === 'mitigation' ? note.owner : '';
	return `${note.text}\n${note.author}\n${owner}`.toLocaleLowerCase();
}

/** Distinct authors, sorted for the author filter's options. */
export function authorsOf(notes: Iterable<Note>): string[] {
	const names = new Set<string>();
	for (const note of notes) names.add(note.author);
	return [...names].sort((a, b) => a.localeCompare(b));
}

/**
 * The notes a spotlight on `elementId` shows: the notes linked to the element (its threats, and
 * component or asset notes tied to it) and the notes linked to those threats (their mitigations,
 * assets and agents). Every other note is hidden until the spotlight is cleared.
 */
export function spotlitNotes(links: readonly LinkRecord[], elementId: string): Set<string> {
	const shown = new Set<string>();
	for (const link of links) if (link.kind === 'canvas' && link.elementId === elementId) shown.add(link.noteId);
	for (const link of links) {
		if (link.kind !== 'canvas' && shown.has(link.threatId)) shown.add(noteLinkOtherId(link));
	}
	return shown;
}
