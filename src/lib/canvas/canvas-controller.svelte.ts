/**
 * The workshop page's handle on the canvas, shared by the canvas itself and the board (which
 * shows, on each note, the elements it concerns and jumps to them). The tldraw island may be
 * loading, blocked (licence, newer room schema) or absent; everything here copes with that.
 * The canvas does not import the board: it tells whoever listens (onNoteAdded) about notes it adds.
 */
import { createContext } from 'svelte';
import { authorFields, isElementOnCanvas, readNote } from '#shared/board/doc';
import { onCanvasChange } from '#shared/canvas/elements';
import { addLink, createLinkedThreat, removeLink } from '#shared/board/links';
import { linkId, type StrideLetter } from '#shared/board/schema';
import type { DfdKind, DfdPaletteKind } from '#shared/canvas/dfd';
import type { Person } from '#shared/person';
import { USER_ORIGIN } from '$lib/sync/origin.ts';
import type { BoardSession } from '$lib/sync/board-session.svelte.ts';
import { ElementLinks } from './element-links.svelte.ts';
import type { CanvasHandle, CanvasMarks, SelectedElement } from './react/mount.tsx';
import { NO_MARKS } from './canvas-marks.ts';

export type CanvasStatus =
	| { kind: 'loading' }
	| { kind: 'ready' }
	/** tldraw refuses to draw here without a (valid) licence key. */
	| { kind: 'unlicensed'; reason: 'no-key' | 'invalid' | 'expired' }
	/** The room was written by a newer tldraw than this tab has. */
	| { kind: 'outdated' }
	| { kind: 'failed'; message: string };

/** What a new threat started from the canvas or the coverage map is about. */
export interface ThreatSubject {
	elementIds: readonly string[];
	stride?: StrideLetter;
}

/**
 * Whether a new threat must become a private draft (a silent round), and taking it as one. The
 * page wires this to facilitation; the canvas does not know about rounds.
 */
export interface NewThreatRules {
	becomesDraft(): boolean;
	takeDraft(subject: ThreatSubject): void;
}

export class CanvasController {
	status = $state<CanvasStatus>({ kind: 'loading' });
	selection = $state.raw<SelectedElement[]>([]);
	/** Whether tldraw's style panel is open (closed until asked for: it covered the selection). */
	stylesShown = $state(false);
	/** Crossing and incomplete flows to mark on the canvas (the page fills it from the model). */
	marks = $state.raw<Omit<CanvasMarks, 'spotlight'>>(NO_MARKS);
	/** Awareness client id of the person whose viewport we follow. */
	following = $state<number | null>(null);
	/** The page layout asks to show the canvas (when it is collapsed) before jumping to it. */
	onReveal: (() => void) | undefined;
	/** The board shows a note the canvas added, with the caret in its text. */
	onNoteAdded: ((noteId: string) => void) | undefined;
	/** Silent rounds (set by the page); without it, new threats always go on the board. */
	newThreatRules: NewThreatRules | undefined;

	#handle: CanvasHandle | undefined;
	#pendingFocus: string | undefined;
	/** The elements each note concerns (for the chips on notes). */
	readonly elementLinks: ElementLinks;
	readonly #session: BoardSession;

	constructor(session: BoardSession) {
		this.#session = session;
		this.elementLinks = new ElementLinks(session.doc);
	}

	destroy(): void {
		this.#handle?.destroy();
		this.#handle = undefined;
		this.elementLinks.destroy();
	}

	toggleStyles(): void {
		this.stylesShown = !this.stylesShown;
		this.#handle?.setStylesShown(this.stylesShown);
	}

	get handle(): CanvasHandle | undefined {
		return this.#handle;
	}

	attach(handle: CanvasHandle | undefined): void {
		this.#handle = handle;
		handle?.setStylesShown(this.stylesShown);
		if (handle && this.#pendingFocus) {
			const id = this.#pendingFocus;
			this.#pendingFocus = undefined;
			handle.focusElement(id);
		}
	}

	/** Shows an element on the canvas (zoomed to and selected); false when it is gone. */
	focusElement(id: string): boolean {
		this.onReveal?.();
		if (!this.#handle) {
			this.#pendingFocus = id;
			return true;
		}
		return this.#handle.focusElement(id);
	}

