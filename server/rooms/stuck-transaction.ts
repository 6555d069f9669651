/**
 * A Yjs document whose transaction cleanup threw is stuck: Yjs cleans up a transaction, and emits
 * its `update`, only when it is the first in `doc._transactionCleanups`, and a throw inside the
 * cleanup (collecting deleted items, merging delete sets, an `afterTransactionCleanup` or
 * `update` listener) leaves it there. Every later transaction then applies in memory and reports
 * nothing: the room stored and relayed no change again until it was evicted. An empty item
 * (refused by the scan since) did it with one 28-byte update.
 *
 * Unsticking: the stuck transactions are dropped from the queue and everything the document took
 * in since the first of them began is reported as one update, so it is stored and relayed like any
 * change (applying what another copy already has is harmless in Yjs). What the skipped cleanup
 * would have done besides (collecting deleted content, merging structs) only saves memory.
 */
import * as Y from 'yjs';

/** Unsticks `doc` if a transaction cleanup threw; true when it had to. */
export function unstickTransactions(doc: Y.Doc): boolean {
	const stuck = doc._transactionCleanups;
	if (stuck.length === 0 || doc._transaction !== null) return false;
	doc._transactionCleanups = [];
	const first = stuck[0];
	const update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(first.beforeState));
	doc.emit('update', [update, first.origin, doc, first]);
	return true;
}
