/**
 * Typed access to a room's `board` document: roots, workshop metadata and sticky notes.
 *
 * This module and its siblings (note-text.ts, links.ts, votes.ts, migrations.ts, observe.ts, restore.ts) are
 * the only code that touches the document's Yjs types. Reads validate what they find and return undefined or
 * skip the record instead of throwing, because every entry was written by some peer, perhaps a
 * hostile or newer one. Writes validate local input and throw a ZodError when it is invalid: that
 * is a programming error (validate forms with the schemas from schema.ts first).
 *
 * Writes to a note that has been deleted (perhaps concurrently, by someone else) return false.
 */
import * as Y from 'yjs';
import type { z } from 'zod';
import type { Person } from '../person.ts';
import { createRecordId } from '../ids.ts';
import { compareOrderKeys, isOrderKey, orderKeyBetween } from './ordering.ts';
import {
	AgentNotePatch,
	BoardMeta,
	DEFAULT_NOTE_COLORS,
	MAX_NOTE_TEXT_READ_LENGTH,
	MitigationNotePatch,
	NOTE_LINK_ENDS,
	Note,
	RiskDecision,
	RiskEstimate,
	NoteInput,
	OrderKey,
	PlainNotePatch,
	Question,
	SCHEMA_VERSION,
	STRIDE_LETTERS,
	Scope,
	StrideLetterSchema,
	ThreatNotePatch,
	Timestamp,
	Title,
	parseLink,
	parseVote,
	type Link,
	type LinkRecord,
	type NoteKind,
	type NotePatch,
	type QuestionNumber,
	type StrideLetter
} from './schema.ts';

export { SCHEMA_VERSION } from './schema.ts';

// ---- Roots ------------------------------------------------------------------------------------

/** Root type names; fixed by docs/ARCHITECTURE.md §3 because export and outside tools rely on them. */
export const BOARD_ROOTS = {
	meta: 'meta',
	notes: 'notes',
	links: 'links',
	votes: 'votes',
	canvas: 'canvas',
	canvasSchema: 'canvasSchema'
} as const;

// Values are typed unknown on purpose: anything in them may come from a hostile peer.
// Outside src/lib/shared, use the accessors; only the canvas binding takes a root (canvasMap,
// canvasSchemaMap). The other getters serve the sibling modules, observers and tests.
export const metaMap = (doc: Y.Doc) => doc.getMap<unknown>(BOARD_ROOTS.meta);
export const notesMap = (doc: Y.Doc) => doc.getMap<unknown>(BOARD_ROOTS.notes);
export const linksMap = (doc: Y.Doc) => doc.getMap<unknown>(BOARD_ROOTS.links);
export const votesMap = (doc: Y.Doc) => doc.getMap<unknown>(BOARD_ROOTS.votes);
/** tldraw records by record id; only the canvas binding reads and writes these. */
export const canvasMap = (doc: Y.Doc) => doc.getMap<unknown>(BOARD_ROOTS.canvas);
/** The key of tldraw's serialized schema in the `canvasSchema` map. */
export const CANVAS_SCHEMA_KEY = 'schema';
/** tldraw's serialized store schema; only the canvas binding reads and writes it. */
export const canvasSchemaMap = (doc: Y.Doc) => doc.getMap<unknown>(BOARD_ROOTS.canvasSchema);

export interface BoardChanges {
	meta: boolean;
	notes: boolean;
	links: boolean;
	votes: boolean;
}

/**
 * Calls `listener` once per transaction that changed meta, notes, links or votes (at any depth,
 * local or remote), so views can re-read snapshots instead of mirroring the document.
 * Returns the unsubscribe function.
 */
export function onBoardChange(doc: Y.Doc, listener: (changes: BoardChanges, tr: Y.Transaction) => void): () => void {
	const roots = { meta: metaMap(doc), notes: notesMap(doc), links: linksMap(doc), votes: votesMap(doc) };
	const handler = (tr: Y.Transaction) => {
		// changedParentTypes holds every ancestor of every changed type, up to the roots.
		const changed = new Set<unknown>(tr.changedParentTypes.keys());
		const changes: BoardChanges = {
			meta: changed.has(roots.meta),
			notes: changed.has(roots.notes),
			links: changed.has(roots.links),
			votes: changed.has(roots.votes)
		};
		if (changes.meta || changes.notes || changes.links || changes.votes) listener(changes, tr);
	};
	doc.on('afterTransaction', handler);
	return () => doc.off('afterTransaction', handler);
}

// ---- Meta -------------------------------------------------------------------------------------

export interface BoardMetaInit {
	title: string;
	createdAt: number;
}

