/**
 * Protocol fuzzing: at least 10,000 random and mutated frames from raw sockets, each followed by
 * a probe (sync step 1) so that every frame is known to have been handled (answered, or the
 * socket closed) before the next. Besides random and mutated traffic, the frames include the
 * hostile participant's attacks (poison values, parked updates, deletions of future items, the
 * canvas kill switch, writes outside the board) and mutations of them. The server must stay up
 * and healthy, well-behaved clients in the same room must carry on and converge, and the stored
 * room must load again after a restart. Run on SQLite and on PostgreSQL. Deterministic for a seed
 * (FUZZ_SEED to replay one).
 */
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeAwarenessMessage, encodeSyncMessage } from '../../src/lib/shared/wire/messages.ts';
import { MessageType, SUBPROTOCOL, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { canonicalJson, connectClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';
import { testSchema, type TestSchema } from '../helpers/shared-services.ts';

const FRAMES = 10_000;
const WORKERS = 12;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
/** How long one frame may take to be handled before the server counts as hung. */
const FRAME_TIMEOUT_MS = 5_000;

/** mulberry32: small, fast, seedable. */
function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n: number) => Math.floor(next() * n);
	const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
	const pick = <T>(items: readonly T[]): T => items[int(items.length)];
	return { next, int, bytes, pick };
}
type Rng = ReturnType<typeof prng>;

/** Real traffic to mutate: sync messages carrying real updates, awareness, queries, auth. */
function seedFrames(): Uint8Array[] {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const notes = doc.getMap<unknown>('notes');
	const note = new Y.Map<unknown>();
	notes.set('n1', note);
	const text = new Y.Text();
	note.set('text', text);
	text.insert(0, 'threat: tampering with audit logs');
	text.delete(3, 4);
	note.set('stride', ['T', 'R']);
	doc.getArray('list').insert(0, [1, 'two', { three: 3 }, new Uint8Array([4])]);
	notes.delete('n1');
	doc.getXmlFragment('xml').insert(0, [new Y.XmlElement('p')]);
	return [
		...attackFrames(),
		...updates.map((u) => encodeSyncMessage(SyncStep.Update, u)),
		encodeSyncMessage(SyncStep.Step2, Y.encodeStateAsUpdate(doc)),
		encodeSyncMessage(SyncStep.Step1, Y.encodeStateVector(doc)),
		encodeAwarenessMessage([{ clientId: 12345, clock: 3, json: '{"user":{"name":"Fuzz","color":"#123456"},"cursor":{"x":1,"y":2}}' }]),
		encodeAwarenessMessage([{ clientId: 12346, clock: 1, json: 'null' }]),
		new Uint8Array([MessageType.QueryAwareness]),
		new Uint8Array([MessageType.Auth, 0, 3, 0x61, 0x62, 0x63])
	];
}

/** The hostile participant's attacks (tests/integration/hostile-peer.test.ts), as frames. */
function attackFrames(): Uint8Array[] {
	const updateOf = (doc: Y.Doc, change: () => void) => {
		const updates: Uint8Array[] = [];
		const record = (u: Uint8Array) => updates.push(u);
		doc.on('update', record);
		doc.transact(change);
		doc.off('update', record);
		return Y.mergeUpdates(updates);
	};
	const poison = new Y.Doc();
	let nested: unknown = 'x';
	for (let i = 0; i < 3_000; i++) nested = [nested];
	// Updates after one that is never sent: the server would park them.
	const parking = new Y.Doc();
	updateOf(parking, () => parking.getMap('notes').set('gap', 1));
	const futureDeletion = encoding.createEncoder();
	// No structs; a delete set of one client (424242), one range: 1,000 items from clock 7.
	for (const n of [0, 1, 424242, 1, 7, 1_000]) encoding.writeVarUint(futureDeletion, n);
	return [
		updateOf(poison, () => poison.getMap('canvas').set('shape:bomb', nested)),
		updateOf(poison, () => poison.getMap('canvasSchema').set('schema', { schemaVersion: 2, sequences: { 'com.tldraw.store': 999 } })),
		updateOf(poison, () => poison.getMap('meta').set('schemaVersion', 999)),
		updateOf(poison, () => poison.getMap('elsewhere').set('x', 1)),
		updateOf(parking, () => parking.getMap('notes').set('big', 'y'.repeat(64 * 1024))),
		updateOf(parking, () => parking.getMap('notes').set('more', 2)),
		encoding.toUint8Array(futureDeletion)
	].map((update) => encodeSyncMessage(SyncStep.Update, update));
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40];

