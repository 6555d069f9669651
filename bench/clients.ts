/**
 * A lightweight y-websocket protocol client on `ws`, behaving like our browser client: it sends
 * sync step 1 on open, answers the server's step 1 with step 2, and sends only its own awareness.
 * It does not apply what it receives (that would make the load generator the bottleneck);
 * scenarios hook the raw frames instead.
 *
 * On a Hocuspocus URL (hocuspocus-wire.ts) it speaks Hocuspocus's framing: every frame sent
 * carries the document's name first and an Auth message opens the document; received frames are
 * unwrapped before the scenarios see them, so scenarios are the same for every server.
 */
import * as Y from 'yjs';
import { WebSocket, type RawData } from 'ws';
import { MessageType, SyncStep } from '#shared/wire/protocol';
import { documentPrefix, encodeAuth, hocuspocusDocumentOf, unwrapFrame } from './hocuspocus-wire.ts';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, FrameReader, encodeStep1, encodeStep2 } from './wire.ts';

export interface SyncClientOptions {
	url: string;
	/** WebSocket sub-protocols to offer (ours selects `threatboard.v1`). */
	protocols?: string[];
	/** Local document: its state vector goes in step 1, its diff answers the server's step 1. */
	doc?: Y.Doc;
	/** When set, step 1 waits for an explicit sendStep1() instead of going out on open. */
	deferStep1?: boolean;
	/** Sync Update frames (type 0, step 2): document changes made by others. */
	onUpdate?: (frame: Buffer, now: number) => void;
	/** Awareness frames; `reader` is positioned just after the message type. */
	onAwareness?: (reader: FrameReader, frame: Buffer, now: number) => void;
	/** The server's step 2 reply (full or diff state). */
	onStep2?: (payload: Uint8Array, now: number) => void;
}

const CONNECT_TIMEOUT_MS = 15_000;

export class SyncClient {
	readonly ws: WebSocket;
	readonly opened: Promise<void>;
	/** Resolves when the server's step 2 has arrived. */
	readonly synced: Promise<void>;
	step1SentAt = NaN;
	step2At = NaN;
	step2Bytes = 0;
	messages = 0;
	bytes = 0;
	closeCode: number | null = null;
	#closing = false;
	#resolveSynced!: () => void;
	/** Hocuspocus only: the document name that starts every frame. */
	readonly #hocuspocusPrefix: Buffer | null;

	constructor(private readonly options: SyncClientOptions) {
		const hocuspocusDocument = hocuspocusDocumentOf(options.url);
		this.#hocuspocusPrefix = hocuspocusDocument === null ? null : documentPrefix(hocuspocusDocument);
		this.ws = new WebSocket(options.url, options.protocols ?? [], {
			perMessageDeflate: false,
			handshakeTimeout: CONNECT_TIMEOUT_MS
		});
		this.ws.binaryType = 'nodebuffer';
		this.synced = new Promise((resolve) => (this.#resolveSynced = resolve));
		this.opened = new Promise((resolve, reject) => {
			this.ws.once('open', () => resolve());
			this.ws.once('error', reject);
			this.ws.once('close', (code) => reject(new Error(`closed before open (code ${code})`)));
		});
		this.ws.on('error', () => {}); // reported through close codes
		this.ws.on('close', (code) => {
			this.closeCode = code;
		});
		this.ws.on('open', () => {
			if (this.#hocuspocusPrefix) this.ws.send(encodeAuth(this.#hocuspocusPrefix));
			if (!options.deferStep1) this.sendStep1();
		});
		this.ws.on('message', (data: RawData) => this.#onMessage(data as Buffer));
	}

	/** True if the socket closed without us asking (refused, dropped, rate-limited...). */
	get droppedByServer(): boolean {
		return this.closeCode !== null && !this.#closing;
	}

	sendStep1(): void {
		const sv = this.options.doc ? Y.encodeStateVector(this.options.doc) : EMPTY_STATE_VECTOR;
		this.step1SentAt = performance.now();
		this.send(encodeStep1(sv));
	}

	send(frame: Uint8Array): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		this.ws.send(this.#hocuspocusPrefix ? Buffer.concat([this.#hocuspocusPrefix, frame]) : frame);
	}

	close(): void {
		this.#closing = true;
		this.ws.terminate();
	}

	#onMessage(received: Buffer): void {
		const now = performance.now();
		this.messages++;
		this.bytes += received.length;
		const frame = this.#hocuspocusPrefix ? unwrapFrame(received, this.#hocuspocusPrefix) : received;
		if (!frame) return;
		const type = frame[0];
		if (type === MessageType.Sync) {
			const step = frame[1];
			if (step === SyncStep.Update) this.options.onUpdate?.(frame, now);
			else if (step === SyncStep.Step1) this.#answerStep1(frame);
			else if (step === SyncStep.Step2) {
				if (Number.isNaN(this.step2At)) {
					this.step2At = now;
					this.step2Bytes = frame.length;
				}
				if (this.options.onStep2) this.options.onStep2(payloadOf(frame), now);
				this.#resolveSynced();
			}
		} else if (type === MessageType.Awareness && this.options.onAwareness) {
			const reader = new FrameReader(frame);
			reader.pos = 1;
			this.options.onAwareness(reader, frame, now);
		}
	}

	#answerStep1(frame: Buffer): void {
		const doc = this.options.doc;
		this.send(encodeStep2(doc ? Y.encodeStateAsUpdate(doc, payloadOf(frame)) : EMPTY_UPDATE));
	}
}

/** The varUint8Array payload of a sync frame (type and step are one byte each). */
function payloadOf(frame: Buffer): Uint8Array {
	const reader = new FrameReader(frame);
	reader.pos = 2;
	const length = reader.varUint();
	return frame.subarray(reader.pos, reader.pos + length);
}

/**
 * Opens clients `concurrency` at a time and waits until each has synced, so that a burst of
 * connects does not overflow the server's listen backlog.
 */
export async function connectAll<T extends SyncClient>(
	count: number,
	create: (index: number) => T,
	concurrency = 50
): Promise<T[]> {
	const clients: T[] = [];
	for (let start = 0; start < count; start += concurrency) {
		const batch: T[] = [];
		for (let i = start; i < Math.min(count, start + concurrency); i++) batch.push(create(i));
		clients.push(...batch);
		try {
			await withTimeout(
				Promise.all(batch.map(async (c) => (await c.opened, await c.synced))),
				CONNECT_TIMEOUT_MS,
				'clients did not sync'
			);
		} catch (err) {
			closeAll(clients);
			throw err;
		}
	}
	return clients;
}

export function closeAll(clients: readonly SyncClient[]): void {
	for (const client of clients) client.close();
}

/** Close codes of sockets the server closed on us, counted by code. */
export function dropsByCode(clients: readonly SyncClient[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const c of clients) if (c.droppedByServer) out[String(c.closeCode)] = (out[String(c.closeCode)] ?? 0) + 1;
	return out;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
		})
	]);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
