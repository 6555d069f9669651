/**
 * A board full of sticky notes, as a Yjs update, for the late-join scenarios.
 *
 * The notes are written field by field under the board's `notes` root (taken from the shared
 * schema, src/lib/shared/board/doc.ts), not with its createNote: this is the update every
 * late-join figure so far was measured with (2,400,957 bytes for 10,000 notes).
 * createNote writes valid notes of today's schema (numbered questions, order keys, colours,
 * STRIDE maps, statuses): 3.84 MB for the same 10,000 notes, 60% more to send each joiner, so
 * late-join would measure a heavier board, not a faster or slower server. The server does not
 * read note contents when it answers a joiner; readers in the app skip these notes as invalid.
 * Should the server ever check what notes contain (a write hook), build them with createNote
 * (an explicit `order`, or it lists the question's notes for every note) and restate the
 * late-join baseline.
 */
import * as Y from 'yjs';
import { notesMap } from '../src/lib/shared/board/doc.ts';

const KINDS = ['threat', 'mitigation', 'assumption', 'question'] as const;
const QUESTIONS = ['what-are-we-working-on', 'what-can-go-wrong', 'what-are-we-going-to-do', 'did-we-do-a-good-job'] as const;
const TEXT_LENGTH = 40;
const CREATED_AT_BASE = Date.UTC(2025, 0, 1);

const cache = new Map<number, Uint8Array>();

function noteText(i: number): string {
	return `Attacker replays session token #${i} `.padEnd(TEXT_LENGTH, '.').slice(0, TEXT_LENGTH);
}

/** The whole board as one update; built once per size and reused for both servers. */
export function notesUpdate(count: number): Uint8Array {
	const cached = cache.get(count);
	if (cached) return cached;
	const doc = new Y.Doc();
	const notes = notesMap(doc);
	doc.transact(() => {
		for (let i = 0; i < count; i++) {
			const note = new Y.Map<unknown>();
			notes.set(`note-${i.toString(36).padStart(6, '0')}`, note);
			note.set('kind', KINDS[i % KINDS.length]);
			note.set('question', QUESTIONS[i % QUESTIONS.length]);
			const text = new Y.Text();
			note.set('text', text);
			text.insert(0, noteText(i));
			note.set('author', `participant-${i % 12}`);
			note.set('order', i);
			note.set('createdAt', CREATED_AT_BASE + i * 1000);
		}
	});
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	cache.set(count, update);
	return update;
}

/** Number of notes in a received full-state update. */
export function countNotes(update: Uint8Array): number {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, update);
		return notesMap(doc).size;
	} finally {
		doc.destroy();
	}
}
