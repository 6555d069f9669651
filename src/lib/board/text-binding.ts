/**
 * Binds a <textarea> to a note's Y.Text.
 *
 * - Local input is written as a minimal diff (setNoteText), so a concurrent edit elsewhere in
 *   the same text survives: two people typing in one note both keep their words.
 * - Remote changes (and undo/redo) are applied to the textarea with the caret and selection
 *   mapped through the change's delta, so the caret does not jump.
 * - During an IME composition the textarea is left alone (replacing its value would cancel the
 *   composition); remote deltas are queued and the composed text is rebased onto them at the end.
 * - `shadow` is the text the textarea last agreed with the Y.Text on; outside compositions the
 *   two are always equal, which is what makes the diff against the Y.Text a local-only change.
 *
 * The auto-grow replica (a hidden twin in the same grid cell, `.replica`) follows the text: the
 * view updates it from the note after each write; here it is kept in step while a composition
 * is in progress (nothing is written then) and after a remote change.
 */
import type * as Y from 'yjs';
import { diffText, mapSelection, rebaseChange, type DeltaOp } from './caret.ts';

export interface TextBindingOptions {
	text: Y.Text;
	/** Writes the whole new value (as a minimal diff); false when the note is gone. */
	write(next: string): boolean;
	/** Origin of this person's own transactions: those are already in the textarea. */
	localOrigin: unknown;
}

export function bindTextarea(textarea: HTMLTextAreaElement, { text, write, localOrigin }: TextBindingOptions): () => void {
	let shadow = text.toString();
	let composing = false;
	let pending: DeltaOp[][] = [];
	const container = textarea.parentElement;
	// The view renders the replica's text node; it is updated in place, never replaced.
	const replica = container?.querySelector('.replica')?.firstChild;
	const mirror = (value: string) => {
		if (container) container.dataset.replica = value;
		if (replica && replica.nodeValue !== `${value} `) replica.nodeValue = `${value} `;
	};

	const show = (value: string) => {
		if (textarea.value !== value) textarea.value = value;
		mirror(value);
	};
	show(shadow);

	const applyRemote = (deltas: DeltaOp[][]) => {
		const next = text.toString();
		const focused = document.activeElement === textarea;
		const selection = { start: textarea.selectionStart, end: textarea.selectionEnd };
		const direction = textarea.selectionDirection;
		show(next);
		shadow = next;
		if (focused) {
			const mapped = mapSelection(selection, deltas);
			textarea.setSelectionRange(mapped.start, mapped.end, direction);
		}
	};

	const observer = (event: Y.YTextEvent, transaction: Y.Transaction) => {
		if (transaction.origin === localOrigin && transaction.local) {
			shadow = text.toString();
			// The write may have been cut at the length cap: show what was kept.
			if (!composing && textarea.value !== shadow) show(shadow);
			return;
		}
		const delta = event.delta as DeltaOp[];
		if (composing) pending.push(delta);
		else applyRemote([delta]);
	};
	text.observe(observer);

	const onInput = (event: Event) => {
		if (composing || (event as InputEvent).isComposing) return mirror(textarea.value);
		if (textarea.value !== shadow && !write(textarea.value)) mirror(textarea.value);
	};

	const onCompositionStart = () => {
		composing = true;
		pending = [];
	};

	const onCompositionEnd = () => {
		composing = false;
		const change = diffText(shadow, textarea.value);
		const queued = pending;
		pending = [];
		if (queued.length === 0) {
			if (textarea.value !== shadow) write(textarea.value);
			// A cancelled composition writes nothing: the replica goes back to the text as it is.
			mirror(textarea.value);
			return;
		}
		const caret = mapSelection({ start: change.index, end: change.index }, queued).start + change.insert.length;
		write(rebaseChange(change, queued, text.toString()));
		show(text.toString());
		shadow = text.toString();
		textarea.setSelectionRange(caret, caret);
	};

	textarea.addEventListener('input', onInput);
	textarea.addEventListener('compositionstart', onCompositionStart);
	textarea.addEventListener('compositionend', onCompositionEnd);
	return () => {
		text.unobserve(observer);
		textarea.removeEventListener('input', onInput);
		textarea.removeEventListener('compositionstart', onCompositionStart);
		textarea.removeEventListener('compositionend', onCompositionEnd);
	};
}
