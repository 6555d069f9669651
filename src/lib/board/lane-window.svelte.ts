/**
 * The scroll state of one column and the heights of its cards, for windowed rendering (see
 * windowing.ts). Heights are measured by a ResizeObserver on each rendered card and kept by note
 * id, so a card keeps its measured height when the column is re-sorted or filtered.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the heights Map is not view state: a
   version counter publishes its changes once per ResizeObserver callback. */
import { computeWindow, type ListWindow } from './windowing.ts';

export class LaneWindow {
	/**
	 * The scroll offset and height of the column's scroller, px. Until the scroller is measured,
	 * the window's height stands in: the first render then holds what the first paint shows, and
	 * the measurement (a little smaller) changes nothing.
	 */
	scrollTop = $state(0);
	viewport = $state(typeof window === 'undefined' ? 0 : window.innerHeight);
	/** Height of what the scroller shows above the list (the first lane's scope), px. */
	listTop = $state(0);
	readonly #heights = new Map<string, number>();
	#measured = $state(0);
	#observer: ResizeObserver | undefined;

	/** Which of `ids` to render, and the space standing in for the rest. */
	compute(ids: readonly string[], pinned: Iterable<string | null | undefined>): ListWindow {
		void this.#measured;
		const pins: number[] = [];
		const wanted = new Set(pinned);
		ids.forEach((id, index) => {
			if (wanted.has(id)) pins.push(index);
		});
		// The list starts below the scroller's top padding: a few px that the overscan covers.
		return computeWindow({
			count: ids.length,
			heightOf: (index) => this.#heights.get(ids[index]),
			top: this.scrollTop - this.listTop,
			bottom: this.scrollTop + this.viewport - this.listTop,
			pinned: pins
		});
	}

	/** Attachment for a rendered card's list item (carrying data-id): keeps its height measured. */
	measure = (node: HTMLElement): (() => void) => {
		this.#observer ??= new ResizeObserver((entries) => {
			let changed = false;
			for (const entry of entries) {
				const id = (entry.target as HTMLElement).dataset.id;
				const height = entry.borderBoxSize[0]?.blockSize ?? entry.contentRect.height;
				if (id === undefined || height === 0 || this.#heights.get(id) === height) continue;
				this.#heights.set(id, height);
				changed = true;
			}
			if (changed) this.#measured++;
		});
		const observer = this.#observer;
		observer.observe(node);
		return () => observer.unobserve(node);
	};

	/** Forgets the heights of notes no longer in the column (deleted or moved away). */
	prune(ids: readonly string[]): void {
		if (this.#heights.size <= ids.length * 2) return;
		const keep = new Set(ids);
		for (const id of this.#heights.keys()) if (!keep.has(id)) this.#heights.delete(id);
	}

	destroy(): void {
		this.#observer?.disconnect();
	}
}
