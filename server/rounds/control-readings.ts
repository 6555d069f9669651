/**
 * The control document as the server's rules read it (rounds, people, their names as compared),
 * parsed once per change of it, for the rules checked on every board update (hooks.ts) and for
 * joining and renaming (identity.ts).
 */
import type * as Y from 'yjs';
import { readControl } from '#shared/control/doc';
import { readPeople } from '#shared/control/rounds';
import { NameIndex } from './names.ts';

export type ControlState = ReturnType<typeof readControl>;
type People = ReturnType<typeof readPeople>;

/**
 * The control document as the rules read it, parsed once per change of it rather than once per
 * board update: parsing it (zod) was about a tenth of the server's CPU under edit load.
 */
export class ControlReadings {
	#control: ControlState | undefined;
	#people: People | undefined;
	#names: NameIndex | undefined;

	constructor(private readonly doc: Y.Doc) {
		doc.on('update', () => {
			this.#control = undefined;
			this.#people = undefined;
			this.#names = undefined;
		});
	}

	/** The people's names as compared (nameKeys), worked out once per change of the control document. */
	get names(): NameIndex {
		return (this.#names ??= new NameIndex(this.people));
	}

	get control(): ControlState {
		return (this.#control ??= readControl(this.doc));
	}

	get people(): People {
		return (this.#people ??= readPeople(this.doc));
	}
}

const readings = new WeakMap<Y.Doc, ControlReadings>();

/** The readings of a room's control document, kept with the document. */
export function controlOf(doc: Y.Doc): ControlReadings {
	let found = readings.get(doc);
	if (!found) {
		found = new ControlReadings(doc);
		readings.set(doc, found);
	}
	return found;
}
