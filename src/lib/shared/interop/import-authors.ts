/**
 * Notes an import wrote: the importers sign them with the tool's name and no participant id. Their
 * labelled trailer lines ("Owner: Ana", "Out of scope: yes") and headed descriptions are read back
 * by the exports for a faithful round trip; a participant may not sign a note so (server/rounds),
 * so that typing such lines into a note of one's own does not turn them into the exported model's
 * fields.
 */
import type { Note } from '../board/schema.ts';

export const TD_AUTHOR = 'Threat Dragon';
export const TC_AUTHOR = 'threat-composer';
export const OTM_AUTHOR = 'Open Threat Model';

/** The names the importers sign their notes with. */
export const IMPORT_AUTHORS: readonly string[] = [TD_AUTHOR, TC_AUTHOR, OTM_AUTHOR];

/** Whether `tool`'s import wrote this note. */
export function importedBy(note: Pick<Note, 'author' | 'authorId'>, tool: string): boolean {
	return note.author === tool && note.authorId === undefined;
}
