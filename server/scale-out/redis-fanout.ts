/**
 * Redis pub/sub fan-out (REDIS_URL): one channel per loaded room, two connections (subscriber
 * and publisher). Messages are binary envelopes:
 *
 *   version (1 byte) | sender instance id (16 bytes) | kind (1 byte) | doc index (1 byte) | payload
 *
 * An update's payload starts with the store sequence numbers of the log entries it is made of
 * (a varUint count, then varUints), so that compaction can tell what a peer already holds.
 *
 * Pub/sub is fire-and-forget, so nothing depends on delivery: every update is in the shared
 * store before it is published, and whenever a connection comes back each instance reloads its
 * rooms from the store (subscriber) and asks its peers to do the same (publisher). While Redis
 * is down, publishing fails fast (no offline queue that would grow without bound) and each
 * instance goes on serving and persisting for its own clients.
 *
 * Channel names carry a hash of the room id, never the id itself (a room id is a capability,
 * and channel names show up in Redis tooling).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Counter, Gauge, type Registry } from 'prom-client';
import { DOC_NAMES, type DocName } from '#shared/wire/protocol';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Fanout, RoomChannel, RoomChannelHandlers } from './fanout.ts';

const ENVELOPE_VERSION = 1;
const INSTANCE_ID_BYTES = 16;
const HEADER_BYTES = 1 + INSTANCE_ID_BYTES + 1 + 1;
const Kind = { Update: 1, Awareness: 2, Resync: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** How long a room load waits for its subscription before going on without it. */
const SUBSCRIBE_TIMEOUT_MS = 2_000;
/** Reconnect delay: grows 100 ms per attempt up to 2 s, forever. */
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 2_000);

export interface RedisFanoutOptions {
	url: string;
	channelPrefix: string;
	log: Logger;
	registry: Registry;
}

interface Joined {
	roomId: string;
	handlers: RoomChannelHandlers;
}