function mutate(rng: Rng, input: Uint8Array): Uint8Array {
	const out = Array.from(input);
	for (let n = 1 + rng.int(4); n > 0; n--) {
		const at = rng.int(out.length + 1);
		switch (rng.int(7)) {
			case 0:
				if (out.length) out[at % out.length] ^= 1 << rng.int(8);
				break;
			case 1:
				if (out.length) out[at % out.length] = rng.pick(INTERESTING);
				break;
			case 2:
				out.splice(at, 0, ...rng.bytes(1 + rng.int(8)));
				break;
			case 3:
				out.splice(at, 1 + rng.int(8));
				break;
			case 4:
				out.length = Math.min(out.length, at);
				break;
			case 5:
				out.splice(at, 0, ...out.slice(rng.int(out.length + 1), rng.int(out.length + 1)));
				break;
			default:
				out.splice(at, 0, ...Array.from({ length: 1 + rng.int(10) }, () => 0xff)); // endless varUint
		}
	}
	return Uint8Array.from(out);
}

/** One frame: random bytes, a mutated real frame, or a valid envelope around a mutated payload. */
function fuzzFrame(rng: Rng, seeds: Uint8Array[], updates: Uint8Array[]): Uint8Array {
	switch (rng.int(6)) {
		case 0:
			return rng.bytes(rng.int(64));
		case 1:
			return rng.bytes(64 + rng.int(4096));
		case 2:
		case 3:
			return mutate(rng, rng.pick(seeds));
		case 4:
			// Framing intact, Yjs payload corrupted: reaches the update decoder.
			return encodeSyncMessage(rng.pick([SyncStep.Step2, SyncStep.Update]), mutate(rng, rng.pick(updates)));
		default: {
			const entries = Array.from({ length: rng.int(4) }, () => ({
				clientId: rng.pick([0, 1, rng.int(2 ** 31), 2 ** 53 - 1]),
				clock: rng.pick([0, 1, rng.int(1000), 2 ** 53 - 1]),
				json: rng.pick(['{}', 'null', '[]', '1', '"x"', '{"a":'.repeat(rng.int(50)), `{"user":{"name":"${'z'.repeat(rng.int(200))}"}}`])
			}));
			return encodeAwarenessMessage(entries);
		}
	}
}

let server: TestServer;
let roomId: string;
let alice: TestClient;
let bob: TestClient;

/** The store's settings: SQLite (a data directory) or PostgreSQL (a schema of its own). */
let storeEnv: Record<string, string> = {};
let pgSchema: TestSchema | undefined;

async function startFuzzedServer(dataDir?: string): Promise<TestServer> {
	return startTestServer({ LOG_LEVEL: 'error', MAX_MESSAGES_PER_SECOND: '100000', ...storeEnv }, dataDir);
}

/** A raw socket that reports step 2 replies (probe answers) and its close. */
function openFuzzSocket(docName: string) {
	const ws = new WebSocket(`${server.wsUrl}/sync/${roomId}/${docName}`, [SUBPROTOCOL]);
	ws.on('error', () => undefined);
	let replies = 0;
	let closed = false;
	const listeners = new Set<() => void>();
	const notify = () => listeners.forEach((l) => l());
	ws.on('message', (data: Buffer) => {
		if (data[0] === MessageType.Sync && data[1] === SyncStep.Step2) {
			replies++;
			notify();
		}
	});
	ws.on('close', () => {
		closed = true;
		notify();
	});
	const opened = new Promise<boolean>((resolve) => {
		ws.once('open', () => resolve(true));
		ws.once('close', () => resolve(false));
	});
	/** Resolves once a new probe answer arrived or the socket closed. */
	const handled = (repliesBefore: number) =>
		new Promise<void>((resolve, reject) => {
			const check = () => {
				if (closed || replies > repliesBefore) {
					listeners.delete(check);
					clearTimeout(timer);
					resolve();
				}
			};
			const timer = setTimeout(() => {
				listeners.delete(check);
				reject(new Error(`frame not handled within ${FRAME_TIMEOUT_MS} ms (seed ${SEED})`));
			}, FRAME_TIMEOUT_MS);
			listeners.add(check);
			check();
		});
	return { ws, opened, handled, replies: () => replies, closed: () => closed };
}

