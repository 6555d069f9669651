import { describe, expect, it } from 'vitest';
import { TLDRAW_SCHEMA, canvasSchemaAge, isCurrentCanvasSchema } from '../../../src/lib/shared/canvas/tldraw-schema.ts';
import { newTldrawStore } from '../../helpers/tldraw-shapes.ts';

describe('the pinned tldraw schema', () => {
	it('is the schema this build of tldraw writes (update TLDRAW_SCHEMA when an upgrade changes it)', () => {
		expect(newTldrawStore().schema.serialize()).toEqual(TLDRAW_SCHEMA);
		expect(isCurrentCanvasSchema(newTldrawStore().schema.serialize())).toBe(true);
	});

	it('tells an older schema (browsers migrate it) from an unusable one (damage: repaired on load)', () => {
		const older = { ...TLDRAW_SCHEMA, sequences: { ...TLDRAW_SCHEMA.sequences, 'com.tldraw.shape.geo': 3 } };
		expect(canvasSchemaAge(TLDRAW_SCHEMA)).toBe('current');
		expect(canvasSchemaAge(older)).toBe('older');
		expect(canvasSchemaAge({ ...TLDRAW_SCHEMA, sequences: { ...TLDRAW_SCHEMA.sequences, 'com.tldraw.store': 999 } })).toBe('unusable');
		expect(canvasSchemaAge({ ...TLDRAW_SCHEMA, sequences: { 'com.example.future': 1 } })).toBe('unusable');
		expect(canvasSchemaAge({ schemaVersion: 3, sequences: {} })).toBe('unusable');
		expect(canvasSchemaAge('garbage')).toBe('unusable');
		expect(canvasSchemaAge({ schemaVersion: 2, sequences: { ['__proto__']: 1 } })).toBe('unusable');
	});
});
