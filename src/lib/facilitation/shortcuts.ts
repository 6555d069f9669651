/**
 * Facilitator keyboard shortcuts: Alt+Shift plus a key, so they never clash with the board's
 * single keys (N, Q, /, ?) or with typing. Matched on `event.code`, so they work on every layout.
 */
import type { ShortcutSection } from '$lib/board/keyboard.ts';

export const FACILITATOR_SHORTCUTS = [
	{ action: 'toggle-timer', code: 'KeyP', keys: 'Alt+Shift+P', label: 'Start, pause or resume the timer' },
	{ action: 'next', code: 'ArrowRight', keys: 'Alt+Shift+→', label: 'Next question' },
	{ action: 'previous', code: 'ArrowLeft', keys: 'Alt+Shift+←', label: 'Previous question' },
	{ action: 'extend-1', code: 'Digit1', keys: 'Alt+Shift+1', label: 'One more minute' },
	{ action: 'extend-5', code: 'Digit5', keys: 'Alt+Shift+5', label: 'Five more minutes' },
	{ action: 'toggle-lock', code: 'KeyL', keys: 'Alt+Shift+L', label: 'Lock or unlock the board' },
	{ action: 'toggle-panel', code: 'KeyF', keys: 'Alt+Shift+F', label: 'Show or hide the facilitator panel' }
] as const;
export type FacilitatorAction = (typeof FACILITATOR_SHORTCUTS)[number]['action'];

/** The facilitators' part of the board's shortcuts dialog (the workshop page hands it to the board). */
export const FACILITATOR_SHORTCUT_HELP: ShortcutSection = {
	title: 'Facilitators',
	shortcuts: FACILITATOR_SHORTCUTS.map(({ keys, label }) => ({ keys, action: label }))
};

export function facilitatorShortcut(event: Pick<KeyboardEvent, 'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'code'>): FacilitatorAction | undefined {
	if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return undefined;
	return FACILITATOR_SHORTCUTS.find((s) => s.code === event.code)?.action;
}
