/**
 * Short messages for people: a toast (with an optional action, e.g. Undo) and a polite live
 * region for screen readers (moves, votes, links), both shown once per board.
 */
const TOAST_MS = 8000;

export interface Toast {
	id: number;
	message: string;
	action?: { label: string; run: () => void };
}

export class Feedback {
	#toast = $state.raw<Toast | null>(null);
	#announcement = $state('');
	#timer: ReturnType<typeof setTimeout> | undefined;
	#next = 1;

	get toast(): Toast | null {
		return this.#toast;
	}
	get announcement(): string {
		return this.#announcement;
	}

	showToast(message: string, action?: Toast['action']): void {
		clearTimeout(this.#timer);
		this.#toast = { id: this.#next++, message, action };
		this.#timer = setTimeout(() => this.dismiss(), TOAST_MS);
	}

	dismiss(): void {
		clearTimeout(this.#timer);
		this.#toast = null;
	}

	/** Read out by screen readers; a repeated message is still announced (a zero-width suffix). */
	announce(message: string): void {
		this.#announcement = this.#announcement === message ? `${message}\u200b` : message;
	}
}
