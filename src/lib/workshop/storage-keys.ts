/**
 * Names of everything Threatboard keeps in the browser, in one place, so that "forget this
 * workshop" can find all of it. Nothing here imports Yjs: the landing page uses it too.
 */

/** localStorage: the recent-workshops list (JSON array). */
export const RECENT_WORKSHOPS_KEY = 'threatboard.recentWorkshops';
/** localStorage: the display name and colour chosen on this device (JSON). */
export const IDENTITY_KEY = 'threatboard.identity';

/** localStorage: how the workshop page splits its width between diagram and board (JSON). */
export const LAYOUT_KEY = 'threatboard.layout';
/** localStorage: the last run-time settings from GET /api/config, for offline visits (JSON). */
export const CLIENT_CONFIG_KEY = 'threatboard.clientConfig';

/** The IndexedDB database (y-indexeddb) holding one room's board document. */
export function boardDatabaseName(id: string): string {
	return `threatboard.board.${id}`;
}

/** localStorage: this browser's private drafts of a silent writing round (JSON array). */
export function draftsKey(roomId: string): string {
	return `threatboard.drafts.${roomId}`;
}

/** localStorage: this browser's participant identity in one room (JSON { participantId, secret }). */
export function participantKey(roomId: string): string {
	return `threatboard.participant.${roomId}`;
}

/** localStorage: the links of a system created or opened as owner in this browser (JSON { ownerKey, observerId? }). */
export function systemKeysKey(systemId: string): string {
	return `threatboard.system.${systemId}`;
}