/** Writes the initial metadata of a new room's board document. */
export function initBoardDoc(doc: Y.Doc, init: BoardMetaInit): void {
	const title = Title.parse(init.title);
	const createdAt = Timestamp.parse(init.createdAt);
	doc.transact(() => {
		const meta = metaMap(doc);
		meta.set('title', title);
		meta.set('scope', '');
		meta.set('createdAt', createdAt);
		meta.set('schemaVersion', SCHEMA_VERSION);
	});
}

/** The validated metadata, or undefined when any field is missing or invalid. */
export function readMeta(doc: Y.Doc): BoardMeta | undefined {
	const meta = metaMap(doc);
	const parsed = BoardMeta.safeParse({
		title: meta.get('title'),
		scope: meta.get('scope'),
		createdAt: meta.get('createdAt'),
		schemaVersion: meta.get('schemaVersion')
	});
	return parsed.success ? parsed.data : undefined;
}

/** The title alone (still shown when another meta field is broken). */
export function readTitle(doc: Y.Doc): string | undefined {
	const parsed = Title.safeParse(metaMap(doc).get('title'));
	return parsed.success ? parsed.data : undefined;
}

export function setTitle(doc: Y.Doc, title: string): void {
	metaMap(doc).set('title', Title.parse(title));
}

/** The scope alone ('' when missing or invalid), for the scope editor. */
export function readScope(doc: Y.Doc): string {
	const parsed = Scope.safeParse(metaMap(doc).get('scope'));
	return parsed.success ? parsed.data : '';
}

/**
 * The scope description of the workshop (what system, which boundaries). One plain value: the
 * last writer wins, so an editor writes the whole text as someone types and shows others' texts
 * as they arrive.
 */
export function setScope(doc: Y.Doc, scope: string): void {
	metaMap(doc).set('scope', Scope.parse(scope));
}

// ---- Reading notes ----------------------------------------------------------------------------

/** A validated snapshot of one note, or undefined when it is missing, invalid or hostile. */
export function readNote(doc: Y.Doc, id: string): Note | undefined {
	return snapshotNote(id, notesMap(doc).get(id));
}

export interface NoteFilter {
	question?: QuestionNumber;
	kind?: NoteKind;
}

/** Valid notes sorted by question, then order key (id breaks ties); invalid ones are skipped. */
export function listNotes(doc: Y.Doc, filter: NoteFilter = {}): Note[] {
	const notes: Note[] = [];
	notesMap(doc).forEach((value, id) => {
		const note = snapshotNote(id, value);
		if (!note) return;
		if (filter.question !== undefined && note.question !== filter.question) return;
		if (filter.kind !== undefined && note.kind !== filter.kind) return;
		notes.push(note);
	});
	return notes.sort(compareNotes);
}

export function compareNotes(a: Note, b: Note): number {
	return a.question - b.question || compareOrderKeys(a.order, b.order) || compareOrderKeys(a.id, b.id);
}

function snapshotNote(id: string, value: unknown): Note | undefined {
	if (!(value instanceof Y.Map)) return undefined;
	const kind: unknown = value.get('kind');
	const raw: Record<string, unknown> = {
		id,
		kind,
		question: value.get('question'),
		text: readText(value.get('text')),
		author: value.get('author'),
		authorId: value.get('authorId'),
		authorColor: value.get('authorColor'),
		color: value.get('color'),
		order: value.get('order'),
		createdAt: value.get('createdAt')
	};
	// Only the fields of the note's own kind are read: anything else in the map is ignored.
	if (kind === 'threat') {
		raw.stride = readStride(value.get('stride'));
		raw.likelihood = value.get('likelihood') ?? null;
		raw.impact = value.get('impact') ?? null;
		raw.status = value.get('status');
		raw.decision = value.get('decision');
		raw.estimate = value.get('estimate');
	} else if (kind === 'mitigation') {
		raw.owner = value.get('owner');
		raw.status = value.get('status');
	} else if (kind === 'agent') {
		raw.motivation = value.get('motivation');
		raw.capability = value.get('capability') ?? null;
	}
	const parsed = Note.safeParse(raw);
	return parsed.success ? parsed.data : undefined;
}

function readText(value: unknown): string | undefined {
	if (!(value instanceof Y.Text)) return undefined;
	// Length is checked first so a hostile megabyte note is never materialised as a string.
	return value.length <= MAX_NOTE_TEXT_READ_LENGTH ? value.toString() : undefined;
}

function readStride(value: unknown): StrideLetter[] | undefined {
	if (!(value instanceof Y.Map)) return undefined;
	return STRIDE_LETTERS.filter((letter) => value.get(letter) === true);
}

function noteMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
	const value = notesMap(doc).get(id);
	return value instanceof Y.Map ? (value as Y.Map<unknown>) : undefined;
}

// ---- Writing notes ----------------------------------------------------------------------------

/** The author fields of a new note written by this person. */
export function authorFields(person: Person): { author: string; authorColor: string; authorId?: string } {
	return person.participantId
		? { author: person.name, authorColor: person.color, authorId: person.participantId }
		: { author: person.name, authorColor: person.color };
}

/** Creates a note in one transaction and returns its id. Throws a ZodError on invalid input. */
export function createNote(doc: Y.Doc, input: NoteInput): string {
	const fields = NoteInput.parse(input);
	const id = createRecordId();
	const order = fields.order ?? orderKeyAt(doc, fields.question, Number.POSITIVE_INFINITY);
	writeNewNote(doc, id, { ...fields, order, createdAt: fields.createdAt ?? Date.now() });
	return id;
}

/** Validated createNote input with its order key and creation time settled. */
export type NewNoteFields = ReturnType<typeof NoteInput.parse> & { order: string; createdAt: number };

/**
 * Writes a note's map under `id`, in one transaction: createNote, and bringing a deleted note
 * back under its old id (board-restore.ts). `fields` must come from NoteInput.parse.
 */
export function writeNewNote(doc: Y.Doc, id: string, fields: NewNoteFields): void {
	doc.transact(() => {
		const note = new Y.Map<unknown>();
		notesMap(doc).set(id, note);
		note.set('kind', fields.kind);
		note.set('question', fields.question);
		note.set('text', new Y.Text(fields.text));
		note.set('author', fields.author);
		if (fields.authorId !== undefined) note.set('authorId', fields.authorId);
		note.set('authorColor', fields.authorColor);
		note.set('color', fields.color ?? DEFAULT_NOTE_COLORS[fields.kind]);
		note.set('order', fields.order);
		note.set('createdAt', fields.createdAt);
		if (fields.kind === 'threat') {
			// One key per letter, so concurrent toggles of different letters both survive.
			const stride = new Y.Map<unknown>();
			note.set('stride', stride);
			for (const letter of new Set(fields.stride)) stride.set(letter, true);
			note.set('likelihood', fields.likelihood);
			note.set('impact', fields.impact);
			note.set('status', fields.status);
			if (fields.decision) note.set('decision', fields.decision);
			if (fields.estimate) note.set('estimate', fields.estimate);
		} else if (fields.kind === 'mitigation') {
			note.set('owner', fields.owner);
			note.set('status', fields.status);
		} else if (fields.kind === 'agent') {
			note.set('motivation', fields.motivation);
			note.set('capability', fields.capability);
		}
	});
}

/**
 * Changes the given fields of a note; which fields are allowed depends on its kind (a kind is
 * fixed at creation so links stay valid). Unchanged values are not rewritten, so they cannot
 * win a last-writer-wins race against someone else's edit. Throws a ZodError on a bad patch.
 */
export function updateNoteFields(doc: Y.Doc, id: string, patch: NotePatch): boolean {
	const note = readNote(doc, id);
	const map = noteMap(doc, id);
	if (!note || !map) return false;
	const schema = PATCH_SCHEMAS[note.kind];
	const fields: Record<string, unknown> = schema.parse(patch);
	doc.transact(() => {
		for (const [key, value] of Object.entries(fields)) {
			if (value === undefined) continue;
			if (key === 'stride') writeStride(map, new Set(value as StrideLetter[]));
			else if (map.get(key) !== value) map.set(key, value);
		}
	});
	return true;
}

const PATCH_SCHEMAS = {
	threat: ThreatNotePatch,
	mitigation: MitigationNotePatch,
	agent: AgentNotePatch,
	component: PlainNotePatch,
	asset: PlainNotePatch,
	assumption: PlainNotePatch,
	question: PlainNotePatch,
	retro: PlainNotePatch
} as const satisfies Record<NoteKind, z.ZodType>;

/**
 * Records agreed values on a threat with the estimate behind them (server only: an estimation
 * round's result), in one transaction. False when the note is not a threat on the board.
 */
export function updateNoteEstimate(doc: Y.Doc, id: string, estimate: RiskEstimate, origin: unknown = null): boolean {
	const note = readNote(doc, id);
	const map = noteMap(doc, id);
	if (note?.kind !== 'threat' || !map) return false;
	const parsed = RiskEstimate.parse(estimate);
	doc.transact(() => {
		map.set('likelihood', parsed.likelihood);
		map.set('impact', parsed.impact);
		map.set('estimate', parsed);
	}, origin);
	return true;
}

