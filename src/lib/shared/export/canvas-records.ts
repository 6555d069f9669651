/**
 * Reading and writing the canvas's tldraw records as plain JSON, for the export, the import and
 * tests that seed a diagram without a browser. The live canvas goes through the tldraw binding
 * (src/lib/canvas/react/yjs-binding.ts), which validates every record against tldraw's schema;
 * this module only checks the structure it relies on.
 */
import type * as Y from 'yjs';
import { CANVAS_SCHEMA_KEY, canvasMap, canvasSchemaMap } from '../board/doc.ts';
import { CanvasElementId } from '../board/schema.ts';
import { CANVAS_DOCUMENT_TYPES } from '../canvas/record-rules.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';


/** A canvas record as the export carries it: a JSON object with a valid `id` and a `typeName`. */
export type CanvasRecord = JsonObject & { id: string; typeName: string };

export function isCanvasRecord(value: unknown): value is CanvasRecord {
	return (
		isJsonObject(value) &&
		CanvasElementId.safeParse(value.id).success &&
		typeof value.typeName === 'string' &&
		/^[A-Za-z_]{1,64}$/.test(value.typeName)
	);
}

/**
 * The well-formed records, sorted by id. A record stored under a key other than its own id, or
 * holding anything but plain JSON, is left out (only a broken or hostile peer writes those).
 */
export function readCanvasRecords(doc: Y.Doc): CanvasRecord[] {
	const records: CanvasRecord[] = [];
	canvasMap(doc).forEach((value, key) => {
		// The diagram's own records only (rooms written before the server refused others).
		if (isCanvasRecord(value) && value.id === key && CANVAS_DOCUMENT_TYPES.has(value.typeName)) records.push(value);
	});
	return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** tldraw's serialized schema as stored with the records, or null when there is none (or it is not JSON). */
export function readCanvasSchema(doc: Y.Doc): JsonObject | null {
	const schema = canvasSchemaMap(doc).get(CANVAS_SCHEMA_KEY);
	return isJsonObject(schema) ? schema : null;
}

/**
 * Puts records (and, when given, the schema they were written with) on the canvas in one
 * transaction. Used by the import and by tests; records must be well-formed (see isCanvasRecord).
 */
export function writeCanvasRecords(doc: Y.Doc, records: readonly CanvasRecord[], schema?: JsonObject | null): void {
	for (const record of records) {
		if (!isCanvasRecord(record)) throw new TypeError('not a canvas record');
	}
	doc.transact(() => {
		const map = canvasMap(doc);
		for (const record of records) map.set(record.id, record);
		if (schema) canvasSchemaMap(doc).set(CANVAS_SCHEMA_KEY, schema);
	});
}
