/**
 * This browser's drafts for one room, kept in localStorage and shared with its other tabs.
 * Publishing runs under a Web Lock, so two tabs of one browser never publish the same draft.
 */
import type * as Y from 'yjs';
import type { Person } from '#shared/person';
import { draftsKey } from '$lib/workshop/storage-keys.ts';
import { MAX_DRAFTS, newDraft, parseDrafts, publishDrafts, type Draft, type DraftSubject } from './drafts.ts';

export class DraftStore {
	readonly #key: string;
	#drafts = $state.raw<Draft[]>([]);

	constructor(roomId: string) {
		this.#key = draftsKey(roomId);
		this.#drafts = this.#read();
		window.addEventListener('storage', this.#onStorage);
	}

	get drafts(): readonly Draft[] {
		return this.#drafts;
	}

	/** A new empty draft in `round`, or undefined when this browser already holds too many. */
	add(round: number, subject?: DraftSubject): Draft | undefined {
		if (this.#drafts.length >= MAX_DRAFTS) return undefined;
		const draft = newDraft(round, Date.now(), subject);
		this.#write([...this.#read(), draft]);
		return draft;
	}

	update(id: string, text: string): void {
		this.#write(this.#read().map((d) => (d.id === id ? { ...d, text } : d)));
	}

	remove(id: string): void {
		this.#write(this.#read().filter((d) => d.id !== id));
	}

	/** Publishes drafts of rounds up to `revealedRound` to the board; resolves with how many were due. */
	async publish(doc: Y.Doc, revealedRound: number, author: Person): Promise<number> {
		if (!this.#drafts.some((d) => d.round <= revealedRound)) return 0;
		const run = () => {
			const drafts = this.#read(); // fresh: another tab may have published meanwhile
			const kept = publishDrafts(doc, drafts, revealedRound, author);
			this.#write(kept);
			return drafts.length - kept.length;
		};
		const locks = globalThis.navigator?.locks;
		return locks ? locks.request(this.#key, run) : run();
	}

	destroy(): void {
		window.removeEventListener('storage', this.#onStorage);
	}

	#onStorage = (event: StorageEvent): void => {
		if (event.key === this.#key) this.#drafts = parseDrafts(event.newValue);
	};

	#read(): Draft[] {
		try {
			return parseDrafts(localStorage.getItem(this.#key));
		} catch {
			return [...this.#drafts]; // no storage (private mode): this tab's memory only
		}
	}

	#write(drafts: Draft[]): void {
		this.#drafts = drafts;
		try {
			if (drafts.length === 0) localStorage.removeItem(this.#key);
			else localStorage.setItem(this.#key, JSON.stringify(drafts));
		} catch {
			// Storage full or blocked: the drafts live in this tab until it closes.
		}
	}
}
