/**
 * Names of everything Threatboard keeps in the browser, in one place, so that "forget this
 * workshop" can find all of it. Nothing here imports Yjs: the landing page uses it too.
 */

/** localStorage: the recent-workshops list (JSON array). */
export const RECENT_WORKSHOPS_KEY = 'threatboard.recentWorkshops';
/** localStorage: the display name and colour chosen on this device (JSON). */
export const IDENTITY_KEY = 'threatboard.identity';

/** The IndexedDB database (y-indexeddb) holding one room's board document. */
export function boardDatabaseName(id: string): string {
	return `threatboard.board.${id}`;
}