/**
 * Records a risk decision on a threat and sets its status to the decided one (server only: the
 * decisions API checks who decided and why), in one transaction.
 */
export function recordRiskDecision(doc: Y.Doc, id: string, decision: RiskDecision, origin: unknown = null): boolean {
	const note = readNote(doc, id);
	const map = noteMap(doc, id);
	if (note?.kind !== 'threat' || !map) return false;
	const parsed = RiskDecision.parse(decision);
	doc.transact(() => {
		map.set('status', parsed.status);
		map.set('decision', parsed);
	}, origin);
	return true;
}

/** Turns one STRIDE letter of a threat on or off without touching the other letters. */
export function setStrideLetter(doc: Y.Doc, id: string, letter: StrideLetter, on: boolean): boolean {
	StrideLetterSchema.parse(letter);
	const note = readNote(doc, id);
	const stride = noteMap(doc, id)?.get('stride');
	if (note?.kind !== 'threat' || !(stride instanceof Y.Map)) return false;
	if (on && stride.get(letter) !== true) stride.set(letter, true);
	if (!on && stride.has(letter)) stride.delete(letter);
	return true;
}

function writeStride(note: Y.Map<unknown>, letters: Set<StrideLetter>): void {
	let stride = note.get('stride');
	if (!(stride instanceof Y.Map)) {
		stride = new Y.Map<unknown>();
		note.set('stride', stride);
	}
	const map = stride as Y.Map<unknown>;
	for (const letter of STRIDE_LETTERS) {
		if (letters.has(letter) && map.get(letter) !== true) map.set(letter, true);
		if (!letters.has(letter) && map.has(letter)) map.delete(letter);
	}
}

/** Moves a note to a question and order key (see orderKeyAt), in one transaction. */
export function moveNote(doc: Y.Doc, id: string, to: { question: QuestionNumber; order: string }): boolean {
	const question = Question.parse(to.question);
	const order = OrderKey.parse(to.order);
	const map = noteMap(doc, id);
	if (!map) return false;
	doc.transact(() => {
		if (map.get('question') !== question) map.set('question', question);
		map.set('order', order);
	});
	return true;
}

/**
 * An order key that puts a note at `index` among the valid notes of `question` (clamped; use
 * Infinity to append). Pass the id of the note being moved so it does not count itself.
 */
export function orderKeyAt(doc: Y.Doc, question: QuestionNumber, index: number, movingId?: string): string {
	// Appending (every new note) needs only the lane's last key, read without parsing every note:
	// listing a lane of 2,400 notes took 90-175 ms per new note.
	if (index === Number.POSITIVE_INFINITY && movingId === undefined) {
		try {
			return orderKeyBetween(lastOrderKey(doc, question), null);
		} catch (err) {
			if (!(err instanceof RangeError)) throw err;
		}
	}
	const column = listNotes(doc, { question }).filter((note) => note.id !== movingId);
	const at = Math.max(0, Math.min(Number.isNaN(index) ? column.length : index, column.length));
	// A neighbour's key can leave no room (a key at the length limit, written by a hostile peer:
	// nothing fits after it). Then the note goes one place earlier, and so on: "Add" used to fail
	// silently in that question for everyone.
	for (let place = at; ; place--) {
		const before = column[place - 1]?.order ?? null;
		let after: string | null = column[place]?.order ?? null;
		// Equal neighbours (a duplicate key from a peer) leave no room between: go after both.
		if (before !== null && after !== null && before >= after) after = null;
		try {
			return orderKeyBetween(before, after);
		} catch (err) {
			if (place <= 0 || !(err instanceof RangeError)) throw err;
		}
	}
}

/**
 * The largest order key among the notes of a question (null when it has none). A note the board
 * does not show (malformed) may hold it: a note appended after it still comes last of those shown.
 */
function lastOrderKey(doc: Y.Doc, question: QuestionNumber): string | null {
	let last: string | null = null;
	notesMap(doc).forEach((value) => {
		if (!(value instanceof Y.Map) || value.get('question') !== question) return;
		const order: unknown = value.get('order');
		if (isOrderKey(order) && (last === null || order > last)) last = order;
	});
	return last;
}

/**
 * Deletes a note with its links and votes in one transaction, so no orphan is left behind.
 * A link or vote another client adds concurrently to the deleted note can still arrive later:
 * listing functions ignore such orphans and pruneOrphans removes them.
 */
