/**
 * One hostile participant, on raw sockets, against a real server: each attack is refused for that
 * connection alone (or made harmless), nothing it sent is stored, and honest clients in the same
 * room keep syncing. The browser side (the board and canvas still show) is tests/e2e/hostile.spec.ts.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { CANVAS_SCHEMA_KEY, SCHEMA_VERSION, canvasMap, canvasSchemaMap, metaMap, notesMap } from '../../src/lib/shared/board/doc.ts';
import { controlPath } from '../../src/lib/shared/control/commands.ts';
import { TLDRAW_SCHEMA } from '../../src/lib/shared/canvas/tldraw-schema.ts';
import { encodeSyncMessage } from '../../src/lib/shared/wire/messages.ts';
import { createRoomId } from '../../src/lib/shared/ids.ts';
import { dependencyShape } from '../fixtures/export/canvas.ts';
import { readGrants } from '../../src/lib/shared/control/doc.ts';
import { readFacilitatorKeyMessage } from '../../src/lib/shared/wire/facilitator-key.ts';
import { CloseCode, FACILITATOR_SUBPROTOCOL_PREFIX, MessageType, SUBPROTOCOL, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, rawClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { awarenessFrame, emptyStep1, readSyncFrame } from '../helpers/frames.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { forgedUpdate } from '../helpers/forged-update.ts';

const MAX_DOC_BYTES = 8 * 1024 * 1024;
let server: TestServer;

beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'info', MAX_DOC_BYTES: String(MAX_DOC_BYTES), MAX_BYTES_PER_SECOND: String(64 * 1024 * 1024) });
});
afterAll(async () => {
	await server.close();
});

/** A fresh room with two honest clients in sync. */
async function roomWithTwo() {
	const room = await createRoom(server.url);
	const alice = connectClient(server.wsUrl, room.roomId);
	const bob = connectClient(server.wsUrl, room.roomId);
	await Promise.all([synced(alice), synced(bob)]);
	return { room, alice, bob };
}

