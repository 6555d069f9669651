import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { foldTask, type FoldRunner } from '../../../server/persistence/fold-runner.ts';
import { JoinerCache, MAX_TAIL_UPDATES, REBUILD_IN_WORKER_BYTES, mergeMany } from '../../../server/rooms/joiner-cache.ts';

/** A document and the committed updates it has made, one per edit. */
function editor() {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	return { doc, updates, notes: doc.getMap<unknown>('notes') };
}

/** What a fresh client holds after applying the frames, in order. */
function joinerState(frames: Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	for (const frame of frames) {
		const decoder = decoding.createDecoder(frame);
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
		Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
	}
	return doc;
}

/** 4,000 notes in one transaction: a document past REBUILD_IN_WORKER_BYTES. */
function fillLarge(doc: Y.Doc, notes: Y.Map<unknown>): void {
	doc.transact(() => {
		for (let i = 0; i < 4_000; i++) notes.set(`note-${i}`, `Attacker replays session token #${i} `.repeat(3));
	});
}

const json = (doc: Y.Doc) => JSON.stringify(Object.entries(doc.getMap('notes').toJSON()).sort(([a], [b]) => a.localeCompare(b)));

/** A fold runner whose folds wait until released, counting them. */
function heldFolder() {
	const waiting: Array<() => void> = [];
	let folds = 0;
	const folder: FoldRunner = {
		fold: () => Promise.reject(new Error('the joiner cache folds into a framed snapshot')),
		foldHashed: () => Promise.reject(new Error('the joiner cache does not hash')),
		foldFramed(updates) {
			folds++;
			const copy = [...updates];
			return new Promise((resolve) => waiting.push(() => resolve(foldTask(copy, 'framed').update)));
		},
		close: async () => {}
	};
	return { folder, folds: () => folds, release: () => waiting.splice(0).forEach((go) => go()) };
}

/** A joiner cache of `doc` whose encoder counts how often the whole document was encoded. */
function countingCache(doc: Y.Doc, folder?: FoldRunner) {
	let encodes = 0;
	const cache = new JoinerCache(() => {
		encodes++;
		return Y.encodeStateAsUpdate(doc);
	}, folder);
	return { cache, encodes: () => encodes };
}

