/**
 * Two server processes behind a load balancer, sharing PostgreSQL and Redis. One is SIGKILLed
 * while clients on both are editing: every edit some client had received is in the store at
 * that moment, the dead instance's clients reconnect to the survivor, and everyone converges
 * on every edit (nothing acknowledged is lost, and writers' own edits come back with them).
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { startBalancer, type Balancer } from '../helpers/balancer.ts';
import { canonicalJson, connectClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, spawnServer, tempDataDir, type ChildServer } from '../helpers/server.ts';
import { TEST_REDIS_URL, storedNoteKeys, testSchema } from '../helpers/shared-services.ts';

const schema = testSchema('failover');
const children: ChildServer[] = [];
const clients: TestClient[] = [];
let balancer: Balancer | undefined;
afterEach(async () => {
	for (const c of clients.splice(0)) c.destroy();
	for (const s of children.splice(0)) s.child.kill('SIGKILL');
	await balancer?.close();
});
afterAll(() => schema.drop());

const portOf = (server: ChildServer) => Number(new URL(server.url).port);

const storedKeys = (roomId: string) => storedNoteKeys(schema.schema, roomId);

it('survives SIGKILL of one instance mid-edit: nothing acknowledged lost, its clients move over', { timeout: 90_000 }, async () => {
	const env = { ...schema.env(TEST_REDIS_URL), COMPACT_AFTER_UPDATES: '50' };
	const [a, b] = await Promise.all([spawnServer(tempDataDir(), env), spawnServer(tempDataDir(), env)]);
	children.push(a, b);
	balancer = await startBalancer([portOf(a), portOf(b)]);
	const room = await createRoom(balancer.url);

	// Connections alternate between the instances: writers and observers on both.
	const everyone = Array.from({ length: 8 }, () => {
		const c = connectClient(balancer!.wsUrl, room.roomId);
		clients.push(c);
		return c;
	});
	await Promise.all(everyone.map(synced));
	expect(balancer.forwarded.get(portOf(a))).toBeGreaterThanOrEqual(3);
	expect(balancer.forwarded.get(portOf(b))).toBeGreaterThanOrEqual(3);
	const writers = everyone.slice(0, 4);
	const observers = everyone.slice(4);

	/** Acknowledged: received by a client other than its writer (observers only read). */
	const acknowledged = new Set<string>();
	for (const observer of observers) {
		observer.doc.getMap('notes').observe((event) => {
			for (const key of event.keysChanged) acknowledged.add(key);
		});
	}
	let written = 0;
	const writing = setInterval(() => {
		for (const [i, w] of writers.entries()) w.doc.getMap('notes').set(`w${i}-${written}`, written);
		written++;
	}, 5);
	try {
		await waitUntil(() => acknowledged.size >= 200, 'observers received a good part of the edits', { timeoutMs: 20_000 });
		a.child.kill('SIGKILL');
		expect(await a.exited).toBe('SIGKILL');
		balancer.paused = true; // hold reconnects while the store is checked
		const acknowledgedAtKill = [...acknowledged];
		balancer.backends = [portOf(b)];
		const stored = await storedKeys(room.roomId);
		expect(acknowledgedAtKill.filter((key) => !stored.has(key))).toEqual([]);
		balancer.paused = false;

		// Everyone keeps editing through the survivor for a while.
		const writtenAtKill = written;
		await waitUntil(() => written >= writtenAtKill + 40, 'writers went on after the kill', { timeoutMs: 20_000 });
	} finally {
		clearInterval(writing);
	}

	const expectedKeys = writers.length * written;
	await waitUntil(
		() => everyone.every((c) => c.provider.wsconnected) && everyone.every((c) => c.doc.getMap('notes').size === expectedKeys),
		`all clients reconnected and hold all ${expectedKeys} edits`,
		{ docs: everyone.map((c) => c.doc), timeoutMs: 30_000 }
	);
	expect(everyone.every((c) => canonicalJson(c.doc) === canonicalJson(everyone[0].doc))).toBe(true);
	await waitUntil(() => balancer!.forwarded.get(portOf(b))! >= 8, 'every client has a connection on the survivor');
	// And the survivor stored them all: each one is held by a client other than its writer.
	const finalStored = await storedKeys(room.roomId);
	expect(finalStored.size).toBe(expectedKeys);
});
