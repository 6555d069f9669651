/**
 * Silent-round drafts kept in this browser only (localStorage, per room): never in the board
 * document, so never on the server, until the facilitator reveals and this browser publishes.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { authorFields, createNote } from '#shared/board/doc';
import { createRecordId } from '#shared/ids';
import { MAX_NOTE_TEXT_LENGTH, RecordId, Timestamp } from '#shared/board/schema';
import type { Person } from '#shared/person';

export const Draft = z.object({
	id: RecordId,
	text: z.string().max(MAX_NOTE_TEXT_LENGTH),
	/** The silent round it was written in; published once that round is revealed. */
	round: z.number().int().positive(),
	createdAt: Timestamp
});
export type Draft = z.infer<typeof Draft>;
/** Drafts one browser keeps for one room at most (a runaway loop must not fill storage). */
export const MAX_DRAFTS = 200;

export function parseDrafts(json: string | null): Draft[] {
	if (!json) return [];
	try {
		const parsed = z.array(z.unknown()).safeParse(JSON.parse(json));
		if (!parsed.success) return [];
		return parsed.data.flatMap((value) => {
			const draft = Draft.safeParse(value);
			return draft.success ? [draft.data] : [];
		});
	} catch {
		return [];
	}
}

export function newDraft(round: number, now = Date.now()): Draft {
	return { id: createRecordId(), text: '', round, createdAt: now };
}

/**
 * Writes the drafts of revealed rounds to the board as threats of "What can go wrong?", in one
 * transaction, oldest first. Blank drafts are dropped. Returns the drafts that remain private.
 */
export function publishDrafts(doc: Y.Doc, drafts: readonly Draft[], revealedRound: number, author: Person): Draft[] {
	const due = drafts.filter((d) => d.round <= revealedRound).sort((a, b) => a.createdAt - b.createdAt);
	if (due.length === 0) return [...drafts];
	doc.transact(() => {
		for (const draft of due) {
			if (draft.text.trim() === '') continue;
			createNote(doc, {
				kind: 'threat',
				question: 2,
				text: draft.text,
				...authorFields(author),
				createdAt: draft.createdAt
			});
		}
	});
	return drafts.filter((d) => d.round > revealedRound);
}
