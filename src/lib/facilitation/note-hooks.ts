/**
 * How the board hands a new note to facilitation before writing it: during a silent round a new
 * threat becomes a private draft instead (src/lib/facilitation/drafts.ts). One interceptor per
 * board document; the board calls interceptNewNote and writes the note only when it says no.
 */
import type * as Y from 'yjs';
import type { NoteKind, QuestionNumber } from '#shared/board/schema';

export interface NewNote {
	kind: NoteKind;
	question: QuestionNumber;
}

type Interceptor = (note: NewNote) => boolean;

const interceptors = new WeakMap<Y.Doc, Interceptor>();

/** Registers the interceptor for a board document; returns the function that removes it. */
export function setNoteInterceptor(doc: Y.Doc, interceptor: Interceptor): () => void {
	interceptors.set(doc, interceptor);
	return () => {
		if (interceptors.get(doc) === interceptor) interceptors.delete(doc);
	};
}

/** True when facilitation took the note (the board must not create it). */
export function interceptNewNote(doc: Y.Doc, note: NewNote): boolean {
	return interceptors.get(doc)?.(note) ?? false;
}
