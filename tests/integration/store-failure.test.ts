/**
 * When the store refuses writes, nothing is broadcast (others must never hold an update the
 * store lacks), health turns 503, commits are retried, and everything lands once it recovers.
 */
import { expect, it } from 'vitest';
import type { DocStore } from '../../server/persistence/doc-store.ts';
import { connectClient, synced, waitUntil } from '../helpers/clients.ts';
import { createRoom, startTestServer } from '../helpers/server.ts';

// 4: as on PostgreSQL, where several batches may be committing when the store fails.
it.each([1, 4])('holds updates back while the store fails and delivers them once it recovers (%i appends at once)', async (concurrentAppends) => {
	let failing = false;
	let failedAttempts = 0;
	const flaky = (store: DocStore): DocStore => ({
		...store,
		kind: store.kind,
		concurrentAppends,
		// Every append goes through the one below, which fails on demand.
		appendUpdatesNow: undefined,
		async appendUpdates(batch) {
			// Where several may run at once, each takes a turn of the event loop, as a database's would.
			if (concurrentAppends > 1) await new Promise((resolve) => setImmediate(resolve));
			if (failing) {
				failedAttempts++;
				throw new Error('disk full');
			}
			return store.appendUpdates(batch);
		}
	});
	const server = await startTestServer({ LOG_LEVEL: 'silent' }, undefined, flaky);
	const room = await createRoom(server.url);
	const writer = connectClient(server.wsUrl, room.roomId);
	const reader = connectClient(server.wsUrl, room.roomId);
	await Promise.all([synced(writer), synced(reader)]);

	failing = true;
	writer.doc.getMap('notes').set('during-outage', true);
	await waitUntil(() => failedAttempts >= 2, 'commit retried');
	expect(reader.doc.getMap('notes').get('during-outage')).toBeUndefined();
	const health = await fetch(`${server.url}/healthz`);
	expect(health.status).toBe(503);
	expect(await health.json()).toMatchObject({ writes: 'failing' });

	failing = false;
	await waitUntil(() => reader.doc.getMap('notes').get('during-outage') === true, 'delivered after recovery', {
		docs: [reader.doc]
	});
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

	writer.destroy();
	reader.destroy();
	await server.close();
	// And it was stored: a fresh server on the same data has it.
	const again = await startTestServer({ LOG_LEVEL: 'silent' }, server.dataDir);
	const fresh = connectClient(again.wsUrl, room.roomId);
	await synced(fresh);
	expect(fresh.doc.getMap('notes').get('during-outage')).toBe(true);
	fresh.destroy();
	await again.close();
});
