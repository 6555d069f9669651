/**
 * Windowed rendering of a long column: which notes to put in the page for a scroll position,
 * and the empty space standing in for the others. Pure; LaneWindow feeds it measured heights.
 *
 * Cards have different heights (text wraps, threats carry fields and links), so heights are
 * measured once a card has been rendered and estimated before that. Some notes are pinned: the
 * one being typed in, the lane's tab stop, one being dragged or jumped to. They are rendered
 * wherever they are, each at its own offset, so scrolling away never destroys an editor or
 * drops focus.
 */

/** Space between two cards, px (the list's own layout: cards carry no margins). */
export const NOTE_GAP_PX = 10;
/** Height assumed for a card never rendered, until some have been measured, px. */
export const ESTIMATED_NOTE_PX = 120;
/** Rendered beyond each edge of the visible band, px: scrolling shows cards already laid out. */
export const OVERSCAN_PX = 480;

export interface WindowRequest {
	count: number;
	/** The measured height of the card at `index`, px, or undefined before it was rendered. */
	heightOf(index: number): number | undefined;
	/** The visible band, in the list's own coordinates (0 is the top of the first card), px. */
	top: number;
	bottom: number;
	/** Indices rendered whatever the scroll position (out-of-range ones are ignored). */
	pinned?: Iterable<number>;
	overscan?: number;
	gap?: number;
}

export interface WindowedItem {
	index: number;
	/** Space above this card: the gap, plus the height of every card skipped since the previous one. */
	spaceBefore: number;
}

export interface ListWindow {
	items: WindowedItem[];
	/** Space below the last rendered card, px. */
	spaceAfter: number;
	/** Height of the whole list, px. */
	total: number;
}

export function computeWindow(request: WindowRequest): ListWindow {
	const { count, top, bottom, overscan = OVERSCAN_PX, gap = NOTE_GAP_PX } = request;
	if (count === 0) return { items: [], spaceAfter: 0, total: 0 };
	const heights = new Float64Array(count);
	let measured = 0;
	let measuredSum = 0;
	for (let i = 0; i < count; i++) {
		const height = request.heightOf(i);
		if (height === undefined) {
			heights[i] = Number.NaN;
		} else {
			heights[i] = height;
			measured++;
			measuredSum += height;
		}
	}
	const estimate = measured > 0 ? measuredSum / measured : ESTIMATED_NOTE_PX;
	const starts = new Float64Array(count);
	let offset = 0;
	for (let i = 0; i < count; i++) {
		if (Number.isNaN(heights[i])) heights[i] = estimate;
		starts[i] = offset;
		offset += heights[i] + (i < count - 1 ? gap : 0);
	}
	const total = offset;

	const from = top - overscan;
	const to = bottom + overscan;
	const indices = new Set<number>();
	for (let i = firstEndingAfter(starts, heights, from); i < count && starts[i] <= to; i++) indices.add(i);
	for (const index of request.pinned ?? []) {
		if (Number.isInteger(index) && index >= 0 && index < count) indices.add(index);
	}

	const items: WindowedItem[] = [];
	let end = 0;
	for (const index of [...indices].sort((a, b) => a - b)) {
		items.push({ index, spaceBefore: starts[index] - end });
		end = starts[index] + heights[index];
	}
	return { items, spaceAfter: Math.max(0, total - end), total };
}

/** Binary search: the first card whose bottom edge is below `y`. */
function firstEndingAfter(starts: Float64Array, heights: Float64Array, y: number): number {
	let low = 0;
	let high = starts.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (starts[mid] + heights[mid] < y) low = mid + 1;
		else high = mid;
	}
	return low;
}

/**
 * Where a drop at height `y` (viewport coordinates) lands among a column's rendered cards:
 * before the first card whose middle is below `y`, else after the last rendered one. Cards carry
 * their column index (data-index), since a window renders only some of them.
 */
export function dropIndexAt(cards: readonly Element[], y: number): number {
	let after = 0;
	for (const card of cards) {
		const index = Number((card as HTMLElement).dataset.index);
		if (!Number.isInteger(index)) continue;
		const rect = card.getBoundingClientRect();
		if (y < rect.top + rect.height / 2) return index;
		after = index + 1;
	}
	return after;
}
