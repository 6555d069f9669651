/**
 * How the workshop page shares its width between the diagram and the board: both side by side
 * (with a ratio the person drags), or either one alone. Remembered per browser; a first visit on a
 * narrow screen starts with the board alone.
 */
import { LAYOUT_KEY as STORAGE_KEY } from '$lib/workshop/storage-keys.ts';

export type LayoutMode = 'split' | 'canvas' | 'board';

export const MIN_RATIO = 0.2;
export const MAX_RATIO = 0.8;
const DEFAULT = { mode: 'split' as LayoutMode, ratio: 0.45 };
/**
 * Narrower than this (a tablet, a phone, a small window), a first visit opens on the board alone:
 * split, the diagram got about 370 px with its palette cut off and the lanes scrolled sideways.
 */
export const SPLIT_MIN_WIDTH = 1100;

export const clampRatio = (ratio: number): number =>
	Number.isFinite(ratio) ? Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio)) : DEFAULT.ratio;

export class SplitLayout {
	mode = $state<LayoutMode>(DEFAULT.mode);
	/** The diagram's share of the width in split mode. */
	ratio = $state(DEFAULT.ratio);
	readonly #storage: Storage | undefined;

	constructor(storage: Storage | undefined = globalThis.localStorage, viewportWidth: number = globalThis.innerWidth ?? Infinity) {
		this.#storage = storage;
		if (viewportWidth < SPLIT_MIN_WIDTH) this.mode = 'board';
		try {
			const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as { mode?: unknown; ratio?: unknown } | null;
			if (saved?.mode === 'split' || saved?.mode === 'canvas' || saved?.mode === 'board') this.mode = saved.mode;
			if (typeof saved?.ratio === 'number') this.ratio = clampRatio(saved.ratio);
		} catch {
			// Unreadable or malformed: the defaults.
		}
	}

	setMode(mode: LayoutMode): void {
		this.mode = mode;
		this.#save();
	}

	setRatio(ratio: number): void {
		this.ratio = clampRatio(ratio);
		this.#save();
	}

	/** Makes sure the diagram is visible (e.g. before jumping to an element from a note). */
	revealCanvas(): void {
		if (this.mode === 'board') this.setMode('split');
	}

	#save(): void {
		try {
			this.#storage?.setItem(STORAGE_KEY, JSON.stringify({ mode: this.mode, ratio: this.ratio }));
		} catch {
			// Storage full or disabled: the layout is simply not remembered.
		}
	}
}
