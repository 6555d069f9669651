/**
 * Every write the board makes, through the shared accessors, in transactions marked with
 * USER_ORIGIN (so the undo manager sees them and nothing else). Discrete actions are separate
 * undo steps; text edits merge while someone types.
 */
import type * as Y from 'yjs';
import { authorFields, createNote, deleteNote, recordRiskDecision, moveNote, readScope, setScope, setStrideLetter, updateNoteFields } from '#shared/board/doc';
import { addLink, createLinkedThreat, noteLinkId, removeLink } from '#shared/board/links';
import { duplicateNote } from '#shared/board/duplicate';
import { captureNote, restoreNote, type DeletedNote } from '#shared/board/restore';
import { castVote, removeVote, type CastVoteResult } from '#shared/board/votes';
import { setNoteText } from '#shared/board/note-text';
import type { NoteKind, NoteLinkKind, NotePatch, QuestionNumber, RiskDecision, StrideLetter } from '#shared/board/schema';
import { linkId } from '#shared/board/schema';
import type { Person } from '#shared/person';
import { USER_ORIGIN } from '$lib/sync/origin.ts';
import type { BoardUndo, UndoStep } from './undo.svelte.ts';

export class BoardActions {
	readonly #doc: Y.Doc;
	readonly #undo: BoardUndo;
	readonly #voterId: () => string | undefined;

	constructor(doc: Y.Doc, undo: BoardUndo, voterId: () => string | undefined) {
		this.#doc = doc;
		this.#undo = undo;
		this.#voterId = voterId;
	}

	/** A new note; a threat is linked to `elementIds` in the same step (the spotlit element). */
	create(kind: NoteKind, question: QuestionNumber, author: Person, elementIds: readonly string[] = []): string {
		if (kind === 'threat' && elementIds.length > 0) {
			return this.#step(() => createLinkedThreat(this.#doc, { question, ...authorFields(author) }, elementIds));
		}
		return this.#step(() => createNote(this.#doc, { kind, question, ...authorFields(author) }));
	}

	/**
	 * Deletes a note with its links and votes. Returns the undo step that brings it back, and what
	 * was deleted, for when that step is no longer the last one (see restore).
	 */
	remove(id: string): { step: UndoStep; deleted: DeletedNote } | undefined {
		const deleted = captureNote(this.#doc, id);
		if (!deleted || !this.#step(() => deleteNote(this.#doc, id))) return undefined;
		const step = this.#undo.top();
		return step && { step, deleted };
	}

	/** Brings a deleted note back as a new step of its own (so Ctrl+Z deletes it again). */
	restore(deleted: DeletedNote): boolean {
		return this.#step(() => restoreNote(this.#doc, deleted));
	}

	move(id: string, question: QuestionNumber, order: string): boolean {
		return this.#step(() => moveNote(this.#doc, id, { question, order }));
	}

	/** Text typed into a note: a minimal diff, merged with the keystrokes around it. */
	setText(id: string, text: string): boolean {
		return this.#doc.transact(() => setNoteText(this.#doc, id, text), USER_ORIGIN);
	}

	/** The workshop's scope as someone types it (merged into one undo step with the keystrokes around it). */
	setScope(scope: string): void {
		this.#doc.transact(() => {
			if (readScope(this.#doc) !== scope) setScope(this.#doc, scope);
		}, USER_ORIGIN);
	}

	setStride(id: string, letter: StrideLetter, on: boolean): boolean {
		return this.#step(() => setStrideLetter(this.#doc, id, letter, on));
	}

	/** Accepts or transfers a threat's risk, recording who decided, why and until when. */
	decide(id: string, decision: RiskDecision): boolean {
		return this.#step(() => recordRiskDecision(this.#doc, id, decision));
	}

	patch(id: string, patch: NotePatch): boolean {
		return this.#step(() => updateNoteFields(this.#doc, id, patch));
	}

	/** Links a threat and a mitigation, asset or agent (given in either order). */
	link(a: string, b: string, kind: NoteLinkKind = 'mitigates'): boolean {
		return this.#step(() => addLink(this.#doc, { kind, a, b }).ok);
	}

	unlink(threatId: string, otherId: string, kind: NoteLinkKind = 'mitigates'): boolean {
		return this.#step(() => removeLink(this.#doc, noteLinkId(kind, threatId, otherId)));
	}

	/** Ties a note to a diagram element (a threat about it, or the component or asset it shows). */
	linkElement(noteId: string, elementId: string): boolean {
		return this.#step(() => addLink(this.#doc, { kind: 'canvas', noteId, elementId }).ok);
	}

	unlinkElement(noteId: string, elementId: string): boolean {
		return this.#step(() => removeLink(this.#doc, linkId({ kind: 'canvas', noteId, elementId })));
	}

	/** A copy of a note right after it, with the same links (one undo step). */
	duplicate(id: string, author: Person): string | undefined {
		return this.#step(() => duplicateNote(this.#doc, id, author));
	}

	/** One more of this person's dots on a note, within `budget` dots in all (once they have joined). */
	vote(id: string, budget: number): CastVoteResult | { ok: false; reason: 'not_joined' } {
		const voterId = this.#voterId();
		if (!voterId) return { ok: false, reason: 'not_joined' };
		return this.#step(() => castVote(this.#doc, voterId, id, budget));
	}

	unvote(id: string): boolean {
		const voterId = this.#voterId();
		return voterId !== undefined && this.#step(() => removeVote(this.#doc, voterId, id));
	}

	#step<T>(write: () => T): T {
		this.#undo.boundary();
		const result = this.#doc.transact(write, USER_ORIGIN);
		this.#undo.boundary();
		return result;
	}
}
