/**
 * The tldraw store schema this build of Threatboard writes, serialized (`store.schema.serialize()`
 * with tldraw's default shapes and bindings). The server knows it without loading tldraw: a client
 * may record a room's canvas schema only as exactly this (server/board/write-rules.ts), so one
 * hostile write cannot mark every room's diagram as written by a newer tldraw and lock everyone
 * out. tests/unit/canvas/tldraw-schema.test.ts fails when a tldraw upgrade changes it: paste the
 * new value then.
 */
import { equalityDeep } from 'lib0/function';

export const TLDRAW_SCHEMA = {
	schemaVersion: 2,
	sequences: {
		'com.tldraw.store': 5,
		'com.tldraw.asset': 1,
		'com.tldraw.camera': 1,
		'com.tldraw.document': 2,
		'com.tldraw.instance': 26,
		'com.tldraw.instance_page_state': 5,
		'com.tldraw.page': 1,
		'com.tldraw.instance_presence': 6,
		'com.tldraw.pointer': 1,
		'com.tldraw.shape': 4,
		'com.tldraw.user': 1,
		'com.tldraw.asset.image': 6,
		'com.tldraw.asset.video': 5,
		'com.tldraw.asset.bookmark': 2,
		'com.tldraw.shape.group': 0,
		'com.tldraw.shape.text': 4,
		'com.tldraw.shape.bookmark': 2,
		'com.tldraw.shape.draw': 5,
		'com.tldraw.shape.geo': 12,
		'com.tldraw.shape.note': 13,
		'com.tldraw.shape.line': 5,
		'com.tldraw.shape.frame': 1,
		'com.tldraw.shape.arrow': 8,
		'com.tldraw.shape.highlight': 4,
		'com.tldraw.shape.embed': 4,
		'com.tldraw.shape.image': 5,
		'com.tldraw.shape.video': 4,
		'com.tldraw.binding.arrow': 1
	}
} as const;

/** True when a stored canvas schema is the one this build writes. */
export function isCurrentCanvasSchema(value: unknown): boolean {
	return equalityDeep(value, TLDRAW_SCHEMA);
}

/**
 * How a stored canvas schema compares with this build's: current; older (every sequence known,
 * none newer: the browser migrates the records); or unusable (malformed, or naming a sequence or
 * version this build does not have). No released Threatboard wrote an unusable one: it is damage.
 */
export function canvasSchemaAge(value: unknown): 'current' | 'older' | 'unusable' {
	if (isCurrentCanvasSchema(value)) return 'current';
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'unusable';
	const { schemaVersion, sequences } = value as { schemaVersion?: unknown; sequences?: unknown };
	if (schemaVersion !== TLDRAW_SCHEMA.schemaVersion) return 'unusable';
	if (sequences === null || typeof sequences !== 'object' || Array.isArray(sequences)) return 'unusable';
	const known: Record<string, number> = TLDRAW_SCHEMA.sequences;
	for (const [name, version] of Object.entries(sequences)) {
		if (!Object.hasOwn(known, name) || typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > known[name]) {
			return 'unusable';
		}
	}
	return 'older';
}
