/**
 * Display names as people read them, for the rules that keep one participant from passing for
 * another: a note without an author id may not carry another participant's name (hooks.ts), and
 * nobody may join or rename to a name that only looks like another participant's (identity.ts).
 */
import unhomoglyph from 'unhomoglyph';
import { IMPORT_AUTHORS } from '#shared/interop/import-authors';
import { foldName } from '#shared/person';

const IMPORTER_KEYS = new Set(IMPORT_AUTHORS.map(foldName));

/** Longest `author` compared with names: a display name is far shorter, even with every combining mark apart. */
const MAX_COMPARED_NAME = 400;

/**
 * A name as people read it: `folded` is the name as names compare (foldName: case, spacing,
 * compatibility forms, accents, strokes and invisible characters aside); `skeleton` also takes
 * letters that look alike as one, by Unicode's confusables table (through unhomoglyph: Cyrillic
 * "А" and Cherokee "Ꭺ" as "A", "0" as "O", "m" as "rn"), mapped before and after folding because
 * the table maps to capitals as well as small letters. Two plain names (ASCII letters, spaces,
 * dots, apostrophes, hyphens) are compared by their letters instead, or "Amie" would be "Arnie":
 * `plain`, with a capital I read as l, which it is in most fonts ("AIice"), and a capital L kept
 * apart from both (small capital ʟ, which folding leaves alone), or "Ian" would be "Lan". About
 * 1.5 us a name.
 */
function nameKeys(name: string): NameKeys {
	const folded = foldName(name);
	const skeleton = foldName(unhomoglyph(foldName(unhomoglyph(name.normalize('NFKC')))));
	return /^[a-z .'-]*$/.test(folded) ? { folded, skeleton, plain: foldName(name.replace(/I/g, 'l').replace(/L/g, 'ʟ')) } : { folded, skeleton };
}

interface NameKeys {
	folded: string;
	skeleton: string;
	/** For a name of plain ASCII letters: its letters, a capital I read as l and a capital L as itself. */
	plain?: string;
}

/** Two names that read alike: two plain names by their letters, any other pair by skeleton. */
const looksAlike = (a: NameKeys, b: NameKeys) => (a.plain !== undefined && b.plain !== undefined ? a.plain === b.plain : a.skeleton === b.skeleton);

/** The same name, or one that looks like it. */
const readsAs = (a: NameKeys, b: NameKeys) => a.folded === b.folded || looksAlike(a, b);

/** The people's names by their keys, to tell whether a name is another participant's. */
export class NameIndex {
	readonly #bySkeleton = new Map<string, string[]>();
	readonly #byPlain = new Map<string, string[]>();
	readonly #byFolded = new Map<string, string[]>();
	readonly #keys = new Map<string, NameKeys>();

	constructor(people: ReadonlyMap<string, { name: string }>) {
		for (const [id, person] of people) {
			const keys = nameKeys(person.name);
			this.#keys.set(id, keys);
			push(this.#byFolded, keys.folded, id);
			push(this.#bySkeleton, keys.skeleton, id);
			if (keys.plain !== undefined) push(this.#byPlain, keys.plain, id);
		}
	}

	/** Other participants whose names read like `keys` (the same name or a look-alike). */
	#alike(keys: NameKeys, writerId: string | undefined): string[] {
		const candidates = new Set([...(this.#byFolded.get(keys.folded) ?? []), ...(this.#bySkeleton.get(keys.skeleton) ?? []), ...(keys.plain !== undefined ? (this.#byPlain.get(keys.plain) ?? []) : [])]);
		return [...candidates].filter((id) => {
			const other = this.#keys.get(id);
			return id !== writerId && other !== undefined && readsAs(keys, other);
		});
	}

	/**
	 * Another participant whose name looks like `name` without being it ("Аlice" in Cyrillic for
	 * Alice, "B0b" for Bob, "AIice"): the same name is fine (two people may share one and are told
	 * apart), and "Soren" is the same name as "Søren".
	 */
	lookAlike(writerId: string | undefined, name: string): boolean {
		const keys = nameKeys(name);
		return this.#alike(keys, writerId).some((id) => this.#keys.get(id)?.folded !== keys.folded);
	}

	/**
	 * Whether `name` reads as another participant's name and not as the writer's own (two people
	 * may share a name; a name the writer had before a rename is nobody else's, so a note written
	 * just before it passes). A writer without an identity has no name of its own. An importer's
	 * name ("Threat Dragon") is nobody's: the exports read the lines of the notes it signs back
	 * into the model (shared/interop/import-authors.ts).
	 */
	namesAnother(writerId: string | undefined, name: unknown): boolean {
		if (typeof name !== 'string' || name.length > MAX_COMPARED_NAME) return false;
		const keys = nameKeys(name);
		if (IMPORTER_KEYS.has(keys.folded)) return true;
		const own = writerId === undefined ? undefined : this.#keys.get(writerId);
		if (own && readsAs(keys, own)) return false;
		return this.#alike(keys, writerId).length > 0;
	}
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

