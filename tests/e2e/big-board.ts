/**
 * The 500-note board that the browser bench (bench/browser/) measures and board-guards.spec.ts
 * guards: issue 3's "a board with 500 notes stays interactive". The notes are spread over the
 * lanes as a workshop fills them (threats most), with text of realistic length.
 */
import * as Y from 'yjs';
import { createNote, listNotes } from '../../src/lib/shared/board/doc.ts';
import type { NoteKind, QuestionNumber } from '../../src/lib/shared/board/schema.ts';
import { seedBoard, type SeedTarget } from './helpers.ts';

export const BIG_BOARD_NOTES = 500;
/** Threats (question 2) on the big board: 3 in every 10 notes. */
export const BIG_BOARD_THREATS = 150;

const KINDS: Array<[NoteKind, QuestionNumber]> = [
	['component', 1],
	['threat', 2],
	['threat', 2],
	['mitigation', 3],
	['threat', 2],
	['assumption', 1],
	['mitigation', 3],
	['retro', 4],
	['question', 2],
	['asset', 1]
];

export function buildBigBoard(doc: Y.Doc): void {
	for (let i = 0; i < BIG_BOARD_NOTES; i++) {
		const [kind, question] = KINDS[i % KINDS.length];
		createNote(doc, {
			kind,
			question,
			text: `Note ${i}: ${kind} about the payments API, with a sentence of realistic length`,
			author: ['Ana', 'Ben', 'Chen', 'Dee'][i % 4],
			authorColor: '#2563eb'
		} as Parameters<typeof createNote>[1]);
	}
}

/** Seeds the big board into a room; returns the id of the last threat (the end of its lane). */
export async function seedBigBoard(roomId: string, target?: SeedTarget): Promise<{ lastThreat: string }> {
	let lastThreat = '';
	await seedBoard(
		roomId,
		(doc) => {
			buildBigBoard(doc);
			lastThreat = listNotes(doc, { question: 2, kind: 'threat' }).at(-1)?.id ?? '';
		},
		target
	);
	return { lastThreat };
}