describe('JoinerCache', () => {
	it('is ready from seeded bytes without encoding the document, and serves them with the tail', () => {
		const { doc, notes } = editor();
		for (let i = 0; i < 20; i++) notes.set(`n${i}`, i);
		const stored = Y.encodeStateAsUpdate(doc);
		const later = editor();
		Y.applyUpdate(later.doc, stored);
		later.updates.length = 0;
		later.notes.set('after', 1);
		const { cache, encodes } = countingCache(later.doc);
		cache.seed(stored, later.updates);
		expect(cache.ready).toBe(true);
		const frames = cache.framesForJoiner();
		expect(encodes()).toBe(0);
		expect(frames).toHaveLength(2); // the tail first, then the snapshot
		expect(json(joinerState(frames))).toBe(json(later.doc));
	});

	it('drops a small document\'s snapshot once the tail is long, and encodes it again on demand', () => {
		const { doc, notes, updates } = editor();
		notes.set('seed', 'x');
		const { cache, encodes } = countingCache(doc, heldFolder().folder);
		cache.seed(Y.encodeStateAsUpdate(doc), []);
		updates.length = 0;
		for (let i = 0; i < 300; i++) notes.set(`k${i}`, i);
		for (const update of updates) cache.committed(update);
		expect(cache.ready).toBe(false);
		expect(json(joinerState(cache.framesForJoiner()))).toBe(json(doc));
		expect(encodes()).toBe(1);
	});

	it('rebuilds in the folder when a small snapshot gets a large tail (a board filled in one go), and keeps serving', async () => {
		const { doc, notes, updates } = editor();
		notes.set('seed', 'x');
		const held = heldFolder();
		const { cache, encodes } = countingCache(doc, held.folder);
		cache.seed(Y.encodeStateAsUpdate(doc), []);
		updates.length = 0;
		fillLarge(doc, notes);
		expect(updates[0].length).toBeGreaterThan(REBUILD_IN_WORKER_BYTES);
		for (const update of updates) cache.committed(update);
		expect(held.folds()).toBe(1);
		// Edits during the rebuild are measured against the snapshot on its way, not the small old one.
		updates.length = 0;
		for (let i = 0; i < 20; i++) notes.set(`during-${i}`, 'edited while the worker folds');
		for (const update of updates) cache.committed(update);
		expect(cache.ready).toBe(true);
		held.release();
		await new Promise((resolve) => setImmediate(resolve));
		expect(json(joinerState(cache.framesForJoiner()))).toBe(json(doc));
		expect(encodes()).toBe(0);
	});

	it('rebuilds a large document\'s snapshot in the folder, serving the old one and the tail meanwhile', async () => {
		const { doc, notes, updates } = editor();
		fillLarge(doc, notes);
		const stored = Y.encodeStateAsUpdate(doc);
		expect(stored.length).toBeGreaterThan(REBUILD_IN_WORKER_BYTES);
		const held = heldFolder();
		const { cache, encodes } = countingCache(doc, held.folder);
		cache.seed(stored, []);
		updates.length = 0;
		for (let i = 0; i <= MAX_TAIL_UPDATES; i++) notes.set(`edit-${i}`, i);
		for (const update of updates) cache.committed(update);
		expect(held.folds()).toBe(1);
		expect(cache.rebuilding).toBe(true);
		// While the worker folds, joiners get the old snapshot and the whole tail.
		expect(json(joinerState(cache.framesForJoiner()))).toBe(json(doc));
		updates.length = 0;
		notes.set('during', true);
		for (const update of updates) cache.committed(update);
		held.release();
		await new Promise((resolve) => setImmediate(resolve));
		expect(cache.rebuilding).toBe(false);
		const frames = cache.framesForJoiner();
		expect(frames).toHaveLength(2); // the new snapshot, and what came during the rebuild
		expect(json(joinerState(frames))).toBe(json(doc));
		expect(encodes()).toBe(0);
	});

	it('discards a rebuild of a snapshot it has dropped meanwhile', async () => {
		const { doc, notes, updates } = editor();
		fillLarge(doc, notes);
		const held = heldFolder();
		const cache = new JoinerCache(() => Y.encodeStateAsUpdate(doc), held.folder);
		cache.seed(Y.encodeStateAsUpdate(doc), []);
		updates.length = 0;
		for (let i = 0; i <= MAX_TAIL_UPDATES; i++) notes.set(`edit-${i}`, i);
		for (const update of updates) cache.committed(update);
		cache.clear();
		held.release();
		await new Promise((resolve) => setImmediate(resolve));
		expect(cache.ready).toBe(false);
		expect(json(joinerState(cache.framesForJoiner()))).toBe(json(doc));
	});

	it('serves every joiner the whole tail while it merges only what was committed since the last one', () => {
		// Three editors of one document, as the server commits them: each edit reaches the others.
		const server = editor();
		const editors = [editor(), editor(), editor()];
		// A base large enough that 200 edits stay a tail (under a quarter of the snapshot).
		server.doc.transact(() => {
			for (let i = 0; i < 500; i++) server.notes.set(`base-${i}`, `Attacker replays session token #${i} `.repeat(3));
		});
		for (const other of editors) Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(server.doc));
		const { cache, encodes } = countingCache(server.doc);
		cache.seed(Y.encodeStateAsUpdate(server.doc), []);
		for (let i = 0; i < 200; i++) {
			const author = editors[i % 3];
			author.updates.length = 0;
			author.notes.set(i % 5 === 0 ? `shared-${i % 4}` : `note-${i}`, `edit ${i}`);
			for (const update of author.updates) {
				for (const other of [server, ...editors]) if (other !== author) Y.applyUpdate(other.doc, update);
				cache.committed(update);
			}
			// A joiner every 7 commits, and sometimes two in a row with nothing committed between.
			if (i % 7 === 6) expect(json(joinerState(cache.framesForJoiner()))).toBe(json(server.doc));
			if (i % 21 === 20) expect(json(joinerState(cache.framesForJoiner()))).toBe(json(server.doc));
		}
		expect(encodes()).toBe(0);
	});

	it('merges many updates in rounds into the same bytes as one Y.mergeUpdates call', () => {
		const editors = [editor(), editor(), editor(), editor()];
		const all: Uint8Array[] = [];
		for (let i = 0; i < 300; i++) {
			const author = editors[i % 4];
			author.updates.length = 0;
			author.notes.set(i % 3 === 0 ? 'contested' : `note-${i}`, i);
			all.push(...author.updates);
		}
		expect(all.length).toBeGreaterThan(32 * 8);
		for (const count of [1, 2, 33, all.length]) {
			expect(Buffer.from(mergeMany(all.slice(0, count)))).toEqual(Buffer.from(Y.mergeUpdates(all.slice(0, count))));
		}
	});

	it('merges a large document\'s tail in pieces as it commits, and serves joiners all of it at any point', async () => {
		const server = editor();
		fillLarge(server.doc, server.notes);
		const editors = [editor(), editor(), editor()];
		for (const other of editors) Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(server.doc));
		const held = heldFolder();
		const { cache, encodes } = countingCache(server.doc, held.folder);
		cache.seed(Y.encodeStateAsUpdate(server.doc), []);
		// Past MAX_TAIL_UPDATES a rebuild starts and is held, so the tail grows to more than
		// MERGE_FAN_IN pieces of MERGE_FAN_IN updates, and they are merged into one.
		const edits = MAX_TAIL_UPDATES * 2 + 77;
		for (let i = 0; i < edits; i++) {
			const author = editors[i % 3];
			author.updates.length = 0;
			if (i === 300) {
				// A paste of 1,000 notes in one update: a frame of its own, never merged here.
				author.doc.transact(() => {
					for (let n = 0; n < 1_000; n++) author.notes.set(`pasted-${n}`, `Pasted threat #${n} `.repeat(4));
				});
			} else {
				author.notes.set(i % 4 === 0 ? `note-${i % 50}` : `edit-${i}`, `edit ${i}`);
			}
			for (const update of author.updates) {
				for (const other of [server, ...editors]) if (other !== author) Y.applyUpdate(other.doc, update);
				cache.committed(update);
			}
			if (i === 40 || i === 41 || i === 700 || i === MAX_TAIL_UPDATES + 500 || i === edits - 1) {
				const frames = cache.framesForJoiner();
				expect(json(joinerState(frames))).toBe(json(server.doc));
				// The tail in pieces of merged edits, with the paste a piece of its own, then the snapshot.
				const tailFrames = frames.slice(0, -1);
				expect(tailFrames.length).toBeLessThanOrEqual(33);
				if (i >= 300) expect(tailFrames.filter((frame) => frame.length >= 64 * 1024)).toHaveLength(1);
			}
		}
		expect(held.folds()).toBe(1);
		held.release();
		await new Promise((resolve) => setImmediate(resolve));
		expect(json(joinerState(cache.framesForJoiner()))).toBe(json(server.doc));
		expect(encodes()).toBe(0);
	});
});
