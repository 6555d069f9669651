import { afterAll, beforeAll, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { MessageType } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, rawClient, synced, waitUntil } from '../helpers/clients.ts';
import { awarenessFrame, emptyStep1 } from '../helpers/frames.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'warn' });
});
afterAll(async () => {
	await server.close();
});

type Presence = { user?: { name?: string } };

it('shows everyone present to everyone, late joiners included, and removes leavers', async () => {
	const room = await createRoom(server.url);
	const clients = ['Ada', 'Bo', 'Cy'].map((name) => {
		const c = connectClient(server.wsUrl, room.roomId);
		c.provider.awareness.setLocalState({ user: { name, color: '#2563eb' } });
		return c;
	});
	await Promise.all(clients.map(synced));
	const names = (i: number) =>
		[...clients[i].provider.awareness.getStates().values()].map((s) => (s as Presence).user?.name).sort();
	await waitUntil(() => clients.every((_, i) => names(i).join() === 'Ada,Bo,Cy'), 'all see all');

	const late = connectClient(server.wsUrl, room.roomId);
	const namedForLate = () => [...late.provider.awareness.getStates().values()].filter((s) => (s as Presence).user).length;
	await waitUntil(() => namedForLate() === 3, 'late joiner sees the three present');

	clients[1].destroy();
	await waitUntil(() => names(0).join() === 'Ada,Cy' && names(2).join() === 'Ada,Cy', 'Bo removed for the others');
	for (const c of [clients[0], clients[2], late]) c.destroy();
});

it('coalesces a burst of cursor moves into few messages that end at the latest state', async () => {
	const room = await createRoom(server.url);
	const watcher = rawClient(`${server.wsUrl}/sync/${room.roomId}/board`);
	await watcher.opened;
	watcher.send(emptyStep1());
	const mover = rawClient(`${server.wsUrl}/sync/${room.roomId}/board`);
	await mover.opened;

	const moves = 200;
	for (let clock = 1; clock <= moves; clock++) {
		mover.send(awarenessFrame([{ clientId: 77, clock, json: `{"cursor":{"x":${clock}}}` }]));
	}
	// Collect the awareness entries for client 77 the watcher receives.
	const seen: number[] = [];
	let awarenessMessages = 0;
	const scan = () => {
		seen.length = 0;
		awarenessMessages = 0;
		for (const frame of watcher.frames) {
			const d = decoding.createDecoder(frame);
			if (decoding.readVarUint(d) !== MessageType.Awareness) continue;
			awarenessMessages++;
			const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
			for (let n = decoding.readVarUint(inner); n > 0; n--) {
				const clientId = decoding.readVarUint(inner);
				const clock = decoding.readVarUint(inner);
				decoding.readVarString(inner);
				if (clientId === 77) seen.push(clock);
			}
		}
		return seen.includes(moves);
	};
	await waitUntil(scan, 'watcher receives the latest cursor');
	expect(awarenessMessages).toBeLessThan(moves / 4);
	expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never goes back in time
	watcher.ws.close();
	mover.ws.close();
});
