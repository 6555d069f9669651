/** Two or more Y.Docs standing for people editing at once, without a server. */
import * as Y from 'yjs';

/** Exchanges everything each document has that the others lack, as a network would. */
export function sync(...docs: Y.Doc[]): void {
	for (const from of docs) {
		for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
	}
}

/** A second person's copy of a document, from here on edited apart until sync. */
export function fork(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}
