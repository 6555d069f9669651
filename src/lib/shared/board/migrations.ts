/**
 * Numbered migrations of the board document: migration N upgrades a version N-1 document to
 * version N. The version lives in meta.schemaVersion; documents written before it existed are
 * version 0.
 *
 * Migrations run inside a shared document, so two clients may run the same one concurrently.
 * Each must therefore be idempotent and converge when run twice: write the same values from the
 * same inputs, and never derive a write from something the other run may change. Prefer running
 * them in one place (the server, when it loads a room) and on clients only as a fallback.
 */
import * as Y from 'yjs';
import { DFD_META_KEY, MODEL_DEPENDENCY_KIND } from '../canvas/dfd.ts';
import { DFD_LOOKS } from '../canvas/dfd-looks.ts';
import { isObject } from '../canvas/plain.ts';
import { canvasMap, metaMap, notesMap } from './doc.ts';
import { MAX_NOTE_TEXT_LENGTH, SCHEMA_VERSION } from './schema.ts';

/** The document was written by newer code: this client must reload before touching it. */
export class DocumentTooNewError extends Error {
	override readonly name = 'DocumentTooNewError';
	constructor(
		readonly found: number,
		readonly supported: number,
		readonly document: 'board' | 'control' = 'board'
	) {
		super(`${document} document has schema version ${found}, this code supports up to ${supported}; reload to update`);
	}
}

/** The document has no metadata at all (not initialised, or not synced yet) or a garbage version. */
export class InvalidBoardDocumentError extends Error {
	override readonly name = 'InvalidBoardDocumentError';
}

export interface Migration {
	/** The version this migration produces. */
	version: number;
	description: string;
	up(doc: Y.Doc): void;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		description: 'meta.schemaVersion and meta.scope; note text as Y.Text instead of a plain string',
		up(doc) {
			const meta = metaMap(doc);
			if (typeof meta.get('scope') !== 'string') meta.set('scope', '');
			notesMap(doc).forEach((note) => {
				if (!(note instanceof Y.Map)) return;
				const text: unknown = note.get('text');
				if (typeof text === 'string') note.set('text', new Y.Text(text.slice(0, MAX_NOTE_TEXT_LENGTH)));
			});
		}
	},
	{
		version: 2,
		description:
			'model dependency elements filled, as placed now (dfd-looks.ts): tldraw selects a hollow shape only by its outline or label, so a click on the middle of its card selected nothing',
		up(doc) {
			const canvas = canvasMap(doc);
			const hollow: Array<[string, HollowDependency]> = [];
			canvas.forEach((record, id) => {
				if (isHollowDependency(record)) hollow.push([id, record]);
			});
			for (const [id, record] of hollow) {
				canvas.set(id, { ...record, props: { ...record.props, fill: DFD_LOOKS[MODEL_DEPENDENCY_KIND].fill } });
			}
		}
	}
];

type HollowDependency = Record<string, unknown> & { props: Record<string, unknown> };

/** A dependency element as placed before version 2: a geo shape with `fill: 'none'`. */
function isHollowDependency(record: unknown): record is HollowDependency {
	return (
		isObject(record) &&
		record.typeName === 'shape' &&
		record.type === 'geo' &&
		isObject(record.meta) &&
		record.meta[DFD_META_KEY] === MODEL_DEPENDENCY_KIND &&
		isObject(record.props) &&
		record.props.fill === 'none'
	);
}

export interface MigrationResult {
	from: number;
	to: number;
}

/**
 * The document's schema version: 0 for a pre-versioning document; undefined when meta is empty
 * (never initialised, or not synced yet) or the version is not a non-negative integer.
 */
export function readSchemaVersion(doc: Y.Doc): number | undefined {
	const meta = metaMap(doc);
	if (meta.size === 0) return undefined;
	const version: unknown = meta.get('schemaVersion');
	if (version === undefined) return 0;
	return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 ? version : undefined;
}

/**
 * Brings the document up to SCHEMA_VERSION, running the pending migrations in order in one
 * transaction. Throws DocumentTooNewError (leaving the document untouched) when it is newer
 * than this code, and InvalidBoardDocumentError when it has no metadata or a garbage version:
 * call it after the first sync, never on an empty document.
 */
export function migrateBoardDoc(doc: Y.Doc): MigrationResult {
	const from = readSchemaVersion(doc);
	if (from === undefined) {
		throw new InvalidBoardDocumentError('board document has no metadata or an invalid schema version');
	}
	if (from > SCHEMA_VERSION) throw new DocumentTooNewError(from, SCHEMA_VERSION);
	if (from === SCHEMA_VERSION) return { from, to: from };
	doc.transact(() => {
		for (const migration of MIGRATIONS) {
			if (migration.version > from && migration.version <= SCHEMA_VERSION) migration.up(doc);
		}
		metaMap(doc).set('schemaVersion', SCHEMA_VERSION);
	});
	return { from, to: SCHEMA_VERSION };
}