export function deleteNote(doc: Y.Doc, id: string): boolean {
	const notes = notesMap(doc);
	if (!notes.has(id)) return false;
	doc.transact(() => {
		notes.delete(id);
		removeLinksWhere(doc, (link) => linkEndpoints(link).includes(id));
		removeVotesWhere(doc, (noteId) => noteId === id);
	});
	return true;
}

// ---- Orphans: links and votes whose note is gone ----------------------------------------------

/** Note ids a link joins (a canvas link joins one note and one canvas element). */
export function linkEndpoints(link: LinkRecord): string[] {
	if (link.kind === 'canvas') return [link.noteId];
	return [link.threatId, noteLinkOtherId(link)];
}

/** The note at the other end of a note-to-note link from its threat (mitigation, asset, agent). */
export function noteLinkOtherId(link: Exclude<LinkRecord, { kind: 'canvas' }>): string {
	switch (link.kind) {
		case 'mitigates':
			return link.mitigationId;
		case 'endangers':
			return link.assetId;
		case 'agent':
			return link.agentId;
	}
}

/**
 * The valid notes of a board, by id: a Map of snapshots (a view that already holds them) or
 * noteLookup's memo. Tallies and link lists take one so they never re-parse every note.
 */
export interface LiveNotes {
	get(id: string): Pick<Note, 'kind'> | undefined;
}

/** Reads notes on demand, each at most once: for one pass over links or votes. */
export function noteLookup(doc: Y.Doc): LiveNotes {
	const seen = new Map<string, Note | undefined>();
	return {
		get(id) {
			if (!seen.has(id)) seen.set(id, readNote(doc, id));
			return seen.get(id);
		}
	};
}

/**
 * Whether a link should be shown: its notes exist, are valid and have the right kinds. A canvas
 * link stays live when its element is deleted: the note keeps it, shown as no longer attached
 * (see isElementOnCanvas), and undoing the deletion on the canvas re-attaches it.
 * `notes` may be passed to avoid re-reading notes.
 */
export function isLinkLive(doc: Y.Doc, link: Link, notes: LiveNotes = noteLookup(doc)): boolean {
	if (link.kind === 'canvas') return notes.get(link.noteId) !== undefined;
	const ends = NOTE_LINK_ENDS[link.kind];
	return notes.get(link.threatId)?.kind === ends.threat && notes.get(noteLinkOtherId(link))?.kind === ends.other;
}

/**
 * Whether a note with this id was on the board and has been deleted: bringing it back (undo)
 * restores it whole, with its author, votes and records. Reads Y.Map's entry for the key, which
 * Yjs keeps (deleted) after a delete.
 */
export function wasNoteDeleted(doc: Y.Doc, id: string): boolean {
	const entry = (notesMap(doc) as unknown as { _map: Map<string, { deleted: boolean }> })._map.get(id);
	return entry !== undefined && entry.deleted;
}

/** Whether a canvas element (a tldraw record id) is on the canvas now. */
export function isElementOnCanvas(doc: Y.Doc, elementId: string): boolean {
	return canvasMap(doc).has(elementId);
}

/**
 * Removes links and votes whose note is no longer in the document (left by edits concurrent with
 * a delete). Canvas links to deleted elements are kept on purpose: the threat stays, marked as no
 * longer attached to the element it was about. Entries pointing at a present but invalid
 * note are kept: that note may be mid-way through a peer's edit. Run it where the whole document
 * is loaded (e.g. on the server, or a facilitator's client after sync): a client that has
 * received a link before the note it points at would otherwise drop a good link.
 * Returns how many entries were removed.
 */
export function pruneOrphans(doc: Y.Doc): { links: number; votes: number } {
	const notes = notesMap(doc);
	let links = 0;
	let votes = 0;
	doc.transact(() => {
		links = removeLinksWhere(doc, (link) => !linkEndpoints(link).every((id) => notes.has(id)));
		votes = removeVotesWhere(doc, (noteId) => !notes.has(noteId));
	});
	return { links, votes };
}

function removeLinksWhere(doc: Y.Doc, predicate: (link: Link) => boolean): number {
	const map = linksMap(doc);
	const doomed: string[] = [];
	map.forEach((value, key) => {
		const link = parseLink(key, value);
		if (link && predicate(link)) doomed.push(key);
	});
	for (const key of doomed) map.delete(key);
	return doomed.length;
}

function removeVotesWhere(doc: Y.Doc, predicate: (noteId: string) => boolean): number {
	const map = votesMap(doc);
	const doomed: string[] = [];
	map.forEach((value, key) => {
		const vote = parseVote(key, value);
		if (vote && predicate(vote.noteId)) doomed.push(key);
	});
	for (const key of doomed) map.delete(key);
	return doomed.length;
}
