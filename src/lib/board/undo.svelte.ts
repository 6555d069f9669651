/**
 * Undo and redo of this person's own changes: one Y.UndoManager per session over notes (with
 * their text), links and votes, tracking USER_ORIGIN only, so other people's edits and the
 * offline copy are never reverted. Typing within CAPTURE_TIMEOUT_MS merges into one step;
 * discrete actions (create, delete, move, a field) are always their own step.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps and Sets are built whole and
   published through $state.raw or version counters (or are not view state at all), by design. */
import * as Y from 'yjs';
import { boardUndoScope } from '#shared/board/observe';
import { USER_ORIGIN } from '$lib/sync/origin.ts';

const CAPTURE_TIMEOUT_MS = 600;

export type UndoStep = object;

export class BoardUndo {
	readonly #manager: Y.UndoManager;
	#canUndo = $state(false);
	#canRedo = $state(false);

	constructor(doc: Y.Doc) {
		this.#manager = new Y.UndoManager(boardUndoScope(doc), {
			trackedOrigins: new Set([USER_ORIGIN]),
			captureTimeout: CAPTURE_TIMEOUT_MS
		});
		for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) {
			this.#manager.on(event, this.#refresh);
		}
	}

	get canUndo(): boolean {
		return this.#canUndo;
	}
	get canRedo(): boolean {
		return this.#canRedo;
	}

	undo(): boolean {
		return this.#manager.undo() !== null;
	}
	redo(): boolean {
		return this.#manager.redo() !== null;
	}

	/** Ends the current step, so the next change starts a new one. */
	boundary(): void {
		this.#manager.stopCapturing();
	}

	/** The step on top of the undo stack (to undo one specific action from a toast). */
	top(): UndoStep | undefined {
		return this.#manager.undoStack.at(-1);
	}

	/** Undoes `step` if nothing was done after it; false otherwise. */
	undoStep(step: UndoStep): boolean {
		return this.top() === step && this.undo();
	}

	destroy(): void {
		this.#manager.destroy();
	}

	#refresh = (): void => {
		this.#canUndo = this.#manager.undoStack.length > 0;
		this.#canRedo = this.#manager.redoStack.length > 0;
	};
}
