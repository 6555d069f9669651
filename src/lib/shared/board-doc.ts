/**
 * Typed access to the room's `board` document. (Stub: the schema module grows here.)
 */
import * as Y from 'yjs';

export const SCHEMA_VERSION = 1;

export interface BoardMetaInit {
	title: string;
	createdAt: number;
}

/** Writes the initial metadata of a new room's board document. */
export function initBoardDoc(doc: Y.Doc, init: BoardMetaInit): void {
	doc.transact(() => {
		const meta = doc.getMap('meta');
		meta.set('title', init.title);
		meta.set('scope', '');
		meta.set('createdAt', init.createdAt);
		meta.set('schemaVersion', SCHEMA_VERSION);
	});
}

export function readTitle(doc: Y.Doc): string | undefined {
	const title = doc.getMap('meta').get('title');
	return typeof title === 'string' ? title : undefined;
}
