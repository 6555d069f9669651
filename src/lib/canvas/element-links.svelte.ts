/**
 * Which canvas elements each note concerns, with the elements' current kind and label, for the
 * chips on notes. Rebuilt once per transaction that touches links or the canvas (not per note),
 * and published whole, so a note only re-renders when its own list changes.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- maps are built whole and published via $state.raw. */
import type * as Y from 'yjs';
import { equalityDeep } from 'lib0/function';
import { onBoardChange } from '#shared/board/doc';
import { listLinks } from '#shared/board/links';
import { onCanvasChange, readCanvasElement, type CanvasElementSummary } from '#shared/canvas/elements';

export interface NoteElement {
	elementId: string;
	/** Undefined when the element has been deleted from the canvas (the link is kept). */
	element: CanvasElementSummary | undefined;
}

const EMPTY: readonly NoteElement[] = [];

export class ElementLinks {
	#byNote = $state.raw<ReadonlyMap<string, readonly NoteElement[]>>(new Map());
	/** The live canvas links, listed again only when links change (listing reads every note). */
	#links: Array<{ noteId: string; elementId: string }> = [];
	readonly #doc: Y.Doc;
	readonly #cleanups: Array<() => void>;

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		this.#relist();
		this.#cleanups = [
			// Not on note edits: typing must stay cheap, and deleting a note deletes its links.
			onBoardChange(doc, (changes) => {
				if (changes.links) this.#relist();
			}),
			// A shape dragged by someone changes its record many times a second: only re-read
			// elements that notes point at, and only when one of them changed.
			onCanvasChange(doc, (changedIds) => {
				if (this.#links.some((link) => changedIds.has(link.elementId))) this.#rebuild();
			})
		];
	}

	of(noteId: string): readonly NoteElement[] {
		return this.#byNote.get(noteId) ?? EMPTY;
	}

	destroy(): void {
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
	}

	#relist(): void {
		this.#links = listLinks(this.#doc).flatMap((link) =>
			link.kind === 'canvas' ? [{ noteId: link.noteId, elementId: link.elementId }] : []
		);
		this.#rebuild();
	}

	#rebuild(): void {
		const next = new Map<string, NoteElement[]>();
		for (const { noteId, elementId } of this.#links) {
			const list = next.get(noteId) ?? [];
			list.push({ elementId, element: readCanvasElement(this.#doc, elementId) });
			next.set(noteId, list);
		}
		// Keep the previous array for notes whose list did not change, so they do not re-render.
		const previous = this.#byNote;
		const merged = new Map<string, readonly NoteElement[]>();
		for (const [noteId, list] of next) {
			const old = previous.get(noteId);
			merged.set(noteId, old && equalityDeep(old, list) ? old : list);
		}
		this.#byNote = merged;
	}
}
