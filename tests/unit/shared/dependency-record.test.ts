/**
 * What a dependency element may carry: its model ref and name, never a room id, a key or a link
 * to a room (every reader of the board, observers included, would get the other room's edit link).
 */
import { describe, expect, it } from 'vitest';
import { checkBoardWrite } from '../../../server/board/write-rules.ts';
import { createRoomId, createSecret } from '../../../src/lib/shared/ids.ts';
import { dependencyRecordProblem, looksLikeCapability } from '../../../src/lib/shared/systems/dependency-record.ts';
import { dependencyShape, geoShape } from '../../fixtures/export/canvas.ts';

const REF = 'AbCdEfGhIjKlMn_-';

function canvasWrite(key: string, value: unknown) {
	return checkBoardWrite({ written: [{ root: 'canvas', key }], values: [{ root: 'canvas', key, value }], fields: [], created: [], deleted: [] });
}

describe('looksLikeCapability', () => {
	it('finds room ids, secrets and room links in text', () => {
		for (let i = 0; i < 50; i++) {
			expect(looksLikeCapability(createRoomId())).toBe(true);
			expect(looksLikeCapability(`see ${createSecret()} there`)).toBe(true);
		}
		expect(looksLikeCapability('https://tb.example/w/abc')).toBe(true);
	});

	it('leaves names alone: words, kebab-case and long lower-case names, model refs', () => {
		for (const name of ['Payments', 'internationalization-service', 'payments-service-internal-api', 'Checkout API v2', REF, 'Identity & Access']) {
			expect(looksLikeCapability(name), name).toBe(false);
		}
	});
});

describe('dependencyRecordProblem', () => {
	it('accepts a dependency element as the canvas places it, and ignores other shapes', () => {
		expect(dependencyRecordProblem(dependencyShape('shape:dep', REF, 'Payments', { x: 0, y: 0 }))).toBeUndefined();
		expect(dependencyRecordProblem(geoShape('shape:box', createRoomId(), { x: 0, y: 0 }, 'process'))).toBeUndefined();
		expect(dependencyRecordProblem('not a record')).toBeUndefined();
	});

	it.each([
		['no model ref', dependencyShape('shape:dep', undefined as unknown as string, 'Payments', { x: 0, y: 0 })],
		['a room id for a model ref', dependencyShape('shape:dep', createRoomId(), 'Payments', { x: 0, y: 0 })],
		['a ref of the wrong length', dependencyShape('shape:dep', 'short', 'Payments', { x: 0, y: 0 })],
		['a name that is not text', dependencyShape('shape:dep', REF, 42, { x: 0, y: 0 })],
		['a name too long', dependencyShape('shape:dep', REF, 'x'.repeat(201), { x: 0, y: 0 })],
		['a room id in its name', dependencyShape('shape:dep', REF, `Payments ${createRoomId()}`, { x: 0, y: 0 })],
		['a room link in its text', { ...dependencyShape('shape:dep', REF, 'Payments', { x: 0, y: 0 }), props: { url: 'https://tb.example/w/x' } }],
		['a secret under another meta key', { ...dependencyShape('shape:dep', REF, 'Payments', { x: 0, y: 0 }), meta: { dfd: 'model-dependency', modelRef: REF, roomKey: createSecret() } }]
	])('refuses %s', (_name, record) => {
		expect(dependencyRecordProblem(record)).toMatch(/dependency element/);
	});
});

describe('the board write rule', () => {
	it('refuses a canvas write of a malformed dependency element, and lets a good one through', () => {
		expect(canvasWrite('shape:dep', dependencyShape('shape:dep', REF, 'Payments', { x: 0, y: 0 }))).toBeUndefined();
		const refused = canvasWrite('shape:dep', dependencyShape('shape:dep', createRoomId(), 'Payments', { x: 0, y: 0 }));
		expect(refused).toMatchObject({ kind: 'reject', reason: expect.stringContaining('model ref') });
	});
});