const PROBE = encodeSyncMessage(SyncStep.Step1, new Uint8Array([0]));

describe.each(['sqlite', 'postgres'] as const)('on %s', (store) => {
	beforeAll(async () => {
		pgSchema = store === 'postgres' ? testSchema('fuzz') : undefined;
		storeEnv = pgSchema?.env() ?? {};
		server = await startFuzzedServer();
		roomId = (await createRoom(server.url)).roomId;
		alice = connectClient(server.wsUrl, roomId);
		bob = connectClient(server.wsUrl, roomId);
		await Promise.all([synced(alice), synced(bob)]);
	});
	afterAll(async () => {
		alice.destroy();
		bob.destroy();
		await server.close();
		await pgSchema?.drop();
	});

	it(`survives ${FRAMES.toLocaleString('en')} random, mutated and hostile frames (seed ${SEED})`, { timeout: 180_000 }, fuzz);
});

async function fuzz(): Promise<void> {
	const seeds = seedFrames();
	const updates = seeds.slice(0, -6).map((f) => f.subarray(3)); // rough payloads; mutated anyway
	let handledFrames = 0;
	let reconnects = 0;
	let goodEdits = 0;
	const editing = setInterval(() => {
		alice.doc.getMap('notes').set(`alice-${goodEdits}`, goodEdits);
		bob.doc.getMap('notes').set(`bob-${goodEdits}`, goodEdits);
		goodEdits++;
	}, 20);

	const worker = async (w: number) => {
		const rng = prng(SEED * 31 + w);
		let socket = openFuzzSocket(rng.pick(['board', 'board', 'control']));
		while (handledFrames < FRAMES) {
			if (socket.closed() || !(await socket.opened)) {
				reconnects++;
				socket = openFuzzSocket(rng.pick(['board', 'board', 'control']));
				continue;
			}
			const before = socket.replies();
			socket.ws.send(fuzzFrame(rng, seeds, updates));
			if (!socket.closed()) socket.ws.send(PROBE);
			await socket.handled(before);
			handledFrames++;
		}
		socket.ws.terminate();
	};
	try {
		await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
	} finally {
		clearInterval(editing);
	}
	expect(handledFrames).toBeGreaterThanOrEqual(FRAMES);
	expect(reconnects).toBeGreaterThan(100); // plenty of frames were refused, each closing its socket

	// The server is healthy and the well-behaved clients never noticed.
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	expect(alice.provider.wsconnected && bob.provider.wsconnected).toBe(true);
	alice.doc.getMap('notes').set('after-fuzz', true);
	await waitUntil(
		() =>
			bob.doc.getMap('notes').get('after-fuzz') === true &&
			canonicalJson(alice.doc) === canonicalJson(bob.doc) &&
			bob.doc.getMap('notes').has(`alice-${goodEdits - 1}`),
		'alice and bob converge after the fuzzing',
		{ docs: [alice.doc, bob.doc], timeoutMs: 15_000 }
	);
	expect(server.logs.filter((l) => l.msg === 'message handling failed')).toEqual([]);

	// What was stored loads again.
	const expected = canonicalJson(alice.doc);
	const dataDir = server.dataDir;
	alice.destroy();
	bob.destroy();
	await server.close();
	server = await startFuzzedServer(dataDir);
	alice = connectClient(server.wsUrl, roomId);
	bob = connectClient(server.wsUrl, roomId);
	await Promise.all([synced(alice), synced(bob)]);
	expect(canonicalJson(alice.doc)).toBe(expected);
}
