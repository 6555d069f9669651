/** The recent-workshops list as reactive state, kept in step with other tabs. */
import { forgetWorkshop, readRecentWorkshops, type RecentWorkshop } from './recent-workshops.ts';
import { boardDatabaseName, RECENT_WORKSHOPS_KEY } from './storage-keys.ts';

export class RecentWorkshops {
	#items = $state.raw<RecentWorkshop[]>([]);
	#loaded = $state(false);

	get items(): readonly RecentWorkshop[] {
		return this.#items;
	}

	/** False until the list has been read from this browser (it is never rendered on the server). */
	get loaded(): boolean {
		return this.#loaded;
	}

	/** Reads the list and follows changes made in other tabs; returns the unsubscribe function. */
	start(): () => void {
		this.#refresh();
		const onStorage = (event: StorageEvent) => {
			if (event.key === RECENT_WORKSHOPS_KEY || event.key === null) this.#refresh();
		};
		window.addEventListener('storage', onStorage);
		return () => window.removeEventListener('storage', onStorage);
	}

	/** Removes the workshop from this browser: the list entry, its keys and its offline copy. */
	forget(id: string): void {
		forgetWorkshop(id);
		try {
			indexedDB.deleteDatabase(boardDatabaseName(id));
		} catch {
			// IndexedDB unavailable: there is no offline copy to remove.
		}
		this.#refresh();
	}

	#refresh(): void {
		this.#items = readRecentWorkshops();
		this.#loaded = true;
	}
}
