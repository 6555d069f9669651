import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { unstickTransactions } from '../../../server/rooms/stuck-transaction.ts';

it('a document whose transaction cleanup threw reports its changes again, the missed ones included', () => {
	const doc = new Y.Doc();
	const reported: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => reported.push(u));
	let throwOnce = true;
	doc.on('afterTransactionCleanup', () => {
		if (throwOnce) {
			throwOnce = false;
			throw new Error('cleanup failed');
		}
	});
	expect(() => doc.getMap('notes').set('a', 1)).toThrow('cleanup failed');
	doc.getMap('notes').set('b', 2);
	// Stuck: neither change was reported (stored or relayed, on the server).
	expect(reported).toHaveLength(0);
	expect(doc._transactionCleanups.length).toBeGreaterThan(0);

	expect(unstickTransactions(doc)).toBe(true);
	const replica = new Y.Doc();
	for (const u of reported) Y.applyUpdate(replica, u);
	expect(replica.getMap('notes').toJSON()).toEqual({ a: 1, b: 2 });

	doc.getMap('notes').set('c', 3);
	for (const u of reported) Y.applyUpdate(replica, u);
	expect(replica.getMap('notes').toJSON()).toEqual({ a: 1, b: 2, c: 3 });
	expect(unstickTransactions(doc)).toBe(false);
});
