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
import { canvasMap, listNotes, onBoardChange, readNote } from '#shared/board/doc';
import { computeCoverage, type Coverage } from '#shared/board/coverage';
import { listLinks } from '#shared/board/links';
import type { ThreatNote } from '#shared/board/schema';
import { onCanvasChange } from '#shared/canvas/elements';
import { readDiagram } from '#shared/canvas/diagram';

export class ModelView {
	#coverage = $state.raw<Coverage>();
	/** Bumps when any note's text changes (the map's accessible lists name threats by text). */
	#textVersion = $state(0);
	readonly #doc: Y.Doc;
	readonly #cleanups: Array<() => void>;
	#scheduled = false;
	#urgent = false;
	/** Time of the last recompute, in ms (performance.now), for the benchmark. */
	lastComputeMs = 0;

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		this.#compute();
		this.#cleanups = [
			onBoardChange(doc, (changes, tr) => {
				if (changes.links || (changes.notes && !onlyText(tr))) this.#schedule(true);
				if (changes.notes) this.#textVersion++;
			}),
			onCanvasChange(doc, () => this.#schedule(false))
		];
	}

	get coverage(): Coverage {
		return this.#coverage!;
	}

	/** A threat's text as the board has it now ('' when gone). */
	threatText(id: string): string {
		void this.#textVersion;
		const note = readNote(this.#doc, id);
		return note?.kind === 'threat' ? (note as ThreatNote).text : '';
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
		const started = performance.now();
		const diagram = readDiagram([...canvasMap(this.#doc).values()]);
		this.#coverage = computeCoverage({ diagram, notes: listNotes(this.#doc), links: listLinks(this.#doc) }, this.#coverage);
		this.lastComputeMs = performance.now() - started;
	}
}

/** A transaction that changed nothing but the text of notes (someone typing). */
function onlyText(tr: Y.Transaction): boolean {
	for (const type of tr.changed.keys()) if (!(type instanceof Y.Text)) return false;
	return true;
}
