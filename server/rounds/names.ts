/**
 * Display names as people read them, for the rules that keep one participant from passing for
 * another: a note without an author id may not carry another participant's name (hooks.ts), and
 * nobody may join or rename to a name that only looks like another participant's (identity.ts).
 */
import unhomoglyph from 'unhomoglyph';

/** Longest `author` compared with names: a display name is far shorter, even with every combining mark apart. */
const MAX_COMPARED_NAME = 400;

/** Case, spacing, compatibility forms and accents aside. */
const foldName = (name: string) =>
	name.normalize('NFKC').normalize('NFD').replace(/\p{Mn}/gu, '').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();

/**
 * A name as people read it: `folded` sets case, spacing, compatibility forms and accents aside;
 * `skeleton` also takes letters that look alike as one (Unicode's confusables table, through
 * unhomoglyph: Cyrillic "А" and Cherokee "Ꭺ" as "A", "0" as "O", "m" as "rn"), mapped before and
 * after folding because the table maps to capitals as well as small letters. `plain` names are
 * ASCII letters and spaces only: two plain names are compared folded, or "Amie" would be "Arnie".
 * About 1.5 us a name.
 */
function nameKeys(name: string): { folded: string; skeleton: string; plain: boolean } {
	const folded = foldName(name);
	return { folded, skeleton: foldName(unhomoglyph(foldName(unhomoglyph(name.normalize('NFKC'))))), plain: /^[a-z ]*$/.test(folded) };
}

/** The people's names by their keys, to tell whether a name is another participant's. */
export class NameIndex {
	readonly #folded = new Map<string, string[]>();
	readonly #skeletons = new Map<string, Array<{ id: string; plain: boolean }>>();
	readonly #keys = new Map<string, ReturnType<typeof nameKeys>>();

	constructor(people: ReadonlyMap<string, { name: string }>) {
		for (const [id, person] of people) {
			const keys = nameKeys(person.name);
			this.#keys.set(id, keys);
			push(this.#folded, keys.folded, id);
			push(this.#skeletons, keys.skeleton, { id, plain: keys.plain });
		}
	}

	/**
	 * Another participant whose name looks like `name` without being it ("Аlice" in Cyrillic for
	 * Alice, "B0b" for Bob): the same name is fine (two people may share one and are told apart).
	 */
	lookAlike(writerId: string | undefined, name: string): boolean {
		const keys = nameKeys(name);
		return (this.#skeletons.get(keys.skeleton) ?? []).some(
			(other) => other.id !== writerId && !(keys.plain && other.plain) && this.#keys.get(other.id)?.folded !== keys.folded
		);
	}

	/**
	 * Whether `name` reads as another participant's name and not as the writer's own (two people
	 * may share a name; a name the writer had before a rename is nobody else's, so a note written
	 * just before it passes). A writer without an identity has no name of its own.
	 */
	namesAnother(writerId: string | undefined, name: unknown): boolean {
		if (typeof name !== 'string' || name.length > MAX_COMPARED_NAME) return false;
		const keys = nameKeys(name);
		const own = writerId === undefined ? undefined : this.#keys.get(writerId);
		if (own && sameName(keys, own)) return false;
		if ((this.#folded.get(keys.folded) ?? []).some((id) => id !== writerId)) return true;
		return (this.#skeletons.get(keys.skeleton) ?? []).some((other) => other.id !== writerId && !(keys.plain && other.plain));
	}
}

const sameName = (a: ReturnType<typeof nameKeys>, b: ReturnType<typeof nameKeys>) => a.folded === b.folded || (a.skeleton === b.skeleton && !(a.plain && b.plain));

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

