/**
 * What the board shows, read from the document without mirroring it: one NoteCell per note
 * (a $state.raw snapshot, replaced only when a transaction touched that note), the notes grouped
 * into columns, and link and vote summaries. A keystroke in one note re-reads that note alone;
 * three version counters let views re-filter only when what they depend on changed. Vote totals
 * depend on the board policy's budget too (./policy.ts), and follow it when the facilitator
 * changes it.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps and Sets are built whole and
   published through $state.raw or version counters (or are not view state at all), by design. */
import type * as Y from 'yjs';
import { untrack } from 'svelte';
import { listNotes, noteLinkOtherId, onBoardChange, readNote, readScope, type BoardChanges, type LiveNotes } from '#shared/board/doc';
import { listLinks } from '#shared/board/links';
import { changedNoteIds } from '#shared/board/observe';
import { effectiveVotes, votesOf } from '#shared/board/votes';
import { compareOrderKeys } from '#shared/board/ordering';
import type { Link, LinkKind, Note, NoteLinkKind } from '#shared/board/schema';
import { whenIdle } from './idle.ts';
import { columnOf, type ColumnId } from './lanes.ts';
import type { BoardPolicy } from './policy.ts';

/** A transaction touching more notes than this is a burst (e.g. the first sync). */
const BURST_NOTES = 50;

export class NoteCell {
	readonly id: string;
	#note = $state.raw<Note>() as Note;

	constructor(note: Note) {
		this.id = note.id;
		this.#note = note;
	}
	get note(): Note {
		return this.#note;
	}
	set note(note: Note) {
		this.#note = note;
	}
}

type Change = 'structure' | 'fields' | 'text' | 'none';

function compareManual(a: NoteCell, b: NoteCell): number {
	return compareOrderKeys(a.note.order, b.note.order) || compareOrderKeys(a.id, b.id);
}

function sameFields(a: Note, b: Note): boolean {
	if (a.color !== b.color || a.author !== b.author || a.authorColor !== b.authorColor) return false;
	if (a.kind === 'threat' && b.kind === 'threat') {
		return a.stride.join() === b.stride.join() && a.likelihood === b.likelihood && a.impact === b.impact && a.status === b.status;
	}
	if (a.kind === 'mitigation' && b.kind === 'mitigation') return a.owner === b.owner && a.status === b.status;
	if (a.kind === 'agent' && b.kind === 'agent') return a.motivation === b.motivation && a.capability === b.capability;
	return true;
}

function classify(prev: Note, next: Note): Change {
	if (prev.kind !== next.kind || prev.question !== next.question || prev.order !== next.order) return 'structure';
	if (!sameFields(prev, next)) return 'fields';
	return prev.text !== next.text ? 'text' : 'none';
}

