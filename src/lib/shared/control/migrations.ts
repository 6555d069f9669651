/**
 * Numbered migrations of the control document, as for the board (board/migrations.ts): migration
 * N upgrades a version N-1 document to version N. The version lives in `state.schemaVersion`;
 * documents written before it existed, and new rooms, are version 0. Only the server writes the
 * control document, so only the server runs these, when it loads a room.
 */
import type * as Y from 'yjs';
import { DocumentTooNewError, type Migration, type MigrationResult } from '../board/migrations.ts';
import { controlStateMap } from './doc.ts';

/** Version of the control document's fields; bump it with a migration below. */
export const CONTROL_SCHEMA_VERSION = 1;
const VERSION_KEY = 'schemaVersion';

export const CONTROL_MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		description: 'the control document records its schema version; fields are as before',
		up() {}
	}
];

/** The document's schema version: 0 when absent; undefined for a garbage value. */
export function readControlVersion(doc: Y.Doc): number | undefined {
	const version: unknown = controlStateMap(doc).get(VERSION_KEY);
	if (version === undefined) return 0;
	return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 ? version : undefined;
}

/**
 * Brings the control document up to CONTROL_SCHEMA_VERSION in one transaction. Throws
 * DocumentTooNewError (leaving it untouched) when it was written by newer code. A garbage
 * version is treated as 0: the readers fall back to defaults field by field anyway.
 */
export function migrateControlDoc(doc: Y.Doc, origin: unknown = null): MigrationResult {
	const from = readControlVersion(doc) ?? 0;
	if (from > CONTROL_SCHEMA_VERSION) throw new DocumentTooNewError(from, CONTROL_SCHEMA_VERSION, 'control');
	if (from === CONTROL_SCHEMA_VERSION) return { from, to: from };
	doc.transact(() => {
		for (const migration of CONTROL_MIGRATIONS) {
			if (migration.version > from && migration.version <= CONTROL_SCHEMA_VERSION) migration.up(doc);
		}
		controlStateMap(doc).set(VERSION_KEY, CONTROL_SCHEMA_VERSION);
	}, origin);
	return { from, to: CONTROL_SCHEMA_VERSION };
}
