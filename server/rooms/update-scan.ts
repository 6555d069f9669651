/**
 * What a client's update would do to a document, worked out before it is applied: the one parse
 * of an untrusted update. It refuses what no honest Threatboard client writes, so that nothing a
 * participant sends can poison the document for everyone else:
 * - content kinds the app never uses (binary, sub-documents, formatting, embeds, XML types);
 * - values nested deeper than MAX_VALUE_DEPTH, shared types nested deeper than MAX_TYPE_DEPTH,
 *   and single values larger than MAX_VALUE_CHARS (a browser that loads a value nested 5,000
 *   levels deep overflows its stack and shows an empty board);
 * - deletions of items that do not exist yet (a participant could otherwise delete someone
 *   else's next notes before they are written: they would vanish for everyone else);
 * and it reports a **gap**: an update that builds on state this document does not have. Yjs would
 * park such an update in memory, unstored and uncounted, and retry it on every later update: the
 * caller asks the client for what is missing instead, so nothing is ever parked.
 *
 * What it checks must be what Yjs applies, so two kinds of update are made plain first:
 * - an author's part given twice (a client's block again, or an empty block of a client) is
 *   refused: Yjs keeps only the last block of a client, so the checks would
 *   see items that are never applied (a risk decision) beside those that are (the status it
 *   guards). Yjs's own encoders write each client once.
 * - an update holding items the document already has, in whole or in part (a resend), is cut to
 *   what the document lacks (`Y.diffUpdate`) and that is checked and applied. Yjs applies an item
 *   the document has in part from where the document ends, beside the item before it, yet keeps
 *   the parent and key the update claims, while the update it re-encodes for storage and for the
 *   other clients places it after that item, under that item's key: a forged one wrote `meta.pad`
 *   here and `meta.schemaVersion` for everyone else and at every reload, which locks the room for
 *   good. And Yjs looks up (creates) the root named by every item it decodes, known or not: a
 *   frame of known items naming a million roots kept a million empty types in memory.
 *
 * For the rules of features (room hooks), it summarises which root entries the update writes and
 * deletes, with the values it puts directly under a root key.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/** Nesting of a plain value (JSON-like) inside one entry. tldraw's rich text needs about 20. */
export const MAX_VALUE_DEPTH = 64;
/** Shared types inside shared types (a board note is level 1, its text level 2). */
export const MAX_TYPE_DEPTH = 16;
/** One value or one string struct, in UTF-16 code units (numbers and literals count 8). */
export const MAX_VALUE_CHARS = 1_048_576;
/** Structs an update may make the scan visit (its own and those its deletions cover). */
const MAX_SCAN_STRUCTS = 1_000_000;

/** A root entry: the root's name and, in a map root, the key under it. */
export interface EntryRef {
	root: string;
	key: string | null;
}

export interface UpdateSummary {
	/** Root entries the update writes into, directly or at any depth inside them. */
	written: EntryRef[];
	/** Values the update sets directly under a root key (the last one when it sets several). */
	values: Array<EntryRef & { value: unknown }>;
	/** Values it sets one level down, in a map under a root key (a note's `status`, say). */
	fields: Array<EntryRef & { field: string | null; value: unknown }>;
	/** Root entries it sets to a new shared type (a new note's map, say). */
	created: EntryRef[];
	/** Root entries the update deletes, or deletes something inside of. */
	deleted: EntryRef[];
	/** Root entries the update deletes themselves (a note, not a character of its text). */
	removed: EntryRef[];
}

export type ScanResult =
	/** `update` is what to apply: the client's, or the part of it the document lacks. */
	| { ok: true; summary: UpdateSummary; update: Uint8Array }
	/** It builds on state the document lacks: ask the client for it, do not park it. */
	| { ok: false; gap: true; reason: string }
	| { ok: false; gap: false; reason: string };

/**
 * Where an item sits: its root entry, how many shared types deep (1: directly in a root), and
 * its own key in the map that holds it (null in an array or text).
 */
interface Location {
	root: string;
	key: string | null;
	level: number;
	sub: string | null;
}

type Decoded = ReturnType<typeof Y.decodeUpdate>;
type Struct = Decoded['structs'][number];

interface OwnRange {
	start: number;
	end: number;
	structs: Struct[];
}

class Refusal {
	constructor(
		readonly gap: boolean,
		readonly reason: string
	) {}
}

const refuse = (reason: string) => new Refusal(false, reason);
const gap = (reason: string) => new Refusal(true, reason);

const ALLOWED_TYPES = new Set<unknown>([Y.Map, Y.Array, Y.Text]);