	/**
	 * Adds a threat about canvas elements (one, a selection, or a gap cell's element with its
	 * STRIDE letter): a new note in "What can go wrong?" linked to all of them, in one undoable
	 * step, with the caret in its text. In a silent round it becomes a private draft that keeps
	 * the elements and the letter; then the result is 'draft'.
	 */
	addThreatFor(subject: ThreatSubject | string, author: Person): string | 'draft' | undefined {
		if (this.#session.readOnly) return undefined;
		const { elementIds, stride } = typeof subject === 'string' ? { elementIds: [subject], stride: undefined } : subject;
		if (this.newThreatRules?.becomesDraft()) {
			this.newThreatRules.takeDraft({ elementIds, stride });
			return 'draft';
		}
		const doc = this.#session.doc;
		let id: string | undefined;
		doc.transact(() => {
			id = createLinkedThreat(doc, { ...authorFields(author), stride: stride ? [stride] : [] }, elementIds);
		}, USER_ORIGIN);
		if (id) this.onNoteAdded?.(id);
		return id;
	}

	/**
	 * Links an existing threat to canvas elements (or unlinks it from them), in one undoable step.
	 * Concurrent links and unlinks by two people both survive: each link is its own map entry.
	 * False when this person may not write or the note is not a threat.
	 */
	setThreatLinked(noteId: string, elementIds: readonly string[], linked: boolean): boolean {
		if (this.#session.readOnly || readNote(this.#session.doc, noteId)?.kind !== 'threat') return false;
		const doc = this.#session.doc;
		let changed = false;
		doc.transact(() => {
			for (const elementId of elementIds) {
				if (linked) changed = addLink(doc, { kind: 'canvas', noteId, elementId }).ok || changed;
				else changed = removeLink(doc, linkId({ kind: 'canvas', noteId, elementId })) || changed;
			}
		}, USER_ORIGIN);
		return changed;
	}

	/**
	 * Places a board note on the diagram as a new element named after it (a component as a
	 * process), and ties the note to it. Resolves with the element's id, or undefined when the
	 * canvas is not there or read-only.
	 */
	async placeNote(noteId: string, kind: DfdPaletteKind, text: string): Promise<string | undefined> {
		if (this.#session.readOnly || !this.#handle) return undefined;
		const label = (text.trim().split('\n')[0] ?? '').slice(0, MAX_PLACED_LABEL_LENGTH);
		this.onReveal?.();
		const elementId = this.#handle.placeNamed(kind, label);
		const doc = this.#session.doc;
		if (!elementId || !(await onCanvasSoon(doc, elementId))) return undefined;
		const linked = doc.transact(() => addLink(doc, { kind: 'canvas', noteId, elementId }), USER_ORIGIN);
		return linked.ok ? elementId : undefined;
	}
}

/** How long a placed shape may take to reach the document (tldraw hands changes over once per frame). */
const PLACED_SHAPE_TIMEOUT_MS = 2_000;
/** A note's text as a shape's label: its first line, cut to this many characters. */
const MAX_PLACED_LABEL_LENGTH = 120;

/** Resolves true once the element is in the document, false after the timeout. */
function onCanvasSoon(doc: BoardSession['doc'], id: string): Promise<boolean> {
	if (isElementOnCanvas(doc, id)) return Promise.resolve(true);
	return new Promise((resolve) => {
		const stop = onCanvasChange(doc, (changed) => {
			if (!changed.has(id) || !isElementOnCanvas(doc, id)) return;
			finish(true);
		});
		const timer = setTimeout(() => finish(false), PLACED_SHAPE_TIMEOUT_MS);
		function finish(found: boolean) {
			clearTimeout(timer);
			stop();
			resolve(found);
		}
	});
}

export const [getCanvasControllerOrThrow, setCanvasController] = createContext<CanvasController>();

/** The canvas controller, or undefined where the board is shown without a canvas. */
export function getCanvasController(): CanvasController | undefined {
	try {
		return getCanvasControllerOrThrow();
	} catch {
		return undefined;
	}
}

export const ELEMENT_KIND_HINT: Record<DfdKind, string> = {
	'external-entity': 'external entity',
	process: 'process',
	'data-store': 'data store',
	'trust-boundary': 'trust boundary',
	'model-dependency': 'model of this system',
	'data-flow': 'data flow',
	other: 'shape'
};
