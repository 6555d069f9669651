/**
 * This person's view of the board: search and filters, how each column is sorted, and the
 * notes each column shows. Derived from the store's cells and version counters, so a keystroke
 * re-filters only while a text search is active, and nothing here copies the document.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps and Sets are built whole and
   published through $state.raw or version counters (or are not view state at all), by design. */
import { untrack } from 'svelte';
import type { Note } from '#shared/schema';
import type { BoardStore, NoteCell } from './board-store.svelte.ts';
import { EMPTY_FILTER, filtersOnText, isFilterActive, noteMatches, type BoardFilter } from './filters.ts';
import type { ColumnId } from './lanes.ts';
import { sortNotes, type LaneSort } from './sorting.ts';

/**
 * Cards rendered per column at first, and added each time the end of a column scrolls near.
 * Only what is on screen (plus a screenful) is in the page: a 500-note board then costs every
 * frame (layout, compositing, hit testing) about what a 60-note board does.
 */
export const RENDER_WINDOW = 8;

export class BoardView {
	readonly #store: BoardStore;
	#limits = $state<Partial<Record<ColumnId, number>>>({});
	filter = $state<BoardFilter>({ ...EMPTY_FILTER });
	#sorts = $state<Partial<Record<ColumnId, LaneSort>>>({});
	/** The note this person is typing in: kept visible even when an edit stops it matching. */
	editing = $state<string | null>(null);
	/** Briefly outlined after a jump from a link. */
	highlighted = $state<string | null>(null);

	readonly filterActive = $derived(isFilterActive(this.filter));

	constructor(store: BoardStore) {
		this.#store = store;
	}

	sortOf(column: ColumnId): LaneSort {
		return this.#sorts[column] ?? 'manual';
	}
	setSort(column: ColumnId, sort: LaneSort): void {
		this.#sorts[column] = sort;
	}

	/** How many of a column's notes are rendered. */
	limitOf(column: ColumnId): number {
		return this.#limits[column] ?? RENDER_WINDOW;
	}
	/** Renders the next window of a column (its end has scrolled near). */
	grow(column: ColumnId): void {
		this.#limits[column] = this.limitOf(column) + RENDER_WINDOW;
	}
	/** Makes sure the note at `index` of a column is rendered (before focusing it). */
	reveal(column: ColumnId, index: number): void {
		if (index >= this.limitOf(column)) this.#limits[column] = index + RENDER_WINDOW;
	}

	clearFilters(): void {
		this.filter = { ...EMPTY_FILTER };
	}

	/** Every note of a column, in manual order (what moves are computed against). */
	all(column: ColumnId): NoteCell[] {
		return this.#store.columns.get(column) ?? [];
	}

	/** The notes a column shows, filtered and sorted. */
	visible(column: ColumnId): NoteCell[] {
		const cells = this.all(column);
		const filter = this.filter;
		const active = this.filterActive;
		const sort = this.sortOf(column);
		if (!active && sort === 'manual') return cells;
		this.#trackInputs(filter, active, sort);
		const pinned = this.editing;
		return untrack(() => {
			const context = { linkedThreats: (id: string) => this.#store.linkedNotes(id), votes: (id: string) => this.#store.votes(id) };
			const byNote = new Map<Note, NoteCell>(cells.map((cell) => [cell.note, cell]));
			let notes = cells.map((cell) => cell.note);
			if (active) notes = notes.filter((note) => note.id === pinned || noteMatches(note, filter, context));
			return sortNotes(notes, sort, context).map((note) => byNote.get(note) as NoteCell);
		});
	}

	/** Reads what filtering and sorting depend on, so the derived column re-runs when it changes. */
	#trackInputs(filter: BoardFilter, active: boolean, sort: LaneSort): void {
		const store = this.#store;
		if (active || sort === 'risk') void store.fieldsVersion;
		if (active && filtersOnText(filter)) void store.textVersion;
		if ((active && filter.stride) || sort === 'risk') void store.links;
		if (sort === 'votes') void store.votes('');
		void this.editing;
	}
}