export function scanUpdate(doc: Y.Doc, update: Uint8Array): ScanResult {
	let decoded: Decoded;
	try {
		decoded = Y.decodeUpdate(update);
	} catch (err) {
		return undecodable(err);
	}
	try {
		checkBlocks(update, decoded.structs);
		const known = knownPart(doc.store, decoded.structs);
		if (known) {
			try {
				update = Y.diffUpdate(update, Y.encodeStateVector(known));
				decoded = Y.decodeUpdate(update);
			} catch (err) {
				return undecodable(err);
			}
		}
		return { ok: true, summary: new Scan(doc, decoded).run(), update };
	} catch (err) {
		if (err instanceof Refusal) return { ok: false, gap: err.gap, reason: err.reason };
		if (err instanceof RangeError) return { ok: false, gap: false, reason: 'update too deeply nested' };
		throw err;
	}
}

function undecodable(err: unknown): ScanResult {
	// Yjs decodes values recursively: one nested deeply enough overflows the stack.
	if (err instanceof RangeError && /call stack/i.test(err.message)) return { ok: false, gap: false, reason: 'value nested too deeply' };
	return { ok: false, gap: false, reason: 'undecodable update' };
}

/**
 * Refuses an author's part given twice. Yjs keeps the last block of each client, so the blocks the
 * update's first number announces must be the runs of one client each that the decoded structs
 * show: an empty block of a client (which drops its earlier one) or two blocks of one client one
 * after the other leave fewer runs than blocks, and a client seen again after another's is a
 * second block too.
 */
function checkBlocks(update: Uint8Array, structs: readonly Struct[]): void {
	const blocks = update[0] < 0x80 ? update[0] : decoding.readVarUint(decoding.createDecoder(update));
	let runs = 0;
	let client = -1;
	let seen: Set<number> | undefined;
	for (const struct of structs) {
		// Yjs takes an empty item for one already there, yet integrates it (as the key's value),
		// and an empty item or deletion makes its transaction throw before it is cleaned up: the
		// document then never reported a change again, so nothing more of the room was stored.
		if (struct.length === 0) throw refuse('an empty item');
		if (struct.id.client === client) continue;
		if (client !== -1) (seen ??= new Set()).add(client);
		client = struct.id.client;
		if (seen?.has(client)) throw refuse("repeats part of an author's updates");
		runs++;
	}
	if (runs !== blocks) throw refuse("repeats part of an author's updates");
}

/**
 * Where the update holds items the document already has, in whole or in part: the document's
 * state for the update's clients (what to cut the update down to). Undefined for the usual
 * update, all of whose items are new.
 */
function knownPart(store: Y.Doc['store'], structs: readonly Struct[]): Map<number, number> | undefined {
	let overlaps = false;
	for (const struct of structs) {
		if (struct instanceof Y.Item && struct.id.clock < Y.getState(store, struct.id.client)) {
			overlaps = true;
			break;
		}
	}
	if (!overlaps) return undefined;
	const state = new Map<number, number>();
	for (const struct of structs) {
		const { client } = struct.id;
		if (!state.has(client)) state.set(client, Y.getState(store, client));
	}
	return state;
}

class Scan {
	readonly #store: Y.Doc['store'];
	readonly #own = new Map<number, OwnRange>();
	// Made when first needed: an edit of one note needs only #own, #written and #deleted, and an
	// update is scanned for every edit (five maps per scan were a fifth of what a scan allocated).
	#located: Map<Y.Item, Location | null> | undefined;
	#written: Map<string, EntryRef> | undefined;
	#deleted: Map<string, EntryRef> | undefined;
	#created: Map<string, EntryRef> | undefined;
	#setOnce: Set<string> | undefined;
	#removed: Map<string, EntryRef> | undefined;
	readonly #values: Array<EntryRef & { value: unknown }> = [];
	readonly #fields: Array<EntryRef & { field: string | null; value: unknown }> = [];
	#visited = 0;

	constructor(
		private readonly doc: Y.Doc,
		private readonly decoded: Decoded
	) {
		this.#store = doc.store;
	}

