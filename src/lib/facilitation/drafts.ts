/**
 * Silent-round drafts kept in this browser only (localStorage, per room): never in the board
 * document, so never on the server, until the facilitator reveals and this browser publishes.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { authorFields } from '#shared/board/doc';
import { createLinkedThreat } from '#shared/board/links';
import { createRecordId } from '#shared/ids';
import { CanvasElementId, MAX_NOTE_TEXT_LENGTH, RecordId, StrideLetterSchema, Timestamp, type StrideLetter } from '#shared/board/schema';
import type { Person } from '#shared/person';

/** Elements one draft may concern (a selection of a whole diagram is not a threat). */
export const MAX_DRAFT_ELEMENTS = 50;

export const Draft = z.object({
	id: RecordId,
	text: z.string().max(MAX_NOTE_TEXT_LENGTH),
	/** The silent round it was written in; published once that round is revealed. */
	round: z.number().int().positive(),
	createdAt: Timestamp,
	/** Canvas elements the threat concerns (a gap cell, a canvas selection, the spotlight). */
	elementIds: z.array(CanvasElementId).max(MAX_DRAFT_ELEMENTS).optional(),
	/** The STRIDE letter it answers (a gap cell of the coverage map). */
	stride: StrideLetterSchema.optional()
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

/** What a draft is about, when it was started from the diagram or the coverage map. */
export interface DraftSubject {
	elementIds?: readonly string[];
	stride?: StrideLetter;
}

export function newDraft(round: number, now = Date.now(), subject: DraftSubject = {}): Draft {
	const draft: Draft = { id: createRecordId(), text: '', round, createdAt: now };
	const elementIds = subject.elementIds?.filter((id) => CanvasElementId.safeParse(id).success).slice(0, MAX_DRAFT_ELEMENTS);
	if (elementIds?.length) draft.elementIds = [...new Set(elementIds)];
	if (subject.stride) draft.stride = subject.stride;
	return draft;
}

/**
 * Writes the drafts of revealed rounds to the board as threats of "What can go wrong?", in one
 * transaction, oldest first, with the elements and STRIDE letter they were started with. Blank
 * drafts are dropped. Returns the drafts that remain private.
 */
export function publishDrafts(doc: Y.Doc, drafts: readonly Draft[], revealedRound: number, author: Person): Draft[] {
	const due = drafts.filter((d) => d.round <= revealedRound).sort((a, b) => a.createdAt - b.createdAt);
	if (due.length === 0) return [...drafts];
	doc.transact(() => {
		for (const draft of due) {
			if (draft.text.trim() === '') continue;
			const fields = { text: draft.text, ...authorFields(author), createdAt: draft.createdAt, stride: draft.stride ? [draft.stride] : [] };
			createLinkedThreat(doc, fields, draft.elementIds ?? []);
		}
	});
	return drafts.filter((d) => d.round > revealedRound);
}
