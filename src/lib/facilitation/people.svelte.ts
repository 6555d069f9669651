/**
 * What the facilitator panel shows about people: who said "I'm done" with the current phase
 * (an awareness field each person sets for themselves) and who has written nothing in the
 * current question yet (notes by author name). Both are hints for the facilitator, not rules.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- Maps and Sets here are built whole and published
   through $state.raw (or are listener lists, not view state), by design. */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { z } from 'zod';
import { listNotes, onBoardChange } from '#shared/board/doc';
import { changesNotesPerQuestion } from '#shared/board/observe';
import type { QuestionNumber } from '#shared/board/schema';

/** The awareness field holding the phase someone is done with (see phaseKey). */
export const DONE_FIELD = 'done';
const DoneValue = z.string().max(64);
/** Re-reading every note is cheap but not per keystroke: at most this often. */
const CONTRIBUTION_REFRESH_MS = 500;

/** Names one visit of a question: a "done" from an earlier visit does not count now. */
export function phaseKey(question: QuestionNumber, startedAt: number | null): string {
	return `${question}@${startedAt ?? 0}`;
}

export class DoneSignals {
	readonly #awareness: Awareness;
	#done = $state.raw<ReadonlyMap<number, string>>(new Map());

	constructor(awareness: Awareness) {
		this.#awareness = awareness;
		awareness.on('change', this.#refresh);
		this.#refresh();
	}

	/** Awareness client ids of people done with the phase `key`. */
	doneWith(key: string): Set<number> {
		const ids = new Set<number>();
		for (const [clientId, value] of this.#done) if (value === key) ids.add(clientId);
		return ids;
	}

	/** Says (or takes back) that I am done with phase `key`. */
	set(key: string | null): void {
		this.#awareness.setLocalStateField(DONE_FIELD, key);
	}

	destroy(): void {
		this.#awareness.off('change', this.#refresh);
	}

	#refresh = (): void => {
		const done = new Map<number, string>();
		for (const [clientId, state] of this.#awareness.getStates()) {
			const value = DoneValue.safeParse((state as Record<string, unknown>)[DONE_FIELD]);
			if (value.success) done.set(clientId, value.data);
		}
		this.#done = done;
	};
}

/** Authors of notes per question, refreshed a little after the board changes. */
export class Contributions {
	readonly #doc: Y.Doc;
	readonly #unobserve: () => void;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#authors = $state.raw<ReadonlyMap<QuestionNumber, ReadonlySet<string>>>(new Map());

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		// Not on every keystroke: only when notes come, go or change question.
		this.#unobserve = onBoardChange(doc, (changes, transaction) => {
			if (changes.notes && changesNotesPerQuestion(doc, transaction)) this.#schedule();
		});
		this.#refresh();
	}

	authorsIn(question: QuestionNumber): ReadonlySet<string> {
		return this.#authors.get(question) ?? new Set();
	}

	destroy(): void {
		this.#unobserve();
		if (this.#timer) clearTimeout(this.#timer);
	}

	#schedule(): void {
		this.#timer ??= setTimeout(() => {
			this.#timer = null;
			this.#refresh();
		}, CONTRIBUTION_REFRESH_MS);
	}

	#refresh(): void {
		const authors = new Map<QuestionNumber, Set<string>>();
		for (const note of listNotes(this.#doc)) {
			const set = authors.get(note.question) ?? new Set<string>();
			set.add(note.author);
			authors.set(note.question, set);
		}
		this.#authors = authors;
	}
}
