import { describe, expect, it } from 'vitest';
import type { DocStore, PendingUpdate } from '../../server/persistence/doc-store.ts';
import { Persister } from '../../server/persistence/persister.ts';
import { concurrentAppendsFor } from '../../server/persistence/postgres-store.ts';
import { createLogger } from '../../server/log.ts';
import { createMetrics } from '../../server/metrics.ts';

/** One appendUpdates call the test answers when it chooses. */
interface Append {
	labels: string[];
	commit(): void;
	fail(): void;
}

/**
 * A store whose appends wait for the test: each call is handed to the next `nextAppend()`, and
 * commits (numbering its updates from 1 up, in call order) or fails when the test says so.
 */
function scriptedStore(concurrentAppends: number) {
	const calls: Append[] = [];
	const waiting: Array<(call: Append) => void> = [];
	let seq = 0;
	const store: Pick<DocStore, 'appendUpdates' | 'concurrentAppends'> = {
		concurrentAppends,
		appendUpdates: (batch: readonly PendingUpdate[]) =>
			new Promise<number[]>((resolve, reject) => {
				const call: Append = {
					labels: batch.map((u) => new TextDecoder().decode(u.update)),
					commit: () => resolve(batch.map(() => ++seq)),
					fail: () => reject(new Error('database went away'))
				};
				const taker = waiting.shift();
				if (taker) taker(call);
				else calls.push(call);
			})
	};
	const nextAppend = () => {
		const call = calls.shift();
		return call ? Promise.resolve(call) : new Promise<Append>((resolve) => waiting.push(resolve));
	};
	return { store, nextAppend, pending: () => calls.length };
}

function setup(concurrentAppends: number) {
	const scripted = scriptedStore(concurrentAppends);
	const persister = new Persister(scripted.store, createLogger('silent'), createMetrics());
	const committed: string[] = [];
	const enqueue = (roomId: string, label: string) =>
		new Promise<number>((resolve) =>
			persister.enqueue({ roomId, docName: 'board', update: new TextEncoder().encode(label) }, (seq) => {
				committed.push(label);
				resolve(seq);
			})
		);
	return { ...scripted, persister, committed, enqueue };
}