export class BoardStore {
	readonly doc: Y.Doc;
	/** Whose votes are "mine": this person's participant id, once they have joined (reactive). */
	readonly #voterId: () => string | undefined;
	readonly #policy: BoardPolicy;
	readonly #cells = new Map<string, NoteCell>();
	#structure = $state(0);
	#fields = $state(0);
	#text = $state(0);
	#links = $state.raw<readonly Link[]>([]);
	#scope = $state('');
	#linked = $state.raw<ReadonlyMap<string, readonly string[]>>(new Map());
	/** Bumps when votes were re-read (the tally below is recounted from it and the budget). */
	#votes = $state(0);
	/** This person's dots on the board; recounted when votes change or they join. */
	readonly #mineOnBoard = $derived.by(() => {
		void this.#votes;
		const voterId = this.#voterId();
		return untrack(() => (voterId ? votesOf(this.doc, voterId, this.#live) : new Map<string, number>()));
	});
	#summariesDue = false;
	/** The notes this store holds, for the shared tallies (so they never re-read the document's notes). */
	readonly #live: LiveNotes = { get: (id) => this.#cells.get(id)?.note };
	readonly #unsubscribe: () => void;

	/** Cells by column, in manual (order key) order; recomputed when notes come, go or move. */
	readonly columns = $derived.by(() => {
		void this.#structure;
		return untrack(() => this.#groupColumns());
	});

	/** Votes per note after the budget is applied; recounted when votes or the budget change. */
	readonly #tally = $derived.by(() => {
		void this.#votes;
		const { budget } = this;
		return untrack(() => effectiveVotes(this.doc, budget, this.#live));
	});

	constructor(doc: Y.Doc, voterId: () => string | undefined, policy: BoardPolicy) {
		this.doc = doc;
		this.#voterId = voterId;
		this.#policy = policy;
		for (const note of listNotes(doc)) this.#cells.set(note.id, new NoteCell(note));
		this.#refreshSummaries();
		this.#scope = readScope(doc);
		this.#unsubscribe = onBoardChange(doc, this.#onChange);
	}

	destroy(): void {
		this.#unsubscribe();
	}

	/** Bumps when a note is added, removed or moved. */
	get structureVersion(): number {
		return this.#structure;
	}
	/** Bumps when a note's fields (STRIDE, ratings, status, owner, colour) change. */
	get fieldsVersion(): number {
		return this.#fields;
	}
	/** Bumps when any note's text changes. */
	get textVersion(): number {
		return this.#text;
	}
	get noteCount(): number {
		void this.#structure;
		return this.#cells.size;
	}

	cell(id: string): NoteCell | undefined {
		return this.#cells.get(id);
	}
	/** Every note snapshot (tracks structure only). */
	allNotes(): Note[] {
		void this.#structure;
		return untrack(() => [...this.#cells.values()].map((cell) => cell.note));
	}

	/** The workshop's scope (question 1), as the document holds it now. */
	get scope(): string {
		return this.#scope;
	}

	get links(): readonly Link[] {
		return this.#links;
	}
	/** Ids of the notes linked to this one by `kind` (threat <-> mitigation, asset or agent). */
	linkedIds(id: string, kind: NoteLinkKind = 'mitigates'): readonly string[] {
		return this.#linked.get(linkIndexKey(kind, id)) ?? [];
	}
	/** Ids of the diagram elements a note is tied to (canvas links, the element may be gone). */
	linkedElementIds(id: string): readonly string[] {
		return this.#linked.get(linkIndexKey('canvas', id)) ?? [];
	}
	linkedNotes(id: string, kind: NoteLinkKind = 'mitigates'): Note[] {
		const notes: Note[] = [];
		for (const other of this.linkedIds(id, kind)) {
			const cell = this.#cells.get(other);
			if (cell) notes.push(cell.note);
		}
		return notes;
	}

	/** Votes on a note after the budget is applied (the same total on every screen). */
	votes(id: string): number {
		return this.#tally.get(id) ?? 0;
	}
	get voterId(): string | undefined {
		return this.#voterId();
	}
	/** This person's dots: on the board, or the server's count of their ballots in a hidden round. */
	#myDots(): ReadonlyMap<string, number> {
		return this.#policy.ballots?.mine ?? this.#mineOnBoard;
	}
	myVotes(id: string): number {
		return this.#myDots().get(id) ?? 0;
	}
	get votesUsed(): number {
		let used = 0;
		for (const count of this.#myDots().values()) used += count;
		return used;
	}
	get votesLeft(): number {
		return Math.max(0, this.budget - this.votesUsed);
	}
	/** Dots per person: the board policy's (5 unless the facilitator set another budget). */
	get budget(): number {
		return this.#policy.voting.budget;
	}

	#onChange = (changes: BoardChanges, transaction: Y.Transaction): void => {
		let structural = false;
		let burst = false;
		if (changes.meta) this.#scope = readScope(this.doc);
		if (changes.notes) {
			let fields = false;
			let text = false;
			const ids = changedNoteIds(this.doc, transaction);
			burst = ids.size > BURST_NOTES;
			for (const id of ids) {
				const change = this.#refresh(id);
				structural ||= change === 'structure';
				fields ||= change === 'fields';
				text ||= change === 'text';
			}
			if (structural) this.#structure++;
			if (fields) this.#fields++;
			if (text) this.#text++;
		}
		if (changes.links || changes.votes || structural) this.#scheduleSummaries(burst);
	};

	#refresh(id: string): Change {
		const next = readNote(this.doc, id);
		const cell = this.#cells.get(id);
		if (!next) return cell && this.#cells.delete(id) ? 'structure' : 'none';
		if (!cell) {
			this.#cells.set(id, new NoteCell(next));
			return 'structure';
		}
		const change = classify(cell.note, next);
		if (change !== 'none') cell.note = next;
		return change;
	}

	/**
	 * Links and votes are re-read once per task, however many transactions arrived in it; after a
	 * burst (a big board arriving) only once the page is idle, so the notes paint first. They are
	 * checked against this store's notes (#live), so a refresh costs O(links + votes).
	 */
	#scheduleSummaries(burst: boolean): void {
		if (this.#summariesDue) return;
		this.#summariesDue = true;
		const run = () => {
			this.#summariesDue = false;
			this.#refreshSummaries();
		};
		if (burst) whenIdle(run);
		else queueMicrotask(run);
	}

	#refreshSummaries(): void {
		const links = listLinks(this.doc, this.#live);
		this.#links = links;
		this.#linked = linkIndex(links, this.#linked);
		this.#votes++;
	}

	#groupColumns(): Map<ColumnId, NoteCell[]> {
		const columns = new Map<ColumnId, NoteCell[]>([[1, []], [2, []], [3, []], [4, []], ['parking', []]]);
		for (const cell of this.#cells.values()) columns.get(columnOf(cell.note))?.push(cell);
		for (const cells of columns.values()) cells.sort(compareManual);
		return columns;
	}
}

function linkIndexKey(kind: LinkKind, id: string): string {
	return `${kind}|${id}`;
}

/** Other endpoints per note and link kind, reusing the previous arrays where nothing changed (no re-render). */
function linkIndex(links: readonly Link[], previous: ReadonlyMap<string, readonly string[]>): Map<string, readonly string[]> {
	const next = new Map<string, string[]>();
	const add = (from: string, to: string) => {
		const list = next.get(from);
		if (list) list.push(to);
		else next.set(from, [to]);
	};
	for (const link of links) {
		if (link.kind === 'canvas') {
			add(linkIndexKey('canvas', link.noteId), link.elementId);
			continue;
		}
		const other = noteLinkOtherId(link);
		add(linkIndexKey(link.kind, link.threatId), other);
		add(linkIndexKey(link.kind, other), link.threatId);
	}
	const result = new Map<string, readonly string[]>();
	for (const [id, list] of next) {
		const old = previous.get(id);
		result.set(id, old && old.length === list.length && old.every((v, i) => v === list[i]) ? old : list);
	}
	return result;
}