/** The honest clients still converge, and the server is healthy. */
async function stillWorks(alice: TestClient, bob: TestClient, key = `after-${Math.random()}`): Promise<void> {
	notesMap(alice.doc).set(key, true);
	await waitUntil(() => notesMap(bob.doc).get(key) === true, 'bob receives alice edit after the attack', { docs: [bob.doc] });
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

/** Synced raw socket on a room's board that has the server's state in `mirror`. */
async function hostile(roomId: string, protocols?: string[]) {
	const raw = rawClient(`${server.wsUrl}/sync/${roomId}/board`, protocols);
	await raw.opened;
	const mirror = new Y.Doc();
	const { updates } = await server.store.loadDoc({ roomId, docName: 'board' });
	for (const update of updates) Y.applyUpdate(mirror, update);
	return { raw, mirror };
}

/** The update a change on `doc` produces. */
function updateOf(doc: Y.Doc, change: () => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const record = (u: Uint8Array) => updates.push(u);
	doc.on('update', record);
	try {
		doc.transact(change);
	} finally {
		doc.off('update', record);
	}
	return Y.mergeUpdates(updates);
}

async function storedBoard(roomId: string): Promise<Y.Doc> {
	await server.persister.drain();
	const doc = new Y.Doc();
	for (const update of (await server.store.loadDoc({ roomId, docName: 'board' })).updates) Y.applyUpdate(doc, update);
	return doc;
}

/** A geo shape on the page, as a canvas value. */
function shapeValue(id: string) {
	return { id, typeName: 'shape', type: 'geo', parentId: 'page:page', index: 'a1', x: 0, y: 0, rotation: 0, isLocked: false, opacity: 1, meta: {}, props: { geo: 'rectangle', w: 100, h: 100 } };
}

function nested(depth: number): unknown {
	let value: unknown = 'x';
	for (let i = 1; i < depth; i++) value = [value];
	return value;
}

describe('poison updates are refused before anything is stored or relayed', () => {
	it.each([
		['a value nested 5,000 levels deep', (doc: Y.Doc) => canvasMap(doc).set('shape:bomb', nested(5_000))],
		['a write to a root the board does not have', (doc: Y.Doc) => doc.getMap('elsewhere').set('x', 1)],
		['a canvas schema "from the future" (the canvas kill switch)', (doc: Y.Doc) =>
			canvasSchemaMap(doc).set(CANVAS_SCHEMA_KEY, { schemaVersion: 2, sequences: { 'com.tldraw.store': 999 } })],
		['a board schema version from the future', (doc: Y.Doc) => metaMap(doc).set('schemaVersion', 999)],
		['removing the canvas schema', (doc: Y.Doc) => canvasSchemaMap(doc).delete(CANVAS_SCHEMA_KEY)],
		// Every reader of this board (observers too) would get the other room's edit link.
		['a dependency element naming a model by its room id', (doc: Y.Doc) =>
			canvasMap(doc).set('shape:bomb', dependencyShape('shape:bomb', createRoomId(), 'Payments', { x: 0, y: 0 }))],
		['a dependency element with a room id in its name', (doc: Y.Doc) =>
			canvasMap(doc).set('shape:bomb', dependencyShape('shape:bomb', 'AbCdEfGhIjKlMn_-', `Payments ${createRoomId()}`, { x: 0, y: 0 }))],
		// tldraw's per-user records, copied over everyone's view (a camera far away blanks the canvas).
		['a camera record in the shared canvas', (doc: Y.Doc) => canvasMap(doc).set('camera:page:page', { id: 'camera:page:page', typeName: 'camera', x: 1e300, y: 1e300, z: 1e-300, meta: {} })],
		['a shape under another id', (doc: Y.Doc) => canvasMap(doc).set('shape:bomb', { ...shapeValue('shape:other') })],
		// tldraw outlines an ellipse with a point every 20 px: every tab ran out of memory.
		['an ellipse too large to draw', (doc: Y.Doc) => canvasMap(doc).set('shape:bomb', { ...shapeValue('shape:bomb'), props: { geo: 'ellipse', w: 1e10, h: 1e10 } })],
		// tldraw climbs parents to find a page's shapes: every tab hung, at every load.
		['a shape inside itself', (doc: Y.Doc) => canvasMap(doc).set('shape:bomb', { ...shapeValue('shape:bomb'), parentId: 'shape:bomb' })],
		['two shapes inside each other', (doc: Y.Doc) => {
			canvasMap(doc).set('shape:bomb', { ...shapeValue('shape:bomb'), parentId: 'shape:bomb2' });
			canvasMap(doc).set('shape:bomb2', { ...shapeValue('shape:bomb2'), parentId: 'shape:bomb' });
		}]
	])('%s', async (_name, change) => {
		const { room, alice, bob } = await roomWithTwo();
		// The canvas has its schema, as after the first visit.
		canvasSchemaMap(alice.doc).set(CANVAS_SCHEMA_KEY, TLDRAW_SCHEMA);
		await waitUntil(() => canvasSchemaMap(bob.doc).has(CANVAS_SCHEMA_KEY), 'schema synced', { docs: [bob.doc] });
		const before = Y.encodeStateVector(await storedBoard(room.roomId));

		const { raw, mirror } = await hostile(room.roomId);
		raw.send(encodeSyncMessage(SyncStep.Update, updateOf(mirror, () => change(mirror))));
		const closed = await raw.closed;
		expect(closed.code).toBe(CloseCode.UpdateRefused);

		await stillWorks(alice, bob);
		const after = await storedBoard(room.roomId);
		expect(after.getMap('elsewhere').size).toBe(0);
		expect(canvasMap(after).has('shape:bomb')).toBe(false);
		expect(canvasSchemaMap(after).get(CANVAS_SCHEMA_KEY)).toEqual(TLDRAW_SCHEMA);
		expect(metaMap(after).get('schemaVersion')).toBe(SCHEMA_VERSION);
		// Only the honest edit was stored: nothing of the attacker's client id.
		expect(Y.decodeStateVector(Y.encodeStateVector(after)).has(mirror.clientID)).toBe(false);
		expect(before.length).toBeGreaterThan(0);
		alice.destroy();
		bob.destroy();
	});

	it("refuses a deletion aimed at someone's next notes, so they appear for everyone", async () => {
		const { room, alice, bob } = await roomWithTwo();
		const { raw } = await hostile(room.roomId);
		const victim = bob.doc.clientID;
		const next = Y.getState(bob.doc.store, victim);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0); // no structs
		encoding.writeVarUint(encoder, 1); // delete set: one client
		encoding.writeVarUint(encoder, victim);
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint(encoder, next);
		encoding.writeVarUint(encoder, 1_000);
		raw.send(encodeSyncMessage(SyncStep.Update, encoding.toUint8Array(encoder)));
		expect((await raw.closed).code).toBe(CloseCode.UpdateRefused);

		notesMap(bob.doc).set('bob-next', 'still here');
		await waitUntil(() => notesMap(alice.doc).get('bob-next') === 'still here', 'alice sees bob’s next note', { docs: [alice.doc] });
		expect(notesMap(await storedBoard(room.roomId)).get('bob-next')).toBe('still here');
		alice.destroy();
		bob.destroy();
	});
});