/** One full turn of the event loop: the persister starts its batches in setImmediate. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the group committer', () => {
	it('commits one batch at a time where the store takes one append at a time (SQLite)', async () => {
		const { persister, nextAppend, pending, enqueue } = setup(1);
		void enqueue('a', 'a1');
		const first = await nextAppend();
		expect(first.labels).toEqual(['a1']);
		void enqueue('b', 'b1');
		await nextTurn();
		expect(pending()).toBe(0);
		expect(persister.batchesInFlight).toBe(1);
		first.commit();
		expect((await nextAppend()).labels).toEqual(['b1']);
	});

	it('starts a batch for other documents while one commits, and their updates are delivered first', async () => {
		const { persister, nextAppend, enqueue, committed } = setup(4);
		const a1 = enqueue('a', 'a1');
		const slow = await nextAppend();
		const b1 = enqueue('b', 'b1');
		const fast = await nextAppend();
		expect(fast.labels).toEqual(['b1']);
		expect(persister.batchesInFlight).toBe(2);
		fast.commit();
		await b1;
		expect(committed).toEqual(['b1']);
		slow.commit();
		await a1;
		expect(committed).toEqual(['b1', 'a1']);
	});

	it("keeps a document's later updates behind its running batch, in order", async () => {
		const { persister, nextAppend, pending, enqueue, committed } = setup(4);
		void enqueue('a', 'a1');
		const first = await nextAppend();
		void enqueue('a', 'a2');
		void enqueue('b', 'b1');
		void enqueue('a', 'a3');
		const second = await nextAppend();
		expect(second.labels).toEqual(['b1']);
		await nextTurn();
		expect(pending()).toBe(0);
		first.commit();
		const third = await nextAppend();
		expect(third.labels).toEqual(['a2', 'a3']);
		second.commit();
		third.commit();
		await persister.drain();
		expect(committed).toEqual(['a1', 'b1', 'a2', 'a3']);
	});

	it('never runs more batches than the store takes at once', async () => {
		const { persister, nextAppend, pending, enqueue } = setup(2);
		void enqueue('a', 'a1');
		const first = await nextAppend();
		void enqueue('b', 'b1');
		await nextAppend();
		void enqueue('c', 'c1');
		await nextTurn();
		await nextTurn();
		expect(persister.batchesInFlight).toBe(2);
		expect(pending()).toBe(0);
		first.commit();
		expect((await nextAppend()).labels).toEqual(['c1']);
	});

	it('retries a failed batch before its documents\' later updates, while other documents commit', async () => {
		const { persister, nextAppend, enqueue, committed } = setup(4);
		void enqueue('a', 'a1');
		const failing = await nextAppend();
		void enqueue('b', 'b1');
		const other = await nextAppend();
		void enqueue('a', 'a2');
		failing.fail();
		await nextTurn();
		expect(persister.healthy).toBe(false);
		// The other document's batch still completes, and does not pass for a recovery.
		other.commit();
		await nextTurn();
		expect(committed).toEqual(['b1']);
		expect(persister.healthy).toBe(false);
		const retry = await nextAppend();
		expect(retry.labels).toEqual(['a1', 'a2']);
		retry.commit();
		await persister.drain();
		expect(committed).toEqual(['b1', 'a1', 'a2']);
		expect(persister.healthy).toBe(true);
	});

	it('drains only once every running batch has committed', async () => {
		const { persister, nextAppend, enqueue } = setup(4);
		void enqueue('a', 'a1');
		const first = await nextAppend();
		void enqueue('b', 'b1');
		const second = await nextAppend();
		let drained = false;
		const drain = persister.drain().then(() => (drained = true));
		second.commit();
		await nextTurn();
		expect(drained).toBe(false);
		first.commit();
		await drain;
		expect(persister.batchesInFlight).toBe(0);
	});
});

describe('appends PostgreSQL takes at once', () => {
	it('is half the pool, at least 1 and at most 4', () => {
		expect(concurrentAppendsFor(1)).toBe(1);
		expect(concurrentAppendsFor(3)).toBe(1);
		expect(concurrentAppendsFor(4)).toBe(2);
		expect(concurrentAppendsFor(10)).toBe(4);
		expect(concurrentAppendsFor(200)).toBe(4);
	});
});

describe('a store that commits before it returns (appendUpdatesNow)', () => {
	function setupNow() {
		const calls: string[][] = [];
		let failing = false;
		let seq = 0;
		const store: Pick<DocStore, 'appendUpdates' | 'appendUpdatesNow' | 'concurrentAppends'> = {
			concurrentAppends: 1,
			appendUpdates: () => Promise.reject(new Error('the promise path was taken')),
			appendUpdatesNow: (batch) => {
				calls.push(batch.map((u) => new TextDecoder().decode(u.update)));
				if (failing) throw new Error('disk full');
				return batch.map(() => ++seq);
			}
		};
		const persister = new Persister(store, createLogger('silent'), createMetrics());
		const committed: Array<[string, number]> = [];
		const enqueue = (roomId: string, label: string) =>
			new Promise<number>((resolve) =>
				persister.enqueue({ roomId, docName: 'board', update: new TextEncoder().encode(label) }, (s) => {
					committed.push([label, s]);
					resolve(s);
				})
			);
		return { persister, calls, committed, enqueue, fail: (on: boolean) => (failing = on) };
	}

	it('commits a turn\'s updates in one call and settles them in that turn, in arrival order', async () => {
		const { persister, calls, committed, enqueue } = setupNow();
		const all = [enqueue('a', 'a1'), enqueue('b', 'b1'), enqueue('a', 'a2')];
		expect(calls).toEqual([]);
		// The batch starts in the next turn's immediates and is settled there: no batch is left running.
		await nextTurn();
		expect(calls).toEqual([['a1', 'b1', 'a2']]);
		expect(committed).toEqual([
			['a1', 1],
			['b1', 2],
			['a2', 3]
		]);
		expect(persister.batchesInFlight).toBe(0);
		await Promise.all(all);
		await persister.drain();
	});

	it('keeps a failed batch in front of later updates and delivers it all once the store recovers', async () => {
		const { persister, calls, committed, enqueue, fail } = setupNow();
		fail(true);
		const a1 = enqueue('a', 'a1');
		await nextTurn();
		expect(calls).toEqual([['a1']]);
		expect(committed).toEqual([]);
		expect(persister.healthy).toBe(false);
		const a2 = enqueue('a', 'a2');
		fail(false);
		// Retried after its backoff (50 ms), with the later update behind it in the same batch.
		await Promise.all([a1, a2]);
		expect(calls).toEqual([['a1'], ['a1', 'a2']]);
		expect(committed).toEqual([
			['a1', 1],
			['a2', 2]
		]);
		expect(persister.healthy).toBe(true);
		await persister.drain();
	});

	it('does not append a committed batch again when one of its callbacks throws', async () => {
		const { persister, calls } = setupNow();
		persister.enqueue({ roomId: 'a', docName: 'board', update: new TextEncoder().encode('a1') }, () => {
			throw new Error('a broadcast went wrong');
		});
		await expect(persister.flushNow()).rejects.toThrow('a broadcast went wrong');
		expect(calls).toEqual([['a1']]);
		expect(persister.queuedCount).toBe(0);
		expect(persister.healthy).toBe(true);
		await persister.drain();
		expect(calls).toEqual([['a1']]);
	});
});
