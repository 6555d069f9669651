/**
 * This person's view of the board: search and filters, how each column is sorted, and the
 * notes each column shows. Derived from the store's cells and version counters, so a keystroke
 * re-filters only while a text search is active, and nothing here copies the document.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- these Maps and Sets are built whole and
   published through $state.raw or version counters (or are not view state at all), by design. */
import { untrack } from 'svelte';
import type { Note } from '#shared/board/schema';
import type { BoardStore, NoteCell } from './board-store.svelte.ts';
import { EMPTY_FILTER, filtersOnText, isFilterActive, noteMatches, spotlitNotes, type BoardFilter } from './filters.ts';
import { COLUMN_IDS, type ColumnId } from './lanes.ts';
import { DEFAULT_BOARD_POLICY, type FocusPolicy } from './policy.ts';
import { sortNotes, type LaneSort } from './sorting.ts';

export class BoardView {
	readonly #store: BoardStore;
	readonly #focus: FocusPolicy;
	filter = $state<BoardFilter>({ ...EMPTY_FILTER });
	#sorts = $state<Partial<Record<ColumnId, LaneSort>>>({});
	/** The note this person is typing in: kept visible even when an edit stops it matching. */
	editing = $state<string | null>(null);
	/** Briefly outlined after a jump from a link. */
	highlighted = $state<string | null>(null);
	/**
	 * The note about to be focused (keyboard navigation, a jump, a move): columns render only
	 * what is scrolled into view (see windowing.ts), so this one is rendered wherever it is.
	 */
	revealed = $state<string | null>(null);

	readonly filterActive = $derived(isFilterActive(this.filter));
	readonly #spotlight: () => string | null;
	/** The notes a spotlight shows (see spotlitNotes), or null when nothing is spotlit here. */
	readonly spotlit = $derived.by(() => {
		const elementId = this.#spotlight();
		return elementId === null ? null : spotlitNotes(this.#store.links, elementId);
	});

	constructor(store: BoardStore, focus: FocusPolicy = DEFAULT_BOARD_POLICY.focus, spotlight: () => string | null = () => null) {
		this.#store = store;
		this.#focus = focus;
		this.#spotlight = spotlight;
	}

	/** The facilitator's sort while this person follows it, else this person's own. */
	sortOf(column: ColumnId): LaneSort {
		return this.#focus.sortOf(column) ?? this.#sorts[column] ?? 'manual';
	}
	/** True when this lane's order is the facilitator's, for everyone. */
	sortShared(column: ColumnId): boolean {
		return this.#focus.sortOf(column) !== null;
	}
	setSort(column: ColumnId, sort: LaneSort): void {
		// Stepping out of the facilitator's sorts starts from what this person sees now.
		if (!this.#focus.leads && this.#focus.sortOf(column) !== null) {
			for (const lane of COLUMN_IDS) this.#sorts[lane] = this.sortOf(lane);
		}
		this.#sorts[column] = sort;
		this.#focus.setSort(column, sort);
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
		const spotlit = this.spotlit;
		if (!active && sort === 'manual' && !spotlit) return cells;
		this.#trackInputs(filter, active, sort);
		const pinned = this.editing;
		return untrack(() => {
			const context = { linkedThreats: (id: string) => this.#store.linkedNotes(id), votes: (id: string) => this.#store.votes(id) };
			const byNote = new Map<Note, NoteCell>(cells.map((cell) => [cell.note, cell]));
			let notes = cells.map((cell) => cell.note);
			if (spotlit) notes = notes.filter((note) => note.id === pinned || spotlit.has(note.id));
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
