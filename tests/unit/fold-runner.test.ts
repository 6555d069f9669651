/**
 * The fold worker gets its updates packed into one transferred buffer (fold-runner.ts): the
 * result must be the fold of exactly those bytes, also when the updates are views into larger
 * buffers shared with other data, as stored rows and received frames are.
 */
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createFoldRunner, foldInline, packUpdates, unpackUpdates, type FoldRunner } from '../../server/persistence/fold-runner.ts';

const runners: FoldRunner[] = [];
afterEach(async () => {
	for (const runner of runners.splice(0)) await runner.close();
});

/** Each update copied into the middle of a larger buffer filled with other bytes. */
function asViews(updates: Uint8Array[]): Uint8Array[] {
	return updates.map((update) => {
		const slab = new Uint8Array(update.length + 8192).fill(0xff);
		slab.set(update, 4096);
		return slab.subarray(4096, 4096 + update.length);
	});
}

function editsOf(count: number): Uint8Array[] {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const notes = doc.getMap('notes');
	for (let i = 0; i < count; i++) notes.set(`note-${i}`, `text ${i}`);
	return updates;
}

it('packs updates end to end and unpacks the same bytes', () => {
	const updates = asViews(editsOf(5));
	const total = updates.reduce((n, u) => n + u.length, 0);
	const packed = packUpdates(updates, total);
	expect(packed.bytes.buffer.byteLength).toBe(total);
	expect(unpackUpdates(packed).map((u) => Array.from(u))).toEqual(updates.map((u) => Array.from(u)));
});

it('folds views into shared buffers in the worker exactly as on this thread', async () => {
	const runner = createFoldRunner(0); // every fold goes to the worker
	runners.push(runner);
	const updates = asViews(editsOf(300));
	const folded = await runner.foldHashed(updates);
	expect(Array.from(folded.update)).toEqual(Array.from(foldInline(updates)));
	const doc = new Y.Doc();
	Y.applyUpdate(doc, folded.update);
	expect(doc.getMap('notes').size).toBe(300);
	// The caller's buffers are copied, never transferred away.
	expect(updates[0].buffer.byteLength).toBeGreaterThan(0);
});