describe('updates that Yjs would apply otherwise than it stores them', () => {
	it('a forged item over the attacker\'s own last write cannot set the board version for everyone else', async () => {
		// The attacker writes meta.schemaVersion honestly (its current value), then sends an item
		// that starts at that write, runs one further and claims meta.pad. Yjs applied it here as
		// meta.pad but stored and relayed it as meta.schemaVersion = 999: nobody could open the
		// board again (server/rooms/update-scan.ts).
		const { room, alice, bob } = await roomWithTwo();
		const { raw, mirror } = await hostile(room.roomId);
		raw.send(encodeSyncMessage(SyncStep.Update, updateOf(mirror, () => metaMap(mirror).set('schemaVersion', SCHEMA_VERSION))));
		// Relayed only once stored.
		await waitUntil(() => Y.getState(alice.doc.store, mirror.clientID) > 0, 'alice has the honest write', { docs: [alice.doc] });

		const last = Y.getState(mirror.store, mirror.clientID) - 1;
		const forged = forgedUpdate([{ client: mirror.clientID, clock: last, structs: [{ parent: 'meta', key: 'pad', values: [SCHEMA_VERSION, 999] }] }]);
		raw.send(encodeSyncMessage(SyncStep.Update, forged));
		expect((await raw.closed).code).toBe(CloseCode.UpdateRefused);

		await stillWorks(alice, bob);
		const stored = await storedBoard(room.roomId);
		expect(metaMap(stored).get('schemaVersion')).toBe(SCHEMA_VERSION);
		expect(metaMap(stored).has('pad')).toBe(false);
		// A newcomer still opens the board.
		const carol = connectClient(server.wsUrl, room.roomId);
		await synced(carol);
		expect(metaMap(carol.doc).get('schemaVersion')).toBe(SCHEMA_VERSION);
		for (const c of [alice, bob, carol]) c.destroy();
	});
});