export function createRedisFanout(options: RedisFanoutOptions): Fanout {
	const { log } = options;
	const instanceId = randomBytes(INSTANCE_ID_BYTES);
	const registers = [options.registry];
	const metrics = {
		connected: new Gauge({
			name: 'threatboard_fanout_connected',
			help: '1 while both Redis connections (publish, subscribe) are ready',
			registers
		}),
		published: new Counter({ name: 'threatboard_fanout_published_total', help: 'Messages published to peers', registers }),
		publishFailures: new Counter({
			name: 'threatboard_fanout_publish_failures_total',
			help: 'Messages that could not be published (Redis down); peers recover them from the store',
			registers
		}),
		received: new Counter({ name: 'threatboard_fanout_received_total', help: 'Messages received from peers', registers }),
		resyncs: new Counter({ name: 'threatboard_fanout_resyncs_total', help: 'Room reloads after a reconnect or a peer request', registers })
	};

	const connectionOptions = {
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		retryStrategy,
		connectionName: 'threatboard',
		// Subscriptions are restored by hand, so that a resync follows them.
		autoResubscribe: false
	};
	const pub = new Redis(options.url, connectionOptions);
	const sub = new Redis(options.url, connectionOptions);
	const joined = new Map<string, Joined>();
	let closed = false;

	const channelOf = (roomId: string) =>
		`${options.channelPrefix}:room:${createHash('sha256').update(roomId).digest('hex').slice(0, 32)}`;

	const bothReady = () => pub.status === 'ready' && sub.status === 'ready';
	const updateGauge = () => metrics.connected.set(bothReady() ? 1 : 0);

	function watch(client: Redis, role: 'publish' | 'subscribe', onReconnect: () => void): void {
		let wasLost = false;
		let everReady = false;
		client.on('ready', () => {
			updateGauge();
			if (wasLost) log.info('fan-out reconnected to Redis', { connection: role });
			wasLost = false;
			if (everReady) onReconnect();
			everReady = true;
		});
		client.on('close', () => {
			updateGauge();
			if (closed || wasLost) return;
			wasLost = true;
			log.warn('fan-out lost its Redis connection; serving local clients only until it is back', { connection: role });
		});
		// Every failed reconnect attempt emits one; the state changes above are what matter.
		client.on('error', (err: unknown) => log.debug('redis error', { connection: role, error: errorMessage(err) }));
	}

	watch(sub, 'subscribe', () => void resubscribeAndResync());
	watch(pub, 'publish', () => {
		// Peers missed whatever we failed to publish while this connection was down.
		for (const [channel] of joined) publish(channel, Kind.Resync, 0, new Uint8Array(0));
	});
	// The first 'ready' of the subscriber also restores rooms joined before Redis was reachable.
	sub.once('ready', () => {
		if (joined.size > 0) void resubscribeAndResync();
	});

	async function resubscribeAndResync(): Promise<void> {
		const channels = [...joined.keys()];
		if (channels.length === 0) return;
		try {
			await sub.subscribe(...channels);
		} catch (err) {
			log.warn('fan-out could not resubscribe; will retry on the next reconnect', { error: errorMessage(err) });
			return;
		}
		// Subscribed first, then reloaded: anything committed after the reload arrives as a message.
		for (const room of joined.values()) {
			metrics.resyncs.inc();
			room.handlers.resync(true);
		}
	}

	sub.on('messageBuffer', (channelBuffer: Buffer, message: Buffer) => {
		const room = joined.get(channelBuffer.toString());
		if (!room || message.length < HEADER_BYTES || message[0] !== ENVELOPE_VERSION) return;
		if (message.subarray(1, 1 + INSTANCE_ID_BYTES).equals(instanceId)) return; // our own
		const kind = message[1 + INSTANCE_ID_BYTES] as Kind;
		const docName = DOC_NAMES[message[2 + INSTANCE_ID_BYTES]] as DocName | undefined;
		const payload = message.subarray(HEADER_BYTES);
		metrics.received.inc();
		if (kind === Kind.Resync) {
			metrics.resyncs.inc();
			room.handlers.resync(false);
		} else if (docName && kind === Kind.Update) {
			const decoder = decoding.createDecoder(payload);
			let seqs: number[];
			try {
				seqs = Array.from({ length: decoding.readVarUint(decoder) }, () => decoding.readVarUint(decoder));
			} catch {
				return; // not from a Threatboard instance of this version
			}
			room.handlers.update(docName, payload.subarray(decoder.pos), seqs);
		}
		else if (docName && kind === Kind.Awareness) room.handlers.awareness(docName, payload);
	});

	function publish(channel: string, kind: Kind, docIndex: number, payload: Uint8Array): void {
		if (pub.status !== 'ready') {
			metrics.publishFailures.inc();
			return;
		}
		const header = Buffer.allocUnsafe(HEADER_BYTES);
		header[0] = ENVELOPE_VERSION;
		instanceId.copy(header, 1);
		header[1 + INSTANCE_ID_BYTES] = kind;
		header[2 + INSTANCE_ID_BYTES] = docIndex;
		metrics.published.inc();
		pub.publish(channel, Buffer.concat([header, payload])).catch(() => metrics.publishFailures.inc());
	}

	return {
		enabled: true,
		status: () => (bothReady() ? 'ok' : 'down'),
		async join(roomId, handlers) {
			const channel = channelOf(roomId);
			joined.set(channel, { roomId, handlers });
			if (sub.status === 'ready') {
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([
					sub.subscribe(channel).catch((err: unknown) => log.warn('fan-out subscribe failed', { error: errorMessage(err) })),
					new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_TIMEOUT_MS)))
				]);
				clearTimeout(timer);
			}
			const docIndex = (docName: DocName) => DOC_NAMES.indexOf(docName);
			return {
				publishUpdate: (docName, update, seqs) => {
					const encoder = encoding.createEncoder();
					encoding.writeVarUint(encoder, seqs.length);
					for (const seq of seqs) encoding.writeVarUint(encoder, seq);
					encoding.writeUint8Array(encoder, update);
					publish(channel, Kind.Update, docIndex(docName), encoding.toUint8Array(encoder));
				},
				publishAwareness: (docName, frame) => publish(channel, Kind.Awareness, docIndex(docName), frame),
				requestResync: () => publish(channel, Kind.Resync, 0, new Uint8Array(0)),
				leave() {
					if (joined.get(channel)?.handlers !== handlers) return;
					joined.delete(channel);
					if (sub.status === 'ready') sub.unsubscribe(channel).catch(() => undefined);
				}
			} satisfies RoomChannel;
		},
		async close() {
			closed = true;
			joined.clear();
			await Promise.all(
				[pub, sub].map((client) =>
					client.status === 'ready' ? client.quit().then(() => undefined, () => client.disconnect()) : client.disconnect()
				)
			);
		}
	};
}
