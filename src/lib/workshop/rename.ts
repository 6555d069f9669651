/**
 * Tells the workshop this participant's new display name, until it has heard it: one request at
 * a time, the latest name only, and again after a failure (offline, the server restarting, a
 * 429) with a growing delay. A rename was sent once and forgotten, so a rename made while the
 * connection dropped left the old name on everyone's board for the rest of the workshop.
 */
import { MAX_RENAME_FROM_NAMES } from '#shared/wire/participants';

/** What a rename request came back with: a status, or nothing when the server was not reached. */
export type RenameOutcome = { status: number; retryAfterSeconds?: number; nameRefused?: string } | undefined;

export interface RenamerOptions {
	/** `from`: the names the workshop may hold as far as this device knows (empty: not known). */
	send(name: string, from: readonly string[]): Promise<RenameOutcome>;
	/** The workshop would not take the name (it looks like another participant's), with why: the person chooses another. */
	onRefused?: (message: string) => void;
	/** Defaults to the global timers; tests pass their own. */
	setTimer?: (fn: () => void, ms: number) => unknown;
	clearTimer?: (timer: unknown) => void;
}

/** First wait after a failure; doubled after each one, up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;
/** Longest wait a server's Retry-After is followed for (a longer one is cut to it). */
export const RETRY_AFTER_MAX_MS = 300_000;

/** Failures worth trying again: the server was not reached, busy, or briefly unable to answer. */
const retryable = (outcome: RenameOutcome) => outcome === undefined || outcome.status === 408 || outcome.status === 429 || outcome.status >= 500;

export class Renamer {
	#wanted: string | undefined;
	/**
	 * The names the workshop may hold as far as this device knows, latest last: the names it was
	 * seen to hold, the last one it took, and those sent whose answer was lost (it may have taken
	 * them). A rename says them all (`from`); the server refuses it only when it holds none of
	 * them, that is a name given on another device that this one never saw.
	 */
	#known: string[] = [];
	#sending = false;
	#timer: unknown;
	#failures = 0;
	#destroyed = false;
	readonly #options: Required<RenamerOptions>;

	constructor(options: RenamerOptions) {
		this.#options = {
			setTimer: (fn, ms) => setTimeout(fn, ms),
			clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
			onRefused: () => {},
			...options
		};
	}

	/** The name to tell the workshop (a newer one replaces one not yet sent), and the name this device sees the workshop hold. */
	rename(name: string, seen?: string): void {
		if (seen !== undefined) this.#know(seen);
		this.#wanted = name;
		this.#failures = 0;
		if (this.#timer !== undefined) {
			this.#options.clearTimer(this.#timer);
			this.#timer = undefined;
		}
		this.#pump();
	}

	/** Whether a rename is still to be heard by the workshop. */
	get pending(): boolean {
		return this.#wanted !== undefined;
	}

	destroy(): void {
		this.#destroyed = true;
		if (this.#timer !== undefined) this.#options.clearTimer(this.#timer);
		this.#timer = undefined;
	}

	#know(name: string): void {
		this.#known = [...this.#known.filter((known) => known !== name), name].slice(-MAX_RENAME_FROM_NAMES);
	}

	#pump(): void {
		const name = this.#wanted;
		if (this.#destroyed || this.#sending || this.#timer !== undefined || name === undefined) return;
		this.#sending = true;
		this.#options
			.send(name, this.#known)
			.catch((): RenameOutcome => undefined)
			.then((outcome) => {
				this.#sending = false;
				// Heard: the workshop holds this name now. Not heard (offline, a lost answer, a
				// server error): it may hold it. Refused: it holds what it held.
				if (outcome !== undefined && outcome.status >= 200 && outcome.status < 300) this.#known = [name];
				else if (retryable(outcome)) this.#know(name);
				if (this.#wanted !== name) return this.#pump(); // renamed again meanwhile: send the latest
				if (!retryable(outcome)) {
					// Heard (2xx), or refused for good (a name the server will not take, one changed
					// on another device since, an identity it no longer knows): trying again would
					// change nothing.
					this.#wanted = undefined;
					this.#failures = 0;
					if (outcome?.nameRefused !== undefined && !this.#destroyed) this.#options.onRefused(outcome.nameRefused);
					return;
				}
				const backoff = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.#failures++);
				const ms = Math.max(backoff, Math.min(RETRY_AFTER_MAX_MS, (outcome?.retryAfterSeconds ?? 0) * 1000));
				if (this.#destroyed) return;
				this.#timer = this.#options.setTimer(() => {
					this.#timer = undefined;
					this.#pump();
				}, ms);
			});
	}
}
