/**
 * The control document as the server's rules read it (rounds, people, their names as compared),
 * parsed once per change of it, for the rules checked on every board update (hooks.ts) and for
 * joining and renaming (identity.ts).
 */
import type * as Y from 'yjs';
import { readControl } from '#shared/control/doc';
import { readPeople, takesPart } from '#shared/control/rounds';
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

	/**
	 * The names of the people who take part as compared (nameKeys), worked out once per change of
	 * the control document: a removed participant's name is free.
	 */
	get names(): NameIndex {
		return (this.#names ??= new NameIndex(new Map([...this.people].filter(([, person]) => takesPart(person)))));
	}

	get control(): ControlState {
		return (this.#control ??= readControl(this.doc));
	}

	/** Everyone who joined with an identity, those removed since too. */
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
