/** Finding and focusing notes in the page (after Svelte has applied pending updates). */
import { tick } from 'svelte';

export function noteElement(id: string): HTMLElement | null {
	return document.querySelector<HTMLElement>(`[data-note-id="${CSS.escape(id)}"]`);
}

export type FocusPart = 'card' | 'text';

export async function focusNote(id: string, part: FocusPart = 'card'): Promise<boolean> {
	await tick();
	const card = noteElement(id);
	if (!card) return false;
	// The text's view swaps itself for a textarea when focused.
	const target = part === 'text' ? card.querySelector<HTMLElement>('textarea, [role="textbox"]') : card;
	(target ?? card).focus({ preventScroll: true });
	card.scrollIntoView({ block: 'nearest', behavior: 'instant' });
	return true;
}

/** Focuses the add button of a column (where focus goes when its last note is deleted). */
export async function focusColumn(column: string | number): Promise<void> {
	await tick();
	document.querySelector<HTMLElement>(`[data-column="${column}"] [data-add-note]`)?.focus();
}
