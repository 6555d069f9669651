/**
 * tldraw's serialized store schema (tldraw 5.4.2 with its default shapes and bindings), stored
 * with the canvas records an import builds so that the canvas binding reads them as written for
 * this version and migrates them if a later tldraw loads the room. Shared code cannot import
 * tldraw; tests/unit/interop/canvas-layout.test.ts checks this against tldraw's own
 * `schema.serialize()`, so an upgrade of tldraw fails the test until this is updated.
 */
import type { JsonObject } from '../export/json-value.ts';

export const TLDRAW_SERIALIZED_SCHEMA = {
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
} as const satisfies JsonObject;
