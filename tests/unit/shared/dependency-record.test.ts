/**
 * What a dependency element may carry: its model ref and name, never a room id, a key or a link
 * to a room (every reader of the board, observers included, would get the other room's edit link).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkBoardWrite } from '../../../server/board/write-rules.ts';
import { createRoomId, createSecret } from '../../../src/lib/shared/ids.ts';
import { dependencyRecordProblem, looksLikeCapability } from '../../../src/lib/shared/systems/dependency-record.ts';
import { dependencyShape, geoShape } from '../../fixtures/export/canvas.ts';

const REF = 'AbCdEfGhIjKlMn_-';

function canvasWrite(key: string, value: unknown) {
	return checkBoardWrite({ written: [{ root: 'canvas', key }], values: [{ root: 'canvas', key, value }], fields: [], created: [], deleted: [], removed: [] });
}

/** Deterministic tokens with the shapes ids.ts draws: digests are as uniform as random bytes. */
function digestTokens(count: number): { roomIds: string[]; secrets: string[] } {
	const roomIds: string[] = [];
	const secrets: string[] = [];
	for (let i = 0; i < count; i++) {
		const digest = createHash('sha256').update(`token ${i}`).digest();
		roomIds.push(digest.subarray(0, 18).toString('base64url'));
		secrets.push(digest.toString('base64url'));
	}
	return { roomIds, secrets };
}

describe('looksLikeCapability', () => {
	it('finds room ids, secrets and room links in text', () => {
		for (let i = 0; i < 50; i++) {
			expect(looksLikeCapability(createRoomId())).toBe(true);
			expect(looksLikeCapability(`see ${createSecret()} there`)).toBe(true);
		}
		expect(looksLikeCapability('https://tb.example/w/abc')).toBe(true);
	});

	it('finds every one of 10,000 room ids and secrets, alone or inside text', () => {
		const { roomIds, secrets } = digestTokens(10_000);
		expect(roomIds.every((id) => id.length === 24) && secrets.every((key) => key.length === 43)).toBe(true);
		expect(roomIds.filter((id) => !looksLikeCapability(id))).toEqual([]);
		expect(secrets.filter((key) => !looksLikeCapability(`Payments (key: ${key})`))).toEqual([]);
	});

	it('finds links to workshops and systems, and ids in them', () => {
		const id = createRoomId();
		for (const text of [`/w/${id}#facilitator=${createSecret()}`, `https://tb.example/s/${id}`, `/s/${createSecret()}`, `Payments ${id}`, `[${id}]`]) {
			expect(looksLikeCapability(text), text).toBe(true);
		}
		// A co-facilitator key is an HMAC-SHA256 in base64url (server/facilitation/keys.ts).
		expect(looksLikeCapability(createHmac('sha256', 'key hash').update('grant').digest('base64url'))).toBe(true);
	});

	it('leaves names alone: words, kebab-case and long lower-case names, model refs', () => {
		for (const name of ['Payments', 'internationalization-service', 'payments-service-internal-api', 'Checkout API v2', REF, 'Identity & Access']) {
			expect(looksLikeCapability(name), name).toBe(false);
		}
	});

	it('leaves alone names of exactly an id\'s or a secret\'s length that read as words', () => {
		const names = ['CheckoutServiceFrontend2', 'PaymentsGatewayInternal1', 'Checkout-Frontend-Mobile', 'CustomerIdentityProvider', 'payments_ui_gateway_prod', 'CustomersIdentityProviderFederationGateways'];
		expect(names.map((name) => name.length)).toEqual([24, 24, 24, 24, 24, 43]);
		for (const name of names) expect(looksLikeCapability(`Model ${name}`), name).toBe(false);
		// 43 characters that cannot be a secret (its last character carries 4 bits): not refused.
		expect(looksLikeCapability('x'.repeat(42) + 'B')).toBe(false);
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