	run(): UpdateSummary {
		this.#indexOwnStructs();
		this.#checkReferences();
		for (const struct of this.decoded.structs) {
			this.#count();
			if (!(struct instanceof Y.Item)) continue;
			if (struct.id.clock + struct.length <= Y.getState(this.#store, struct.id.client)) continue; // already here
			this.#checkContent(struct);
			const location = this.#locateOwn(struct);
			if (!location) continue; // its parent is gone: Yjs integrates it as garbage
			if (struct.content instanceof Y.ContentType) {
				if (location.level >= MAX_TYPE_DEPTH) throw refuse('shared types nested too deeply');
				if (location.level === 1) this.#note((this.#created ??= new Map()), location);
			}
			this.#note((this.#written ??= new Map()), location);
			if (struct.content instanceof Y.ContentAny) {
				const values = struct.content.arr;
				const value = values[values.length - 1];
				if (location.level === 1) this.#values.push({ root: location.root, key: location.key, value });
				else if (location.level === 2) this.#fields.push({ root: location.root, key: location.key, field: location.sub, value });
				if (location.level <= 2) this.#checkSetOnce(struct, location);
			}
		}
		this.#scanDeletions();
		return {
			written: entriesOf(this.#written),
			values: this.#values,
			fields: this.#fields,
			created: entriesOf(this.#created),
			deleted: entriesOf(this.#deleted),
			removed: entriesOf(this.#removed)
		};
	}

	#count(): void {
		if (++this.#visited > MAX_SCAN_STRUCTS) throw refuse('update too large to check');
	}

	/**
	 * A key (of a root, or of a map under a root key) set twice by one update: Yjs keeps one of the
	 * values by its own ordering of the two items, and the rules cannot know which. Refused, unless
	 * the update itself deletes the earlier one (several honest updates merged into one).
	 */
	#checkSetOnce(item: Y.Item, location: Location): void {
		const key = location.level === 1 ? location.key : location.sub;
		if (key === null || this.decoded.structs.length === 1 || Y.isDeleted(this.decoded.ds, item.id)) return;
		const id = location.level === 1 ? entryId(location) : `${entryId(location)}\u0000${key}`;
		this.#setOnce ??= new Set();
		if (this.#setOnce.has(id)) throw refuse('sets one entry twice');
		this.#setOnce.add(id);
	}

	/**
	 * What Yjs needs before it can integrate each new item: the structs its origin, right origin
	 * and parent name. Yjs integrates a client's structs in order, so an item that names a later
	 * struct of its own author makes it throw half-way through the update (what came before stays
	 * applied); a struct the document lacks, or structs of two authors that each wait for the
	 * other, make it park the update (and the scan's rules would have judged items never applied).
	 */
	#checkReferences(): void {
		let waits: Map<Struct, Struct[]> | undefined;
		const follow = (struct: Y.Item, ref: Y.ID | null) => {
			if (!ref) return;
			if (ref.client === struct.id.client) {
				if (ref.clock >= struct.id.clock) throw refuse('refers to a later item of its own author');
				return;
			}
			if (ref.clock < Y.getState(this.#store, ref.client)) return;
			const own = this.#ownStruct(ref);
			if (!own) throw gap('refers to an item this document does not have');
			waits ??= new Map();
			const list = waits.get(struct);
			if (list) list.push(own);
			else waits.set(struct, [own]);
		};
		for (const struct of this.decoded.structs) {
			if (!(struct instanceof Y.Item)) continue;
			follow(struct, struct.origin);
			follow(struct, struct.rightOrigin);
			if (struct.parent instanceof Y.ID) follow(struct, struct.parent);
		}
		if (waits) this.#refuseCycles(waits);
	}

	/** Refuses when following what structs wait for (other authors' structs, and each author's earlier ones) comes back to a struct. */
	#refuseCycles(waits: Map<Struct, Struct[]>): void {
		const previous = new Map<Struct, Struct>();
		for (const range of this.#own.values()) {
			for (let i = 1; i < range.structs.length; i++) previous.set(range.structs[i], range.structs[i - 1]);
		}
		const state = new Map<Struct, 1 | 2>(); // 1: being followed, 2: done
		for (const start of waits.keys()) {
			if (state.has(start)) continue;
			const stack: Array<{ struct: Struct; next: Struct[] }> = [{ struct: start, next: this.#waitsOf(start, waits, previous) }];
			state.set(start, 1);
			while (stack.length > 0) {
				const top = stack[stack.length - 1];
				const child = top.next.pop();
				if (!child) {
					state.set(top.struct, 2);
					stack.pop();
					continue;
				}
				const seen = state.get(child);
				if (seen === 1) throw refuse('items of two authors that wait for each other');
				if (seen === 2) continue;
				this.#count();
				state.set(child, 1);
				stack.push({ struct: child, next: this.#waitsOf(child, waits, previous) });
			}
		}
	}

	#waitsOf(struct: Struct, waits: Map<Struct, Struct[]>, previous: Map<Struct, Struct>): Struct[] {
		const next = [...(waits.get(struct) ?? [])];
		const before = previous.get(struct);
		if (before) next.push(before);
		return next;
	}

	/** The update's structs by client, checking that each client's part follows what we have. */
	#indexOwnStructs(): void {
		for (const struct of this.decoded.structs) {
			const { client, clock } = struct.id;
			let range = this.#own.get(client);
			if (!range) {
				if (clock > Y.getState(this.#store, client)) throw gap('starts after a gap in its author\'s updates');
				range = { start: clock, end: clock, structs: [] };
				this.#own.set(client, range);
			}
			const isSkip = !(struct instanceof Y.Item) && !(struct instanceof Y.GC);
			// A skip is a hole inside the update: fine only where the document already has it.
			if (isSkip && struct.id.clock + struct.length > Y.getState(this.#store, client)) throw gap('has a hole');
			range.structs.push(struct);
			range.end = clock + struct.length;
		}
	}

	#checkContent(item: Y.Item): void {
		const content = item.content;
		if (content instanceof Y.ContentAny) {
			for (const value of content.arr) checkValue(value);
		} else if (content instanceof Y.ContentString) {
			if (content.str.length > MAX_VALUE_CHARS) throw refuse('text too large');
		} else if (content instanceof Y.ContentType) {
			if (!ALLOWED_TYPES.has(content.type.constructor)) throw refuse('shared type the app does not use');
		} else if (!(content instanceof Y.ContentDeleted)) {
			throw refuse('content kind the app does not use');
		}
	}

	/** The struct of this update that holds `id`, if the update has it and the document does not. */
	#ownStruct(id: Y.ID): Struct | undefined {
		if (id.clock < Y.getState(this.#store, id.client)) return undefined;
		const range = this.#own.get(id.client);
		if (!range || id.clock < range.start || id.clock >= range.end) return undefined;
		const { structs } = range;
		let lo = 0;
		let hi = structs.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const s = structs[mid];
			if (id.clock < s.id.clock) hi = mid - 1;
			else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
			else return s;
		}
		return undefined;
	}

	/**
	 * Where an item of this update lands. Its parent is named (a root, or a type's item), or it is
	 * a sibling of its origin; chains through the update's own items are followed iteratively.
	 */
	#locateOwn(item: Y.Item): Location | null {
		// Directly in a root, as a new note is: nothing to follow.
		if (typeof item.parent === 'string') return rootLocation(item.parent, item);
		// Found locations are kept for the update's other items, which may chain through this one;
		// an update of one struct (an edit of one value) has none. Nothing below is allocated
		// for the common step, one item placed beside (or inside) one the document has.
		const keep = this.decoded.structs.length > 1;
		let pending: Array<{ item: Y.Item; inside: boolean }> | undefined;
		let visiting: Set<Y.Item> | undefined;
		let current = item;
		let base: Location | null;
		for (;;) {
			const known = this.#located?.get(current);
			if (known !== undefined) {
				base = known;
				break;
			}
			if (typeof current.parent === 'string') {
				base = rootLocation(current.parent, current);
				if (keep) (this.#located ??= new Map()).set(current, base);
				break;
			}
			if (visiting?.has(current)) throw refuse('items that reference each other in a cycle');
			this.#count();
			const inside = current.parent !== null;
			const ref = (current.parent as Y.ID | null) ?? current.origin ?? current.rightOrigin;
			if (!ref) throw refuse('an item with no place');
			const own = this.#ownStruct(ref);
			const target = own ?? this.#docStruct(ref);
			(pending ??= []).push({ item: current, inside });
			// Beside garbage on either side, or inside a type that was deleted and collected (a note
			// deleted while someone edited it), Yjs integrates an item as garbage: it lands nowhere.
			if (!inside && current.origin && current.rightOrigin && this.#isGarbage(current.rightOrigin)) {
				base = null;
				break;
			}
			if (inside && target instanceof Y.Item && target.content instanceof Y.ContentDeleted) {
				base = null;
				break;
			}
			// Only a shared type can hold items; Yjs would fail half-way through integrating one.
			if (inside && target instanceof Y.Item && !(target.content instanceof Y.ContentType)) {
				throw refuse('an item inside something that is not a shared type');
			}
			if (own instanceof Y.Item) {
				(visiting ??= new Set()).add(current);
				current = own;
				continue;
			}
			base = target instanceof Y.Item && !own ? this.#locateDocItem(target) : null;
			break;
		}
		// Unwind: an item inside a type sits one level below that type's item, under its own key;
		// a sibling sits beside its origin, under the same key.
		let location = base;
		if (!pending) return location;
		for (let i = pending.length - 1; i >= 0; i--) {
			const { item: at, inside } = pending[i];
			if (location && inside) location = { root: location.root, key: location.key, level: location.level + 1, sub: at.parentSub };
			if (keep) (this.#located ??= new Map()).set(at, location);
		}
		return location;
	}

	/** Whether `id` is garbage (a GC struct), in this update or in the document. */
	#isGarbage(id: Y.ID): boolean {
		const struct = this.#ownStruct(id) ?? this.#docStruct(id);
		return !(struct instanceof Y.Item);
	}

	/** The document's struct holding `id`; a gap when the document does not have it yet. */
	#docStruct(id: Y.ID): Y.Item | Y.GC {
		if (id.clock >= Y.getState(this.#store, id.client)) throw gap('refers to an item this document does not have');
		return Y.getItem(this.#store, id) as Y.Item | Y.GC;
	}

	#locateDocItem(item: Y.Item): Location | null {
		let key = item.parentSub;
		let type = item.parent as Y.AbstractType<unknown> | null;
		let level = 1;
		while (type?._item) {
			key = type._item.parentSub;
			type = type._item.parent as Y.AbstractType<unknown> | null;
			level++;
		}
		if (!type) return null;
		return { root: Y.findRootTypeKey(type), key, level, sub: item.parentSub };
	}

	/**
	 * Deletions must cover items that exist (here, or earlier in the update). Each deleted item is
	 * located, so features can protect entries from deletion as well as from writes.
	 */
	#scanDeletions(): void {
		for (const [client, deletions] of this.decoded.ds.clients) {
			const docState = Y.getState(this.#store, client);
			const ownEnd = this.#own.get(client)?.end ?? 0;
			const known = Math.max(docState, ownEnd);
			const docStructs = this.#store.clients.get(client);
			for (const { clock, len } of deletions) {
				if (len === 0) throw refuse('an empty deletion');
				if (clock + len > known) throw refuse('deletes items that do not exist yet');
				this.#locateDeleted(docStructs, clock, Math.min(clock + len, docState));
				for (let c = Math.max(clock, docState); c < clock + len; ) {
					const own = this.#ownStruct(Y.createID(client, c));
					if (!own) break;
					if (own instanceof Y.Item) {
						const location = this.#locateOwn(own);
						if (location) this.#noteDeleted(location);
					}
					c = own.id.clock + own.length;
				}
			}
		}
	}

	#locateDeleted(structs: Array<Y.Item | Y.GC> | undefined, from: number, to: number): void {
		if (!structs || from >= to) return;
		for (let i = Y.findIndexSS(structs, from); i < structs.length && structs[i].id.clock < to; i++) {
			this.#count();
			const struct = structs[i];
			if (!(struct instanceof Y.Item) || struct.deleted) continue;
			const location = this.#locateDocItem(struct);
			if (location) this.#noteDeleted(location);
		}
	}

	#noteDeleted(location: Location): void {
		this.#note((this.#deleted ??= new Map()), location);
		if (location.level === 1) this.#note((this.#removed ??= new Map()), location);
	}

	#note(into: Map<string, EntryRef>, location: Location): void {
		const id = entryId(location);
		if (!into.has(id)) into.set(id, { root: location.root, key: location.key });
	}
}

/** A root entry as one string: the key of maps of entries (the hooks' rules keep such maps too). */
export function entryId(entry: EntryRef): string {
	return `${entry.root}\u0000${entry.key ?? ''}`;
}

/** Where an item directly in the root `root` sits. */
function rootLocation(root: string, item: Y.Item): Location {
	return { root, key: item.parentSub, level: 1, sub: item.parentSub };
}

function entriesOf(noted: Map<string, EntryRef> | undefined): EntryRef[] {
	return noted ? [...noted.values()] : [];
}

/** Depth and size of a plain value, without recursion (a hostile value may be nested without end). */
function checkValue(value: unknown): void {
	let chars = 0;
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
	while (stack.length > 0) {
		const { value: v, depth } = stack.pop()!;
		if (depth > MAX_VALUE_DEPTH) throw refuse('value nested too deeply');
		if (typeof v === 'string') chars += v.length;
		else if (v instanceof Uint8Array) throw refuse('binary values are not used');
		else if (Array.isArray(v)) {
			chars += 2;
			for (const child of v) stack.push({ value: child, depth: depth + 1 });
		} else if (v !== null && typeof v === 'object') {
			chars += 2;
			for (const [key, child] of Object.entries(v)) {
				chars += key.length;
				stack.push({ value: child, depth: depth + 1 });
			}
		} else chars += 8;
		if (chars > MAX_VALUE_CHARS) throw refuse('value too large');
	}
}
