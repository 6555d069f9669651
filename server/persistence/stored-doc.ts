/**
 * A throwaway document holding stored updates (a snapshot and the log entries after it), for the
 * code that reads a room's state without loading the room: the fold, exports, a board's figures.
 */
import * as Y from 'yjs';

/**
 * The updates applied in order, in one transaction, to a new document (the caller destroys it).
 * The guid is fixed: Yjs's default (lib0's uuidv4) draws 31 random numbers from the crypto
 * source, one call each, which showed as 1% of the server's CPU where rooms compact or load.
 */
export function docFromUpdates(updates: readonly Uint8Array[], guid = 'stored'): Y.Doc {
	const doc = new Y.Doc({ guid });
	doc.transact(() => {
		for (const update of updates) Y.applyUpdate(doc, update);
	});
	return doc;
}

/** `read` of the document holding `updates`, destroyed afterwards. */
export function readStoredDoc<T>(updates: readonly Uint8Array[], read: (doc: Y.Doc) => T, guid?: string): T {
	const doc = docFromUpdates(updates, guid);
	try {
		return read(doc);
	} finally {
		doc.destroy();
	}
}