describe('parked updates', () => {
	it('are never kept: the server stays responsive, and the document cap holds after the gap is filled', async () => {
		const { room, alice, bob } = await roomWithTwo();
		const { raw, mirror } = await hostile(room.roomId);
		// The first update is withheld; twenty 1 MiB updates build on it.
		const withheld = updateOf(mirror, () => notesMap(mirror).set('gap', 1));
		const chunk = 'x'.repeat(1024 * 1024);
		const parked = Array.from({ length: 20 }, (_, i) => updateOf(mirror, () => notesMap(mirror).set(`big-${i}`, chunk)));

		let slowest = 0;
		let probing = true;
		const probes = (async () => {
			while (probing) {
				const started = performance.now();
				expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
				slowest = Math.max(slowest, performance.now() - started);
			}
		})();
		for (const update of parked) raw.send(encodeSyncMessage(SyncStep.Update, update));
		// The gap fill alone: it applies, and nothing parked comes with it.
		raw.send(encodeSyncMessage(SyncStep.Update, withheld));
		raw.send(emptyStep1()); // answered once everything before it was handled
		await waitUntil(() => raw.frames.some((f) => readSyncFrame(f)?.step === SyncStep.Step2), 'the server answered the probe');
		probing = false;
		await probes;

		const live = (await server.rooms.acquire((await server.store.getRoom(room.roomId))!)).docs.board.doc;
		server.rooms.release(room.roomId);
		expect(live.store.pendingStructs).toBeNull();
		expect(notesMap(live).get('gap')).toBe(1);
		expect(notesMap(live).has('big-0')).toBe(false);
		expect(Y.encodeStateAsUpdate(live).length).toBeLessThan(MAX_DOC_BYTES);
		// Each parked frame was only decoded and dropped: /healthz never waited long (it took 0.3–1.9 s before).
		expect(slowest).toBeLessThan(1_000);
		expect(server.logs.some((l) => l.msg === 'dropped a parked update part')).toBe(false);
		await stillWorks(alice, bob);
		raw.ws.close();
		alice.destroy();
		bob.destroy();
	});

	it('asks an honest client whose update was dropped for what is missing, so nothing typed is lost', async () => {
		const { alice, bob } = await roomWithTwo();
		// Alice's connection drops one update on the floor (as a refusal would); her next edits build on it.
		const ws = alice.provider.ws!;
		const send = ws.send.bind(ws);
		let dropped = 0;
		ws.send = (data: Parameters<typeof ws.send>[0]) => {
			if (dropped === 0) {
				dropped++;
				return;
			}
			send(data);
		};
		notesMap(alice.doc).set('lost-at-first', 1);
		notesMap(alice.doc).set('built-on-it', 2);
		await waitUntil(() => notesMap(bob.doc).get('lost-at-first') === 1 && notesMap(bob.doc).get('built-on-it') === 2, 'bob gets both', {
			docs: [bob.doc]
		});
		alice.destroy();
		bob.destroy();
	});
});

describe('roles on open sockets', () => {
	it("a revoked co-facilitator's open socket is closed at once and cannot write through a lock", async () => {
		const room = await createRoom(server.url);
		const bob = connectClient(server.wsUrl, room.roomId);
		await synced(bob);
		bob.provider.awareness.setLocalState({ user: { name: 'Bob', color: '#2563eb' } });
		const command = (body: object) =>
			fetch(`${server.url}${controlPath(room.roomId)}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${room.facilitatorKey}` },
				body: JSON.stringify(body)
			});
		const keys: string[] = [];
		bob.provider.ws!.addEventListener('message', (event: MessageEvent) => {
			const key = readFacilitatorKeyFrame(new Uint8Array(event.data as ArrayBuffer));
			if (key) keys.push(key);
		});
		await waitUntil(() => bob.provider.awareness.getStates().size > 0, 'bob is present');
		expect((await command({ type: 'promote', clientId: bob.provider.awareness.clientID, name: 'Bob' })).status).toBe(200);
		await waitUntil(() => keys.length === 1, 'bob receives his key');
		// A socket opened with the key, as Bob's browser does after a reload.
		const { raw, mirror } = await hostile(room.roomId, [SUBPROTOCOL, FACILITATOR_SUBPROTOCOL_PREFIX + keys[0]]);
		expect((await command({ type: 'lock', locked: true })).status).toBe(200);
		const control = await storedControl(room.roomId);
		expect((await command({ type: 'revoke', grantId: readGrants(control)[0].grantId })).status).toBe(200);
		// Written the moment after the revocation, through the lock.
		raw.send(encodeSyncMessage(SyncStep.Update, updateOf(mirror, () => notesMap(mirror).set('through-the-lock', true))));
		expect((await raw.closed).code).toBe(CloseCode.Unauthorized);
		expect(notesMap(await storedBoard(room.roomId)).has('through-the-lock')).toBe(false);
		bob.destroy();
	});

	it('presence roles come from the server: an observer cannot appear as the facilitator', async () => {
		const room = await createRoom(server.url);
		const alice = connectClient(server.wsUrl, room.roomId);
		await synced(alice);
		const observer = rawClient(`${server.wsUrl}/sync/${room.observerId}/board`);
		await observer.opened;
		observer.send(awarenessFrame([{ clientId: 424242, clock: 1, json: '{"user":{"name":"Mallory","color":"#000000","role":"facilitator"}}' }]));
		await waitUntil(() => alice.provider.awareness.getStates().has(424242), 'alice sees the observer');
		expect((alice.provider.awareness.getStates().get(424242) as { user: { role: string } }).user.role).toBe('observer');
		observer.ws.close();
		alice.destroy();
	});
});

