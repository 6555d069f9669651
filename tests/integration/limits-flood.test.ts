/**
 * Abuse against a server process of its own (so its memory can be read from /proc): a flood of
 * connection attempts and a crowd of clients that stop reading. The caps hold, slow readers are
 * dropped (4508) instead of buffered, memory stays bounded, and well-behaved clients carry on.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, SUBPROTOCOL } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, synced, waitUntil, type TestClient } from '../helpers/clients.ts';
import { emptyStep1 } from '../helpers/frames.ts';
import { createRoom, spawnServer, tempDataDir, type ChildServer } from '../helpers/server.ts';

const MAX_CONNECTIONS = 150;
const FLOOD_ATTEMPTS = 1_000;
const SLOW_READERS = 20;
const BLOB_BYTES = 100 * 1024;
const BLOBS = 200; // 20 MB through the room: far more than the kernel buffers of a paused socket

let server: ChildServer;
let roomId: string;
let writer: TestClient;
let reader: TestClient;

beforeAll(async () => {
	server = await spawnServer(tempDataDir(), {
		MAX_CONNECTIONS: String(MAX_CONNECTIONS),
		MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS),
		MAX_BUFFERED_BYTES: String(256 * 1024),
		MAX_BYTES_PER_SECOND: String(1024 * 1024 * 1024)
	});
	roomId = (await createRoom(server.url)).roomId;
	writer = connectClient(server.wsUrl, roomId);
	reader = connectClient(server.wsUrl, roomId);
	await Promise.all([synced(writer), synced(reader)]);
});
afterAll(() => {
	writer.destroy();
	reader.destroy();
	server.child.kill('SIGKILL');
});

function rssMB(): number {
	const status = fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
	return Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024;
}

/** Samples the server's RSS every 50 ms until stopped; returns the peak. */
function watchRss(): () => number {
	let peak = rssMB();
	const timer = setInterval(() => (peak = Math.max(peak, rssMB())), 50);
	return () => {
		clearInterval(timer);
		return Math.max(peak, rssMB());
	};
}

async function metric(name: string, labels = ''): Promise<number> {
	const text = await (await fetch(`${server.url}/metrics`)).text();
	const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
	return line ? Number(line.split(' ')[1]) : 0;
}

async function roomStillWorks(key: string): Promise<void> {
	writer.doc.getMap('notes').set(key, true);
	await waitUntil(() => reader.doc.getMap('notes').get(key) === true, `reader gets ${key}`, { docs: [reader.doc], timeoutMs: 15_000 });
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

it(`holds its connection cap against ${FLOOD_ATTEMPTS} attempts, with bounded memory`, { timeout: 60_000 }, async () => {
	const before = rssMB();
	const stopWatch = watchRss();
	const outcomes = { opened: 0, refused503: 0, failed: 0 };
	const flood: WebSocket[] = [];
	let maxGauge = 0;
	for (let start = 0; start < FLOOD_ATTEMPTS; start += 100) {
		await Promise.all(
			Array.from({ length: 100 }, () => {
				const ws = new WebSocket(`${server.wsUrl}/sync/${roomId}`, [SUBPROTOCOL]);
				flood.push(ws);
				ws.on('error', () => undefined);
				return new Promise<void>((resolve) => {
					ws.once('open', () => {
						outcomes.opened++;
						ws.send(emptyStep1());
						resolve();
					});
					ws.once('unexpected-response', (_req, res) => {
						if (res.statusCode === 503) outcomes.refused503++;
						else outcomes.failed++;
						res.resume();
						resolve();
					});
					ws.once('close', () => resolve());
				});
			})
		);
		maxGauge = Math.max(maxGauge, await metric('threatboard_connections'));
	}
	const peak = stopWatch();
	expect(outcomes.opened).toBeLessThanOrEqual(MAX_CONNECTIONS - 2); // writer and reader hold two
	expect(outcomes.opened).toBeGreaterThan(MAX_CONNECTIONS / 2);
	expect(outcomes.refused503).toBeGreaterThanOrEqual(FLOOD_ATTEMPTS - MAX_CONNECTIONS - outcomes.failed);
	expect(maxGauge).toBeLessThanOrEqual(MAX_CONNECTIONS);
	expect(peak - before, `RSS grew from ${before.toFixed(0)} MB to ${peak.toFixed(0)} MB`).toBeLessThan(100);

	for (const ws of flood) ws.terminate();
	await roomStillWorks('after-flood');
});

// On loopback the kernel itself takes tens of MB for a paused socket, so memory alone would not
// tell capped from uncapped at this volume: the drops do, and the memory bound is a backstop.
it(`drops ${SLOW_READERS} clients that stop reading (4508) while ${BLOBS * (BLOB_BYTES / 1024)} KB go through`, { timeout: 60_000 }, async () => {
	const slow = await Promise.all(
		Array.from({ length: SLOW_READERS }, async () => {
			const ws = new WebSocket(`${server.wsUrl}/sync/${roomId}`, [SUBPROTOCOL]);
			ws.on('error', () => undefined);
			await new Promise<void>((resolve) => ws.once('open', () => resolve()));
			ws.send(emptyStep1());
			await new Promise<void>((resolve) => ws.once('message', () => resolve()));
			(ws as unknown as { _socket: { pause(): void } })._socket.pause(); // reads nothing more
			return ws;
		})
	);
	const droppedBefore = await metric('threatboard_connections_closed_total', `{code="${CloseCode.SlowConsumer}"}`);
	const before = rssMB();
	const stopWatch = watchRss();
	for (let i = 0; i < BLOBS; i++) {
		writer.doc.getMap('notes').set('blob', `${i}:`.padEnd(BLOB_BYTES, String.fromCharCode(97 + (i % 26))));
		if (i % 20 === 19) {
			await waitUntil(() => (reader.doc.getMap('notes').get('blob') as string).startsWith(`${i}:`), 'reader keeps up', {
				docs: [reader.doc],
				timeoutMs: 15_000
			});
		}
	}
	const dropped = (await metric('threatboard_connections_closed_total', `{code="${CloseCode.SlowConsumer}"}`)) - droppedBefore;
	const peak = stopWatch();
	expect(dropped).toBe(SLOW_READERS);
	// Unbounded, each slow reader would hold most of the 20 MB: hundreds of MB in all.
	expect(peak - before, `RSS grew from ${before.toFixed(0)} MB to ${peak.toFixed(0)} MB`).toBeLessThan(120);
	for (const ws of slow) ws.terminate();
	await roomStillWorks('after-slow-readers');
});
