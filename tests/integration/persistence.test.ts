import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeRecords } from '../../server/persistence/append-journal.ts';
import { JOURNAL_FILE } from '../../server/persistence/sqlite-store.ts';
import { FROM_STORE } from '../../server/rooms/commit-pipeline.ts';
import { COMPACTIONS_AT_ONCE } from '../../server/rooms/room-manager.ts';
import { SCHEMA_VERSION } from '../../src/lib/shared/board/schema.ts';
import { connectClient, seedSharedText, sharedText, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const open: Array<TestServer | TestClient> = [];
afterEach(async () => {
	for (const item of open.splice(0).reverse()) {
		if ('provider' in item) item.destroy();
		else await item.close();
	}
});

function track<T extends TestServer | TestClient>(item: T): T {
	open.push(item);
	return item;
}

/**
 * Updates stored and not folded into a snapshot: the log table's rows and the journal's records
 * (server/persistence/append-journal.ts), which the store moves into the table in batches.
 */
function logRows(dataDir: string): number {
	const journal = decodeRecords(fs.readFileSync(path.join(dataDir, JOURNAL_FILE))).records.length;
	const db = new Database(path.join(dataDir, 'threatboard.sqlite3'), { readonly: true });
	try {
		return (db.prepare('SELECT count(*) AS n FROM doc_log').get() as { n: number }).n + journal;
	} finally {
		db.close();
	}
}

it('keeps every edit across a clean restart', async () => {
	const dataDir = tempDataDir();
	const first = await startTestServer({ LOG_LEVEL: 'warn' }, dataDir);
	const room = await createRoom(first.url);
	const writer = connectClient(first.wsUrl, room.roomId);
	await synced(writer);
	await seedSharedText([writer]);
	for (let i = 0; i < 50; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	sharedText(writer.doc).insert(0, 'hello');
	const observer = connectClient(first.wsUrl, room.roomId);
	await waitUntil(() => observer.doc.getMap('notes').size === 51, 'observer has all edits', { docs: [observer.doc] });
	writer.destroy();
	observer.destroy();
	await first.close();

	const second = track(await startTestServer({ LOG_LEVEL: 'warn' }, dataDir));
	const reader = track(connectClient(second.wsUrl, room.roomId));
	await synced(reader);
	expect(reader.doc.getMap('notes').size).toBe(51);
	expect(sharedText(reader.doc).toString()).toBe('hello');
	expect(reader.doc.getMap('meta').get('title')).toBe('Test workshop');
});

it('has appended an update to the store before any other client receives it', async () => {
	const server = track(await startTestServer({ LOG_LEVEL: 'warn' }));
	const room = await createRoom(server.url);
	const writer = track(connectClient(server.wsUrl, room.roomId));
	const observer = track(connectClient(server.wsUrl, room.roomId));
	await Promise.all([synced(writer), synced(observer)]);
	const before = logRows(server.dataDir);

	// Read the store from the observer's update handler: the moment the update arrives.
	const rowsSeenOnArrival = new Promise<number>((resolve) => {
		observer.doc.on('update', (_u, origin) => {
			if (origin === observer.provider) resolve(logRows(server.dataDir));
		});
	});
	writer.doc.getMap('notes').set('durable', true);
	expect(await rowsSeenOnArrival).toBeGreaterThan(before);
});

it('folds the update log into a snapshot and still restores everything', async () => {
	const dataDir = tempDataDir();
	const server = await startTestServer({ LOG_LEVEL: 'warn', COMPACT_AFTER_UPDATES: '20' }, dataDir);
	const room = await createRoom(server.url);
	const writer = connectClient(server.wsUrl, room.roomId);
	const observer = connectClient(server.wsUrl, room.roomId);
	await Promise.all([synced(writer), synced(observer)]);
	for (let i = 0; i < 100; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	await waitUntil(() => observer.doc.getMap('notes').size === 100, 'observer has all edits', { docs: [observer.doc] });
	await waitUntil(() => logRows(dataDir) < 20, 'log compacted below the threshold');
	writer.destroy();
	observer.destroy();
	await server.close();

	const restarted = track(await startTestServer({ LOG_LEVEL: 'warn' }, dataDir));
	const reader = track(connectClient(restarted.wsUrl, room.roomId));
	await synced(reader);
	expect(reader.doc.getMap('notes').size).toBe(100);
});

it('releases an idle room from memory and reloads it with its full state', async () => {
	const server = track(await startTestServer({ LOG_LEVEL: 'warn', IDLE_EVICT_MS: '20' }));
	const room = await createRoom(server.url);
	const writer = connectClient(server.wsUrl, room.roomId);
	await synced(writer);
	for (let i = 0; i < 10; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	const observer = connectClient(server.wsUrl, room.roomId);
	await waitUntil(() => observer.doc.getMap('notes').size === 10, 'observer has all edits', { docs: [observer.doc] });
	expect(server.rooms.isLoaded(room.roomId)).toBe(true);

	writer.destroy();
	observer.destroy();
	await waitUntil(() => !server.rooms.isLoaded(room.roomId), 'room evicted');
	expect(server.rooms.loadedCount).toBe(0);
	expect(logRows(server.dataDir)).toBe(0); // eviction folded the log into the snapshot

	const reader = track(connectClient(server.wsUrl, room.roomId));
	await synced(reader);
	expect(reader.doc.getMap('notes').size).toBe(10);
});

it('compacts rooms that go idle together one at a time, and folds every one of them', async () => {
	let running = 0;
	let most = 0;
	let compactions = 0;
	const server = track(
		await startTestServer({ LOG_LEVEL: 'warn', IDLE_EVICT_MS: '20' }, undefined, (store) => ({
			...store,
			async compact(key, fold) {
				running++;
				most = Math.max(most, running);
				compactions++;
				try {
					// A store as slow as a remote database: compactions left to themselves overlap.
					await new Promise((resolve) => setTimeout(resolve, 30));
					return await store.compact(key, fold);
				} finally {
					running--;
				}
			}
		}))
	);
	const rooms = await Promise.all(Array.from({ length: 6 }, () => createRoom(server.url)));
	const writers = rooms.map((room) => connectClient(server.wsUrl, room.roomId));
	await Promise.all(writers.map((writer) => synced(writer)));
	for (const writer of writers) for (let i = 0; i < 5; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	await waitUntil(() => logRows(server.dataDir) >= rooms.length * 5, 'every edit stored');

	for (const writer of writers) writer.destroy();
	await waitUntil(() => server.rooms.loadedCount === 0, 'every room evicted');
	expect(logRows(server.dataDir)).toBe(0);
	expect(compactions).toBeGreaterThanOrEqual(rooms.length);
	expect(most).toBe(COMPACTIONS_AT_ONCE);
});

it('stops compacting at shutdown once its budget is spent, and loses nothing it did not fold', async () => {
	const dataDir = tempDataDir();
	const first = await startTestServer({ LOG_LEVEL: 'warn' }, dataDir);
	const rooms = await Promise.all(Array.from({ length: 4 }, () => createRoom(first.url)));
	const writers = rooms.map((room) => connectClient(first.wsUrl, room.roomId));
	await Promise.all(writers.map((writer) => synced(writer)));
	for (const writer of writers) for (let i = 0; i < 5; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	await waitUntil(() => logRows(dataDir) >= rooms.length * 5, 'every edit stored');
	const logged = logRows(dataDir);
	for (const writer of writers) writer.destroy();
	// A budget spent before the first turn: every room is written out without a fold.
	await first.rooms.closeAll(0);
	expect(first.rooms.loadedCount).toBe(0);
	await first.close();
	expect(logRows(dataDir)).toBe(logged);

	const second = track(await startTestServer({ LOG_LEVEL: 'warn' }, dataDir));
	for (const room of rooms) {
		const reader = track(connectClient(second.wsUrl, room.roomId));
		await synced(reader);
		expect(reader.doc.getMap('notes').toJSON()).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 });
	}
	// The default budget folds them at the next shutdown.
	await second.close();
	expect(logRows(dataDir)).toBe(0);
});

it('migrates an old board to the current schema when the room loads', async () => {
	const dataDir = tempDataDir();
	const first = await startTestServer({ LOG_LEVEL: 'warn' }, dataDir);
	const room = await createRoom(first.url);
	await first.close();

	// Replace the stored board with a version-0 one: no schemaVersion, note text as a string.
	const legacy = new Y.Doc();
	legacy.getMap('meta').set('title', 'Legacy');
	legacy.getMap('meta').set('createdAt', 1);
	const note = new Y.Map<unknown>();
	legacy.getMap('notes').set('n1', note);
	note.set('text', 'plain string text');
	const db = new Database(path.join(dataDir, 'threatboard.sqlite3'));
	db.prepare("UPDATE doc_snapshots SET data = ? WHERE room_id = ? AND doc_name = 'board'").run(
		Y.encodeStateAsUpdate(legacy),
		room.roomId
	);
	db.close();

	const second = track(await startTestServer({ LOG_LEVEL: 'info' }, dataDir));
	const reader = track(connectClient(second.wsUrl, room.roomId));
	await synced(reader);
	expect(reader.doc.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSION);
	const text = (reader.doc.getMap('notes').get('n1') as Y.Map<unknown>).get('text');
	expect(text).toBeInstanceOf(Y.Text);
	expect((text as Y.Text).toString()).toBe('plain string text');
	expect(second.logs.some((l) => l.msg === 'board migrated')).toBe(true);
});

it('takes in, on a refresh, only what another instance stored that the room lacks', async () => {
	const server = track(await startTestServer({ LOG_LEVEL: 'warn' }));
	const room = await createRoom(server.url);
	const writer = track(connectClient(server.wsUrl, room.roomId));
	await synced(writer);
	for (let i = 0; i < 5; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	const loaded = await server.rooms.acquire((await server.store.getRoom(room.roomId))!);
	try {
		const board = loaded.docs.board.doc;
		await waitUntil(() => board.getMap('notes').size === 5, 'edits reach the room');
		await loaded.committed('board');
		// Applies from the store counted as transactions: one runs even when nothing in it is new.
		let applied = 0;
		board.on('afterTransaction', (tr: Y.Transaction) => void (tr.origin === FROM_STORE && applied++));
		await loaded.refresh('board');
		expect(applied).toBe(0); // the snapshot and every entry are known: nothing applied again

		// Another instance's edit, in the store only.
		const elsewhere = new Y.Doc();
		Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(board));
		const before = Y.encodeStateVector(elsewhere);
		elsewhere.getMap('notes').set('from-elsewhere', 1);
		await server.store.appendUpdates([{ roomId: room.roomId, docName: 'board', update: Y.encodeStateAsUpdate(elsewhere, before) }]);
		await loaded.refresh('board');
		expect(applied).toBe(1);
		expect(board.getMap('notes').get('from-elsewhere')).toBe(1);
		await waitUntil(() => writer.doc.getMap('notes').has('from-elsewhere'), 'the new part reaches the clients', { docs: [writer.doc] });
		await loaded.refresh('board');
		expect(applied).toBe(1);

		// Another instance folds the log into a new snapshot, with one more edit of its own in it:
		// the snapshot is new to this room, so it is taken in, once.
		const folder = new Y.Doc();
		Y.applyUpdate(folder, Y.encodeStateAsUpdate(board));
		const known = Y.encodeStateVector(folder);
		folder.getMap('notes').set('folded-elsewhere', 2);
		const extra = Y.encodeStateAsUpdate(folder, known);
		await server.store.compact({ roomId: room.roomId, docName: 'board' }, (stored) =>
			Y.mergeUpdates([...(stored.snapshot ? [stored.snapshot] : []), ...stored.entries.map((entry) => entry.update), extra])
		);
		await loaded.refresh('board');
		expect(applied).toBe(2);
		expect(board.getMap('notes').get('folded-elsewhere')).toBe(2);
		await loaded.refresh('board');
		expect(applied).toBe(2);

		// This room's own compaction after more edits forgets the entries the other instance
		// folded too: they were kept for the life of the room.
		expect(loaded.docs.board.pipeline.knownEntries).toBeGreaterThanOrEqual(6);
		for (let i = 0; i < 3; i++) writer.doc.getMap('notes').set(`later${i}`, i);
		await waitUntil(() => board.getMap('notes').has('later2'), 'later edits reach the room');
		await loaded.committed('board');
		await loaded.docs.board.compact();
		expect(loaded.docs.board.pipeline.knownEntries).toBe(0);
	} finally {
		server.rooms.release(room.roomId);
	}
});