async function storedControl(roomId: string): Promise<Y.Doc> {
	await server.persister.drain();
	const doc = new Y.Doc();
	for (const update of (await server.store.loadDoc({ roomId, docName: 'control' })).updates) Y.applyUpdate(doc, update);
	return doc;
}

/** The key in a FacilitatorKey frame (type 4), if this is one. */
function readFacilitatorKeyFrame(frame: Uint8Array): string | undefined {
	const decoder = decoding.createDecoder(frame);
	if (decoding.readVarUint(decoder) !== MessageType.FacilitatorKey) return undefined;
	return readFacilitatorKeyMessage(decoder);
}

describe('the stock y-websocket client', () => {
	it('is not closed after many short-lived peers, and its edits keep arriving', async () => {
		const room = await createRoom(server.url);
		const doc = new Y.Doc();
		// Stock provider: it echoes every awareness change it receives, other people's included.
		const stock = new WebsocketProvider(`${server.wsUrl}/sync`, `${room.roomId}/board`, doc, {
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true,
			protocols: [SUBPROTOCOL]
		});
		let closedWith: number | undefined;
		stock.on('connection-close', (event: CloseEvent | null) => {
			if (event && event.code >= 4000) closedWith = event.code;
		});
		await new Promise<void>((resolve) => stock.once('sync', () => resolve()));
		// A slow link: its echoes of other people's presence arrive after they have left.
		const ws = stock.ws!;
		const send = ws.send.bind(ws);
		ws.send = (data: Parameters<typeof ws.send>[0]) => {
			const bytes = data as Uint8Array;
			if (bytes[0] === MessageType.Awareness) setTimeout(() => ws.readyState === ws.OPEN && send(data), 100);
			else send(data);
		};
		stock.awareness.setLocalState({ user: { name: 'Stock', color: '#2563eb' } });
		for (let i = 0; i < 12; i++) {
			const peer = connectClient(server.wsUrl, room.roomId);
			await synced(peer);
			peer.provider.awareness.setLocalState({ user: { name: `Peer ${i}`, color: '#db2777' } });
			await waitUntil(() => stock.awareness.getStates().has(peer.doc.clientID), `stock sees peer ${i}`);
			peer.destroy(); // gone before the stock client's echo of its presence arrives
			await waitUntil(() => !stock.awareness.getStates().has(peer.doc.clientID), `stock sees peer ${i} leave`);
		}
		const watcher = connectClient(server.wsUrl, room.roomId);
		await synced(watcher);
		notesMap(doc).set('from-stock', true);
		await waitUntil(() => notesMap(watcher.doc).get('from-stock') === true, 'the stock client’s edit arrives', { docs: [watcher.doc] });
		expect(closedWith).toBeUndefined();
		expect(stock.wsconnected).toBe(true);
		// Nobody who left is shown again, owned by the echoing client.
		expect([...watcher.provider.awareness.getStates().keys()].filter((id) => id !== watcher.doc.clientID)).toEqual([doc.clientID]);
		stock.destroy();
		watcher.destroy();
	});
});
