/**
 * Keyboard shortcuts, as pure functions from a key event's fields to a command, so the bindings
 * are tested and listed in one place (the shortcuts dialog reads SHORTCUTS).
 */
import type { MoveDirection } from './moves.ts';

export interface KeyInput {
	key: string;
	altKey: boolean;
	shiftKey: boolean;
	ctrlKey: boolean;
	metaKey: boolean;
}

export type GlobalCommand = 'undo' | 'redo' | 'new-note' | 'new-question' | 'search' | 'help';

const ARROWS: Record<string, MoveDirection> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/**
 * Keys that work anywhere on the board. Undo/redo also work while typing in a note (the board's
 * undo covers note text; see undo.svelte.ts); the single letters only when not typing.
 */
export function globalCommand(event: KeyInput, typing: boolean): GlobalCommand | null {
	const mod = event.ctrlKey || event.metaKey;
	const key = event.key.toLowerCase();
	if (mod && !event.altKey) {
		if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
		if (key === 'y' && !event.shiftKey) return 'redo';
		return null;
	}
	if (typing || event.altKey || mod) return null;
	if (key === 'n') return 'new-note';
	if (key === 'q') return 'new-question';
	if (event.key === '/') return 'search';
	if (event.key === '?') return 'help';
	return null;
}

export type CardCommand =
	| { type: 'focus'; direction: MoveDirection }
	| { type: 'move'; direction: MoveDirection }
	| { type: 'edit' }
	| { type: 'delete' }
	| { type: 'vote' }
	| { type: 'unvote' }
	| { type: 'link' };

/** Keys on a focused note card (not in its text or fields). */
export function cardCommand(event: KeyInput): CardCommand | null {
	if (event.ctrlKey || event.metaKey) return null;
	const direction = ARROWS[event.key];
	if (direction) return event.shiftKey ? null : { type: event.altKey ? 'move' : 'focus', direction };
	if (event.altKey) return null;
	switch (event.key) {
		case 'Enter':
		case 'F2':
			return { type: 'edit' };
		case 'Delete':
		case 'Backspace':
			return { type: 'delete' };
		case 'v':
			return { type: 'vote' };
		case 'V':
			return { type: 'unvote' };
		case 'l':
		case 'L':
			return { type: 'link' };
		default:
			return null;
	}
}

/** Whether keys typed at this element are text input (single-letter shortcuts stay off). */
export function isTypingTarget(target: EventTarget | null): boolean {
	if (!(target instanceof HTMLElement)) return false;
	return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** A line of the shortcuts dialog. */
export interface ShortcutHelp {
	keys: string;
	action: string;
}

/** Shortcuts of the features around the board (the facilitator's), listed after the board's own. */
export interface ShortcutSection {
	title: string;
	shortcuts: readonly ShortcutHelp[];
}

export const SHORTCUTS: readonly ShortcutHelp[] = [
	{ keys: 'N', action: 'New note in the current lane' },
	{ keys: 'Q', action: 'Park a question from the current lane' },
	{ keys: '/', action: 'Search notes' },
	{ keys: '↑ ↓ ← →', action: 'Go to the next note' },
	{ keys: 'Enter', action: 'Edit the note’s text (Esc to leave it)' },
	{ keys: 'Alt + ↑ ↓', action: 'Move the note up or down' },
	{ keys: 'Alt + ← →', action: 'Move the note to another lane' },
	{ keys: 'V  /  Shift + V', action: 'Add or take back a vote' },
	{ keys: 'L', action: 'Link the note to diagram elements or to other notes' },
	{ keys: 'Delete', action: 'Delete the note (undo from the toast)' },
	{ keys: 'Ctrl + Z', action: 'Undo your last change' },
	{ keys: 'Ctrl + Shift + Z  /  Ctrl + Y', action: 'Redo' },
	{ keys: '?', action: 'Show these shortcuts' }
];
