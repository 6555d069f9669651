/**
 * The connected threat model, live: the diagram read from the canvas, its trust-boundary
 * crossings and the coverage (STRIDE per element, the fourth question's figures), recomputed
 * from the board document with the one shared function the exports use (#shared/board/coverage).
 *
 * Recomputed after a transaction that touched the links or a note's fields (at once: a link made
 * elsewhere must show within the frame; typing in a note changes only its text and does not
 * count), or the canvas (at most once per animation frame: a dragged shape changes its record many
 * times a frame). The
 * previous coverage is handed back in, so rows that did not change keep their identity and a
 * keyed map re-renders only the rows that did.
 */
import * as Y from 'yjs';
import { canvasMap, listNotes, notesMap, onBoardChange, readNote } from '#shared/board/doc';
import { computeCoverage, type Coverage } from '#shared/board/coverage';
import { listLinks } from '#shared/board/links';
import type { Link, Note } from '#shared/board/schema';
import { onCanvasChange } from '#shared/canvas/elements';
import { readDiagram } from '#shared/canvas/diagram';

export interface LiveModelListener {
	/** A new coverage (rows that did not change keep their identity). */
	coverage(next: Coverage): void;
	/** Some note's text changed (nothing else recomputed for it). */
	text(): void;
}

export class LiveModel {
	readonly #listener: LiveModelListener;
	readonly #doc: Y.Doc;
	readonly #cleanups: Array<() => void>;
	#scheduled = false;
	/** Valid notes by id, kept current note by note. */
	readonly #notes = new Map<string, Note>();
	#noteList: Note[] = [];
	readonly #staleNotes = new Set<string>();
	#links: Link[] = [];
	#linksRead = false;
	#urgent = false;

	#coverage: Coverage | undefined;

	constructor(doc: Y.Doc, listener: LiveModelListener) {
		this.#doc = doc;
		this.#listener = listener;
		for (const note of listNotes(doc)) this.#notes.set(note.id, note);
		this.#noteList = [...this.#notes.values()];
		this.#compute();
		this.#cleanups = [
			onBoardChange(doc, (changes, tr) => {
				const fields = changes.notes && !onlyText(tr);
				if (fields) for (const id of changedNoteIds(doc, tr)) this.#staleNotes.add(id);
				if (changes.links || fields) {
					this.#linksRead = false;
					this.#schedule(true);
				}
				if (changes.notes) this.#listener.text();
			}),
			onCanvasChange(doc, () => this.#schedule(false))
		];
	}

	destroy(): void {
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
	}

	/** `soon`: after this transaction's other listeners (a microtask); else with the next frame. */
	#schedule(soon: boolean): void {
		if (soon) {
			if (this.#urgent) return;
			this.#urgent = true;
			queueMicrotask(() => {
				this.#urgent = false;
				this.#compute();
			});
			return;
		}
		if (this.#scheduled) return;
		this.#scheduled = true;
		const run = () => {
			this.#scheduled = false;
			this.#compute();
		};
		// A frame is the least a screen can show; a hidden tab still catches up (setTimeout).
		if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(run);
		else setTimeout(run, 0);
	}

	#compute(): void {
		// Read again only the notes that changed, and the links when notes or links changed: a
		// shape dragged on the canvas changes neither (1,000 threats take ~17 ms to read whole).
		if (this.#staleNotes.size > 0) {
			for (const id of this.#staleNotes) {
				const note = readNote(this.#doc, id);
				if (note) this.#notes.set(id, note);
				else this.#notes.delete(id);
			}
			this.#staleNotes.clear();
			this.#noteList = [...this.#notes.values()];
		}
		if (!this.#linksRead) {
			this.#links = listLinks(this.#doc, this.#notes);
			this.#linksRead = true;
		}
		const diagram = readDiagram([...canvasMap(this.#doc).values()]);
		this.#coverage = computeCoverage({ diagram, notes: this.#noteList, links: this.#links }, this.#coverage);
		this.#listener.coverage(this.#coverage);
	}
}

/** A shared type of any kind, as a transaction lists them. */
type SharedType = Y.Transaction['changed'] extends Map<infer T, unknown> ? T : never;

/** Ids of the notes a transaction added, deleted or changed (at any depth). */
function changedNoteIds(doc: Y.Doc, tr: Y.Transaction): Set<string> {
	const root: unknown = notesMap(doc);
	const ids = new Set<string>();
	for (const [type, keys] of tr.changed) {
		if (type === root) {
			for (const key of keys) if (key !== null) ids.add(key);
			continue;
		}
		// Climb to the note's own map: the child of the notes root.
		let child: SharedType | null = type;
		while (child && child.parent !== root) child = child.parent;
		const id = child?._item?.parentSub;
		if (id) ids.add(id);
	}
	return ids;
}

/** A transaction that changed nothing but the text of notes (someone typing). */
function onlyText(tr: Y.Transaction): boolean {
	for (const type of tr.changed.keys()) if (!(type instanceof Y.Text)) return false;
	return true;
}
