/**
 * Redis stopped and restarted while clients on two instances edit (a private redis-server on a
 * spare port; the shared one is never touched). While it is down each instance keeps serving and
 * storing for its own clients; once it is back, both resync their rooms and converge without
 * any client doing anything, and live fan-out resumes.
 */
import { afterAll, expect, it } from 'vitest';
import { canonicalJson, connectClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { startOwnRedis, testSchema, type OwnRedis } from '../helpers/shared-services.ts';

const schema = testSchema('redis');
const servers: TestServer[] = [];
const clients: TestClient[] = [];
let redis: OwnRedis | undefined;
afterAll(async () => {
	for (const c of clients) c.destroy();
	for (const s of servers) await s.close();
	await redis?.stop();
	await schema.drop();
});

const nameOf = (viewer: TestClient, subject: TestClient) =>
	(viewer.provider.awareness.getStates().get(subject.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name;

it('keeps serving through a Redis outage and converges when Redis is back', { timeout: 60_000 }, async () => {
	redis = await startOwnRedis();
	const env = { ...schema.env(redis.url), LOG_LEVEL: 'warn' };
	const [a, b] = [await startTestServer(env), await startTestServer(env)];
	servers.push(a, b);
	const room = await createRoom(a.url);
	const connect = (server: TestServer) => {
		const c = connectClient(server.wsUrl, room.roomId);
		clients.push(c);
		return c;
	};
	const [a1, a2, b1, b2] = [connect(a), connect(a), connect(b), connect(b)];
	const everyone = [a1, a2, b1, b2];
	await Promise.all(everyone.map(synced));
	a1.doc.getMap('notes').set('before', 1);
	await waitUntil(() => b1.doc.getMap('notes').get('before') === 1, 'fan-out works before the outage', { docs: [b1.doc] });
	a1.provider.awareness.setLocalState({ user: { name: 'Ann', color: '#16a34a' } });
	await waitUntil(() => nameOf(b1, a1) === 'Ann', 'presence crosses before the outage');

	await redis.stop();
	await waitUntil(() => a.fanout.status() === 'down' && b.fanout.status() === 'down', 'both instances see Redis down');

	// Each instance serves its own clients: edits, persistence, health.
	for (let i = 0; i < 10; i++) {
		a1.doc.getMap('notes').set(`during-a-${i}`, i);
		b1.doc.getMap('notes').set(`during-b-${i}`, i);
	}
	a1.provider.awareness.setLocalState({ user: { name: 'Ann (renamed offline)', color: '#16a34a' } });
	await waitUntil(
		() => a2.doc.getMap('notes').has('during-a-9') && b2.doc.getMap('notes').has('during-b-9'),
		'same-instance clients still get edits',
		{ docs: [a2.doc, b2.doc] }
	);
	const health = await fetch(`${a.url}/healthz`);
	expect(health.status).toBe(200);
	expect(await health.json()).toMatchObject({ status: 'ok', fanout: 'down' });
	// Nothing crossed: there was no channel.
	expect(b1.doc.getMap('notes').has('during-a-0')).toBe(false);
	expect(a1.doc.getMap('notes').has('during-b-0')).toBe(false);

	await redis.start();
	await waitUntil(
		() => everyone.every((c) => c.doc.getMap('notes').size === 21) && everyone.every((c) => canonicalJson(c.doc) === canonicalJson(a1.doc)),
		'all four clients converge after Redis is back, without editing again',
		{ docs: everyone.map((c) => c.doc), timeoutMs: 20_000 }
	);
	expect(a.fanout.status()).toBe('ok');
	await waitUntil(() => nameOf(b1, a1) === 'Ann (renamed offline)', 'presence changed during the outage arrives');

	b2.doc.getMap('notes').set('after', 1);
	await waitUntil(() => a1.doc.getMap('notes').get('after') === 1, 'live fan-out resumed', { docs: [a1.doc] });
});
