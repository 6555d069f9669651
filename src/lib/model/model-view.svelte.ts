/**
 * The live model (live-model.ts) as Svelte state: the coverage, published whole (rows that did
 * not change keep their identity), and threat texts that follow edits.
 */
import type * as Y from 'yjs';
import { readNote } from '#shared/board/doc';
import type { Coverage } from '#shared/board/coverage';
import { LiveModel } from './live-model.ts';

export class ModelView {
	#coverage = $state.raw<Coverage>();
	/** Bumps when any note's text changes (the map's accessible lists name threats by text). */
	#textVersion = $state(0);
	readonly #doc: Y.Doc;
	readonly #live: LiveModel;

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		this.#live = new LiveModel(doc, {
			coverage: (next) => (this.#coverage = next),
			text: () => this.#textVersion++
		});
	}

	get coverage(): Coverage {
		return this.#coverage!;
	}

	/** A threat's text as the board has it now ('' when gone). */
	threatText(id: string): string {
		void this.#textVersion;
		const note = readNote(this.#doc, id);
		return note?.kind === 'threat' ? note.text : '';
	}

	destroy(): void {
		this.#live.destroy();
	}
}
