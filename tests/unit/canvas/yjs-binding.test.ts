import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createShapeId, type TLGeoShape, type TLRecord, type TLStore } from 'tldraw';
import { canvasMap, canvasSchemaMap } from '#shared/board/doc';
import { bindCanvasStore, type CanvasBindingProblem } from '../../../src/lib/canvas/react/yjs-binding.ts';
import { geoShape, newTldrawStore } from '../../helpers/tldraw-shapes.ts';

const PAGE = { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} } as unknown as TLRecord;

/** A store holding the page that tldraw's editor would create on mount. */
function newStore(): TLStore {
	const store = newTldrawStore();
	store.mergeRemoteChanges(() => store.put([PAGE]));
	return store;
}

/** Two docs that exchange every update, like two browsers through the server. */
function linkedDocs(): [Y.Doc, Y.Doc] {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (update: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, update, a));
	b.on('update', (update: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, update, b));
	return [a, b];
}

function geo(id: string, x = 0, label = 'API'): TLGeoShape {
	return geoShape(newStore(), { id: createShapeId(id), index: 'a1' as TLGeoShape['index'], x, label, meta: { dfd: 'process' } });
}

describe('bindCanvasStore', () => {
	it('publishes a fresh canvas: its records and the tldraw schema', () => {
		const doc = new Y.Doc();
		const store = newStore();
		bindCanvasStore(store, doc);
		expect(canvasMap(doc).get('page:page')).toMatchObject({ name: 'Page 1' });
		expect(canvasSchemaMap(doc).get('schema')).toEqual(store.schema.serialize());
	});

	it('sends one local change as one Yjs transaction, and the peer applies it without echo', () => {
		const [docA, docB] = linkedDocs();
		const storeA = newStore();
		bindCanvasStore(storeA, docA);
		const storeB = newStore();
		bindCanvasStore(storeB, docB);

		const updatesFromB: Uint8Array[] = [];
		docB.on('update', (update: Uint8Array, origin: unknown) => origin !== docA && updatesFromB.push(update));
		let transactionsA = 0;
		docA.on('afterTransaction', (tr: Y.Transaction) => tr.local && tr.changed.size > 0 && transactionsA++);

		storeA.put([geo('one'), geo('two', 200)]);
		expect(transactionsA).toBe(1);
		expect(storeB.get(createShapeId('one'))).toMatchObject({ type: 'geo', meta: { dfd: 'process' } });
		expect(storeB.get(createShapeId('two'))).toBeDefined();
		// B merged the remote change and wrote nothing back.
		expect(updatesFromB).toHaveLength(0);
	});

	it('keeps remote changes out of the local undo history', () => {
		const [docA, docB] = linkedDocs();
		const storeA = newStore();
		bindCanvasStore(storeA, docA);
		const storeB = newStore();
		const seen: string[] = [];
		storeB.listen((entry) => seen.push(entry.source), { scope: 'document' });
		bindCanvasStore(storeB, docB);
		storeA.put([geo('one')]);
		expect(seen).toContain('remote');
		expect(seen).not.toContain('user');
	});

	it('keeps tldraw\'s record of the local user out of the room', () => {
		const doc = new Y.Doc();
		const store = newStore();
		bindCanvasStore(store, doc);
		const user = { id: 'user:visitor', typeName: 'user', name: '', color: '#9D5BD2', imageUrl: '', meta: {} } as unknown as TLRecord;
		store.put([user, geo('one')]);
		expect(canvasMap(doc).has(createShapeId('one'))).toBe(true);
		expect(canvasMap(doc).has('user:visitor')).toBe(false);
		store.remove([user.id]);
		expect(store.has(user.id)).toBe(false);
	});

	it('propagates moves and deletes', () => {
		const [docA, docB] = linkedDocs();
		const storeA = newStore();
		const storeB = newStore();
		bindCanvasStore(storeA, docA);
		bindCanvasStore(storeB, docB);
		const shape = geo('one');
		storeA.put([shape]);
		storeA.update(shape.id, (record) => ({ ...record, x: 321 }));
		expect((storeB.get(shape.id) as TLGeoShape).x).toBe(321);
		storeB.remove([shape.id]);
		expect(storeA.get(shape.id)).toBeUndefined();
		expect(canvasMap(docA).has(shape.id)).toBe(false);
	});

	it('loads an existing room into a new store', () => {
		const docA = new Y.Doc();
		const storeA = newStore();
		bindCanvasStore(storeA, docA);
		storeA.put([geo('one'), geo('two')]);

		const docB = new Y.Doc();
		Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA));
		const storeB = newStore();
		bindCanvasStore(storeB, docB);
		expect(storeB.get(createShapeId('one'))).toBeDefined();
		expect(storeB.get(createShapeId('two'))).toBeDefined();
	});

	it('skips a hostile record and still applies the valid ones beside it', () => {
		const [docA, docB] = linkedDocs();
		const storeA = newStore();
		bindCanvasStore(storeA, docA);
		const storeB = newStore();
		let rejected = 0;
		bindCanvasStore(storeB, docB, { onRejected: (count) => (rejected += count) });
		docA.transact(() => {
			canvasMap(docA).set('shape:evil', { id: 'shape:evil', typeName: 'shape', type: 'geo', props: '<script>' });
			canvasMap(docA).set(createShapeId('ok'), geo('ok'));
		});
		expect(storeB.get('shape:evil' as TLRecord['id'])).toBeUndefined();
		expect(storeB.get(createShapeId('ok'))).toBeDefined();
		expect(rejected).toBe(1);
	});

	it.each([
		// A camera far away at no zoom blanked everyone's canvas; an instance set read-only stopped editing.
		['tldraw per-user records (camera, instance)', (doc: Y.Doc) => {
			canvasMap(doc).set('camera:page:page', { id: 'camera:page:page', typeName: 'camera', x: 1e300, y: 1e300, z: 1e-300, meta: {} });
			canvasMap(doc).set('instance:instance', { id: 'instance:instance', typeName: 'instance', isReadonly: true });
		}],
		['a shape under another key than its id', (doc: Y.Doc) => canvasMap(doc).set(createShapeId('elsewhere'), geo('ok2'))],
		// tldraw outlines an ellipse with a point every 20 px: this one ran the tab out of memory.
		['an ellipse too large to draw', (doc: Y.Doc) => {
			const huge = geo('huge');
			canvasMap(doc).set(huge.id, { ...huge, props: { ...huge.props, geo: 'ellipse', w: 1e10, h: 1e10 } });
		}],
		// tldraw climbs parents to find a page's shapes: a loop hung every tab for good.
		['shapes inside each other', (doc: Y.Doc) => {
			const a = geo('a');
			const b = geo('b');
			canvasMap(doc).set(a.id, { ...a, parentId: b.id });
			canvasMap(doc).set(b.id, { ...b, parentId: a.id });
		}]
	])('leaves out %s, and still applies the valid ones beside them', (_name, write) => {
		const doc = new Y.Doc();
		const seed = newStore();
		bindCanvasStore(seed, doc);
		doc.transact(() => {
			write(doc);
			canvasMap(doc).set(createShapeId('ok'), geo('ok'));
		});
		// A browser opening the room, and one already in it.
		const opening = newStore();
		bindCanvasStore(opening, doc);
		for (const store of [opening, seed]) {
			expect(store.get(createShapeId('ok'))).toBeDefined();
			expect(store.allRecords().filter((r) => r.typeName === 'shape').map((r) => r.id)).toEqual([createShapeId('ok')]);
			expect((store.get('camera:page:page' as TLRecord['id']) as { z?: number } | undefined)?.z).not.toBe(1e-300);
			expect((store.get('instance:instance' as TLRecord['id']) as { isReadonly?: boolean } | undefined)?.isReadonly).not.toBe(true);
		}
	});

	it('refuses a room written by a newer tldraw, and leaves it untouched', () => {
		const doc = new Y.Doc();
		const store = newStore();
		const newer = structuredClone(store.schema.serialize());
		newer.sequences['com.tldraw.shape'] += 1;
		canvasSchemaMap(doc).set('schema', newer);
		canvasMap(doc).set(createShapeId('one'), geo('one'));
		const before = Y.encodeStateAsUpdate(doc);

		const problems: CanvasBindingProblem[] = [];
		const binding = bindCanvasStore(newStore(), doc, { onProblem: (p) => problems.push(p) });
		expect(binding.problem).toEqual({ kind: 'room-schema-newer' });
		expect(problems).toEqual([{ kind: 'room-schema-newer' }]);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('stops when someone upgrades the room to a newer schema mid-session', () => {
		const doc = new Y.Doc();
		const store = newStore();
		const binding = bindCanvasStore(store, doc);
		const newer = structuredClone(store.schema.serialize());
		newer.sequences['com.tldraw.page'] += 1;
		canvasSchemaMap(doc).set('schema', newer);
		expect(binding.problem).toEqual({ kind: 'room-schema-newer' });
		// Stopped: local edits no longer reach the document.
		store.put([geo('after')]);
		expect(canvasMap(doc).has(createShapeId('after'))).toBe(false);
	});

	it('migrates a room written by an older tldraw, once, and stores it under the new schema', () => {
		const doc = new Y.Doc();
		const store = newStore();
		const older = structuredClone(store.schema.serialize());
		older.sequences['com.tldraw.page'] = 0;
		canvasSchemaMap(doc).set('schema', older);
		// A version-0 page has no `meta`; the page migrations add it.
		canvasMap(doc).set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1' });

		const binding = bindCanvasStore(store, doc);
		expect(binding.problem).toBeUndefined();
		expect(store.get('page:page' as TLRecord['id'])).toMatchObject({ name: 'Page 1', meta: {} });
		expect(canvasMap(doc).get('page:page')).toMatchObject({ meta: {} });
		expect(canvasSchemaMap(doc).get('schema')).toEqual(store.schema.serialize());
	});
});
