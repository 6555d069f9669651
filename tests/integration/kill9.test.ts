/**
 * The durability promise: an update any other client has received survives kill -9.
 * A writer edits, an observer confirms receipt, the server is SIGKILLed mid-stream and
 * restarted, and a fresh client must see every edit the observer had received.
 */
import { afterEach, expect, it } from 'vitest';
import { connectClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, spawnServer, tempDataDir, type ChildServer } from '../helpers/server.ts';

const KILLS = 20;
const children: ChildServer[] = [];
const clients: TestClient[] = [];
afterEach(() => {
	for (const c of clients.splice(0)) c.destroy();
	for (const s of children.splice(0)) s.child.kill('SIGKILL');
});

it(`loses nothing an observer received across ${KILLS} SIGKILLs`, { timeout: 180_000 }, async () => {
	const dataDir = tempDataDir();
	let server = await spawnServer(dataDir);
	children.push(server);
	const room = await createRoom(server.url);
	const confirmed = new Set<string>();
	let written = 0;

	for (let round = 0; round < KILLS; round++) {
		const writer = connectClient(server.wsUrl, room.roomId);
		const observer = connectClient(server.wsUrl, room.roomId);
		clients.push(writer, observer);
		await Promise.all([synced(writer), synced(observer)]);
		const notes = observer.doc.getMap<number>('notes');
		const onObserved = () => {
			for (const key of notes.keys()) confirmed.add(key);
		};
		observer.doc.on('update', onObserved);

		// Write a burst; kill as soon as the observer has seen some of it, with more in flight.
		const target = confirmed.size + 10;
		for (let i = 0; i < 25; i++) writer.doc.getMap('notes').set(`r${round}-${i}`, written++);
		await waitUntil(() => confirmed.size >= target, 'observer received part of the burst', { docs: [observer.doc] });
		server.child.kill('SIGKILL');
		expect(await server.exited).toBe('SIGKILL');
		observer.doc.off('update', onObserved);
		writer.destroy();
		observer.destroy();

		server = await spawnServer(dataDir);
		children.push(server);
		const fresh = connectClient(server.wsUrl, room.roomId);
		clients.push(fresh);
		await synced(fresh);
		const restored = new Set(fresh.doc.getMap('notes').keys());
		const lost = [...confirmed].filter((key) => !restored.has(key));
		expect(lost, `round ${round}: edits the observer had received`).toEqual([]);
		fresh.destroy();
	}
	expect(confirmed.size).toBeGreaterThanOrEqual(KILLS * 10);
});

it('flushes and exits cleanly on SIGTERM', { timeout: 30_000 }, async () => {
	const dataDir = tempDataDir();
	const server = await spawnServer(dataDir);
	children.push(server);
	const room = await createRoom(server.url);
	const writer = connectClient(server.wsUrl, room.roomId);
	clients.push(writer);
	await synced(writer);
	for (let i = 0; i < 20; i++) writer.doc.getMap('notes').set(`k${i}`, i);
	const observer = connectClient(server.wsUrl, room.roomId);
	clients.push(observer);
	await waitUntil(() => observer.doc.getMap('notes').size === 20, 'observer has all edits', { docs: [observer.doc] });
	server.child.kill('SIGTERM');
	expect(await server.exited).toBe(0);

	const restarted = await spawnServer(dataDir);
	children.push(restarted);
	const reader = connectClient(restarted.wsUrl, room.roomId);
	clients.push(reader);
	await synced(reader);
	expect(reader.doc.getMap('notes').size).toBe(20);
});

it('refuses a second server on a data directory in use, says why, and starts once the first is gone', { timeout: 60_000 }, async () => {
	const dataDir = tempDataDir();
	const first = await spawnServer(dataDir);
	children.push(first);
	await expect(spawnServer(dataDir)).rejects.toThrow(/exited \(1\).*threatboard failed to start: the data directory .* is in use by another Threatboard server/s);
	// The first one is unharmed.
	const room = await createRoom(first.url);
	// A lock the operating system holds for the process: kill -9 leaves nothing stale behind.
	first.child.kill('SIGKILL');
	await first.exited;
	const second = await spawnServer(dataDir);
	children.push(second);
	const reader = connectClient(second.wsUrl, room.roomId);
	clients.push(reader);
	await synced(reader);
	expect(reader.doc.getMap('meta').get('title')).toBeTruthy();
});
