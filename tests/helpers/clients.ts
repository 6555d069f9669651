/** Real y-websocket providers (Node, `ws`) and raw sockets for adversarial frames. */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { MessageType, PARTICIPANT_SUBPROTOCOL_PREFIX, READ_ONLY_REASON, SUBPROTOCOL } from '../../src/lib/shared/wire/protocol.ts';

// Each Node WebsocketProvider adds a process 'exit' listener; tests open dozens at once.
process.setMaxListeners(200);

export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

export interface Participant {
	participantId: string;
	secret: string;
}

/** Registers a participant in a room through the API (as a browser does when someone joins). */
export async function registerParticipant(baseUrl: string, roomId: string, name: string): Promise<Participant> {
	const res = await fetch(`${baseUrl}/api/rooms/${roomId}/participants`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ name })
	});
	if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
	return (await res.json()) as Participant;
}

/** The sub-protocols that present a participant's identity in the handshake. */
export function participantProtocols(participant: Participant): string[] {
	return [SUBPROTOCOL, `${PARTICIPANT_SUBPROTOCOL_PREFIX}${participant.participantId}.${participant.secret}`];
}

export function connectClient(
	wsUrl: string,
	id: string,
	options: { docName?: string; doc?: Y.Doc; protocols?: string[]; participant?: Participant } = {}
): TestClient {
	const doc = options.doc ?? new Y.Doc();
	const protocols = options.protocols ?? (options.participant ? participantProtocols(options.participant) : [SUBPROTOCOL]);
	const provider = new WebsocketProvider(`${wsUrl}/sync`, `${id}/${options.docName ?? 'board'}`, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		protocols
	});
	return {
		doc,
		provider,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/**
 * Resolves once check() holds, re-checking on every change of the given docs and on a short
 * poll (for state outside the docs). Rejects with the description after timeoutMs.
 */
export function waitUntil(
	check: () => boolean,
	description: string,
	options: { docs?: Y.Doc[]; timeoutMs?: number } = {}
): Promise<void> {
	const { docs = [], timeoutMs = 10_000 } = options;
	return new Promise((resolve, reject) => {
		const cleanup = () => {
			clearInterval(poll);
			clearTimeout(timer);
			for (const doc of docs) doc.off('update', test);
		};
		const test = () => {
			let ok = false;
			try {
				ok = check();
			} catch {
				ok = false;
			}
			if (ok) {
				cleanup();
				resolve();
			}
		};
		const poll = setInterval(test, 10);
		const timer = setTimeout(() => {
			cleanup();
			let detail = '';
			try {
				check();
			} catch (err) {
				detail = ` (last check threw: ${String(err)})`;
			}
			reject(new Error(`timed out waiting for: ${description}${detail}`));
		}, timeoutMs);
		for (const doc of docs) doc.on('update', test);
		test();
	});
}

export function synced(client: TestClient): Promise<void> {
	if (client.provider.synced) return Promise.resolve();
	return new Promise((resolve) => client.provider.once('sync', () => resolve()));
}

/** A raw socket that records every frame, for hand-encoded (hostile) messages. */
/** Resolves when the server tells this client its writes are refused (auth permission-denied). */
export function toldReadOnly(client: TestClient): Promise<void> {
	return new Promise((resolve) => {
		client.provider.ws!.addEventListener('message', (event: MessageEvent) => {
			const data = new Uint8Array(event.data as ArrayBuffer);
			if (data[0] === MessageType.Auth && new TextDecoder().decode(data).includes(READ_ONLY_REASON)) resolve();
		});
	});
}

export interface RawClient {
	ws: WebSocket;
	frames: Uint8Array[];
	opened: Promise<void>;
	closed: Promise<{ code: number; reason: string }>;
	send(frame: Uint8Array): void;
}

export function rawClient(url: string, protocols: string[] = [SUBPROTOCOL]): RawClient {
	const ws = new WebSocket(url, protocols);
	const frames: Uint8Array[] = [];
	ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
	ws.on('error', () => {});
	const opened = new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('close', () => reject(new Error('closed before open')));
	});
	opened.catch(() => {});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	return { ws, frames, opened, closed, send: (frame) => ws.send(frame) };
}

/** The (map) roots tests write to. */
const TEST_ROOTS = ['meta', 'notes'] as const;

/** Key of the text tests type into together: a Y.Text in the board's `notes` root, where clients may write. */
const SHARED_TEXT_KEY = 'shared-text';

/** The text everyone types into (see seedSharedText). */
export function sharedText(doc: Y.Doc): Y.Text {
	const text = doc.getMap('notes').get(SHARED_TEXT_KEY);
	if (!(text instanceof Y.Text)) throw new Error('no shared text: call seedSharedText first');
	return text;
}

/** Creates the shared text on the first client and waits until every client has it. */
export async function seedSharedText(clients: TestClient[]): Promise<void> {
	clients[0].doc.getMap('notes').set(SHARED_TEXT_KEY, new Y.Text());
	const docs = clients.map((c) => c.doc);
	await waitUntil(() => docs.every((d) => d.getMap('notes').get(SHARED_TEXT_KEY) instanceof Y.Text), 'everyone has the shared text', { docs });
}

/** JSON of a doc's test roots with keys sorted: Y.Map iteration order follows arrival order. */
export function canonicalJson(doc: Y.Doc): string {
	const sortKeys = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(sortKeys);
		if (value && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value as Record<string, unknown>)
					.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
					.map(([k, v]) => [k, sortKeys(v)])
			);
		}
		return value;
	};
	const roots = Object.fromEntries(TEST_ROOTS.map((name) => [name, doc.getMap(name).toJSON()]));
	return JSON.stringify(sortKeys(roots));
}

/**
 * Sends an upgrade for a literal path (WebSocket clients normalise `..` away) and resolves with
 * the close code of the first frame the server sends, or 'refused' if it never upgrades.
 */
export function upgradeLiteralPath(baseUrl: string, rawPath: string): Promise<number | 'refused'> {
	const { hostname, port } = new URL(baseUrl);
	return new Promise((resolve) => {
		const req = http.request({
			host: hostname,
			port,
			path: rawPath,
			headers: {
				Connection: 'Upgrade',
				Upgrade: 'websocket',
				'Sec-WebSocket-Version': '13',
				'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
				'Sec-WebSocket-Protocol': SUBPROTOCOL
			}
		});
		req.on('upgrade', (_res, socket, head: Buffer) => {
			// A server close frame: FIN + opcode 8, unmasked length, then the 2-byte code.
			const read = (frame: Buffer) => {
				resolve((frame[0] & 0x0f) === 8 ? frame.readUInt16BE(2) : -1);
				socket.destroy();
			};
			if (head.length > 0) read(head);
			else socket.once('data', read);
		});
		req.on('response', () => resolve('refused'));
		req.on('error', () => resolve('refused'));
		req.end();
	});
}
