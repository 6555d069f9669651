/**
 * The fold worker gets its updates packed into one transferred buffer (fold-runner.ts): the
 * result must be the fold of exactly those bytes, also when the updates are views into larger
 * buffers shared with other data, as stored rows and received frames are.
 */
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { MessageType, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { SCRATCH_MAX_BYTES, createFoldRunner, foldInline, packUpdates, unpackUpdates, type FoldRunner } from '../../server/persistence/fold-runner.ts';

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

it('frames the fold as a step-2 message, in the worker and on this thread alike', async () => {
	const updates = asViews(editsOf(200));
	for (const inlineBelow of [0, Infinity]) {
		const runner = createFoldRunner(inlineBelow);
		runners.push(runner);
		const message = await runner.foldFramed(updates);
		const decoder = decoding.createDecoder(message);
		expect(decoding.readVarUint(decoder)).toBe(MessageType.Sync);
		expect(decoding.readVarUint(decoder)).toBe(SyncStep.Step2);
		expect(Array.from(decoding.readVarUint8Array(decoder))).toEqual(Array.from(foldInline(updates)));
		expect(decoding.hasContent(decoder)).toBe(false);
	}
});

it('reuses its shared buffer one fold at a time: folds side by side, then smaller after larger, each get their own bytes', async () => {
	const runner = createFoldRunner(0);
	runners.push(runner);
	const inputs = [editsOf(400), editsOf(30), editsOf(150)].map(asViews);
	// Side by side: the first takes the shared buffer, the others get buffers of their own.
	const together = await Promise.all(inputs.map((updates) => runner.fold(updates)));
	together.forEach((folded, i) => expect(Array.from(folded)).toEqual(Array.from(foldInline(inputs[i]))));
	// One after another through the same shared buffer: a small input after a large one reads none
	// of the large one's bytes left behind it.
	for (const updates of [inputs[0], inputs[1], inputs[2], inputs[1]]) {
		expect(Array.from(await runner.fold(updates))).toEqual(Array.from(foldInline(updates)));
	}
});

it('folds an input above the shared buffer limit through a buffer of its own', async () => {
	const runner = createFoldRunner(0);
	runners.push(runner);
	const doc = new Y.Doc();
	doc.getMap('blobs').set('big', new Uint8Array(SCRATCH_MAX_BYTES + 1024).fill(7));
	const big = Y.encodeStateAsUpdate(doc);
	const folded = await runner.fold([big, ...editsOf(5)]);
	const back = new Y.Doc();
	Y.applyUpdate(back, folded);
	expect((back.getMap('blobs').get('big') as Uint8Array).length).toBe(SCRATCH_MAX_BYTES + 1024);
	expect(back.getMap('notes').size).toBe(5);
});
