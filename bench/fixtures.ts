/**
 * A board full of sticky notes, as a Yjs update. The shared schema module (src/lib/shared/
 * board-doc.ts) has no note accessors yet, so the shape is written out here: a `notes` root map
 * of note maps {kind, question, text (Y.Text), author, order, createdAt}. Switch to the shared
 * accessors once they exist.
 */
import * as Y from 'yjs';

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
	const notes = doc.getMap<Y.Map<unknown>>('notes');
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
		return doc.getMap('notes').size;
	} finally {
		doc.destroy();
	}
}
