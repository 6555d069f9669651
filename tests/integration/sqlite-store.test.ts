import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createSqliteStore } from '../../server/persistence/sqlite-store.ts';
import { waitUntil } from '../helpers/clients.ts';
import { tempDataDir } from '../helpers/server.ts';

it('checkpoints the WAL into the database file off the event loop', async () => {
	const dir = tempDataDir();
	const store = createSqliteStore(dir);
	await store.createRoom(
		{ roomId: 'r'.repeat(24), title: 't', facilitatorKeyHash: 'a'.repeat(64), observerIdHash: 'b'.repeat(64), createdAt: 1 },
		[]
	);
	const dbFile = path.join(dir, 'threatboard.sqlite3');
	const sizeBefore = fs.statSync(dbFile).size;
	const update = new Uint8Array(1024).fill(7);
	for (let batch = 0; batch < 20; batch++) {
		await store.appendUpdates(Array.from({ length: 100 }, () => ({ roomId: 'r'.repeat(24), docName: 'board' as const, update })));
	}
	// The serving connection never checkpoints (wal_autocheckpoint = 0): only the worker can
	// move these ~2 MB from the WAL into the database file.
	await waitUntil(() => fs.statSync(dbFile).size > sizeBefore + 1024 * 1024, 'WAL pages checkpointed', {
		timeoutMs: 10_000
	});
	const loaded = await store.loadDoc({ roomId: 'r'.repeat(24), docName: 'board' });
	expect(loaded.logLength).toBe(2000);
	await store.close();
});
