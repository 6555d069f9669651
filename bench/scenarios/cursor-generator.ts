/**
 * One load-generator process of the cursors scenario (cursors.ts forks several): it holds a
 * share of the clients, sends their cursors on the shared schedule and measures, in its own
 * process, what its probe clients receive. Times cross processes as epoch milliseconds
 * (`performance.timeOrigin + performance.now()`: the same system clock in every process).
 *
 * Messages from the parent, in order: connect, run, settle, close; each is answered once.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SyncClient, closeAll, connectAll, dropsByCode } from '../clients.ts';
import { schedulePeriodic, waitUntil } from '../harness.ts';
import { Samples, round } from '../stats.ts';
import { encodeOwnAwareness, forEachAwarenessEntry, type AwarenessEntryRef, type FrameReader } from '../wire.ts';

export type ToGenerator =
	| { type: 'connect'; url: string; protocols: string[]; ids: number[]; probeIds: number[]; maxId: number }
	| { type: 'run'; startAtEpoch: number; measureFromEpoch: number; endAtEpoch: number; hz: number }
	| { type: 'settle'; finalClock: Int32Array; settleMs: number }
	| { type: 'close' };

export interface LoadDone {
	type: 'load-done';
	/** Clock of each of this process's senders at the end (index: awareness id). */
	finalClock: Int32Array;
	sentMeasured: number;
	receivedMessages: number;
	receivedBytes: number;
	/** This process's own event-loop delay over the load (sampling period subtracted). */
	eventLoopDelayMs: { p99: number; max: number };
}

export type FromGenerator =
	| { type: 'connected' }
	| { type: 'failed'; message: string }
	| LoadDone
	| {
			type: 'settled';
			stalePairs: number;
			staleReceivers: number;
			settleWaitMs: number;
			droppedConnections: Record<string, number>;
			/** Probe receivers, per decoded peer state sent in the measured window (late ones included): send to receipt, in ms. */
			latencies: Float64Array;
			probeEntries: number;
	  };

const epochNow = () => performance.timeOrigin + performance.now();
const toLocal = (epoch: number) => epoch - performance.timeOrigin;
/** Event-loop delay sampling period; the histogram's values include it. */
const DELAY_RESOLUTION_MS = 2;

interface CursorState {
	t?: unknown;
}

class CursorClient extends SyncClient {
	/** Latest clock received per peer id. */
	readonly latest: Int32Array;
	clock = 0;
	#nowEpoch = 0;
	#frame: Buffer | null = null;

	constructor(
		url: string,
		protocols: string[],
		readonly awarenessId: number,
		readonly probe: boolean,
		maxId: number,
		private readonly measured: { from: number; latencies: Samples; probeEntries: number }
	) {
		super({ url, protocols, onAwareness: (reader, frame, now) => this.#onAwareness(reader, frame, now) });
		this.latest = new Int32Array(maxId + 1);
	}

	sendCursor(): void {
		this.clock++;
		const x = (this.awarenessId * 37 + this.clock * 11) % 1600;
		const y = (this.awarenessId * 53 + this.clock * 7) % 900;
		const t = epochNow();
		this.send(encodeOwnAwareness(this.awarenessId, this.clock, `{"cursor":{"x":${x},"y":${y}},"t":${t.toFixed(3)},"s":${this.clock}}`));
	}

	#onAwareness(reader: FrameReader, frame: Buffer, now: number): void {
		this.#nowEpoch = performance.timeOrigin + now;
		this.#frame = frame;
		try {
			forEachAwarenessEntry(reader, this.#visit);
		} catch {
			// a truncated frame would be a server bug; staleness will show it
		}
	}

	#visit = (entry: AwarenessEntryRef): void => {
		const id = entry.clientId;
		if (id === this.awarenessId || id >= this.latest.length) return;
		if (entry.clock > this.latest[id]) this.latest[id] = entry.clock;
		if (!this.probe || entry.end - entry.start < 8) return; // 'null': the peer left
		const state = JSON.parse(this.#frame!.toString('utf8', entry.start, entry.end)) as CursorState | null;
		if (state && typeof state.t === 'number' && state.t >= this.measured.from) {
			this.measured.latencies.push(this.#nowEpoch - state.t);
			this.measured.probeEntries++;
		}
	};
}

let clients: CursorClient[] = [];
const measured = { from: Infinity, latencies: new Samples(1 << 16), probeEntries: 0 };

function send(message: FromGenerator): void {
	process.send!(message);
}

async function connect(message: Extract<ToGenerator, { type: 'connect' }>): Promise<void> {
	const probes = new Set(message.probeIds);
	clients = await connectAll(message.ids.length, (i) => {
		const id = message.ids[i];
		return new CursorClient(message.url, message.protocols, id, probes.has(id), message.maxId, measured);
	});
	send({ type: 'connected' });
}

async function run(message: Extract<ToGenerator, { type: 'run' }>): Promise<void> {
	measured.from = message.measureFromEpoch;
	const startAt = toLocal(message.startAtEpoch);
	const measureFrom = toLocal(message.measureFromEpoch);
	const endAt = toLocal(message.endAtEpoch);
	const periodMs = 1000 / message.hz;
	const receivedBefore = clients.reduce((n, c) => n + c.messages, 0);
	const bytesBefore = clients.reduce((n, c) => n + c.bytes, 0);
	const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
	delay.enable();
	let sentMeasured = 0;
	await Promise.all(
		clients.map((client) =>
			schedulePeriodic(startAt, Math.random() * periodMs, periodMs, endAt, (at) => {
				if (client.droppedByServer) return;
				client.sendCursor();
				if (at >= measureFrom) sentMeasured++;
			})
		)
	);
	delay.disable();
	const finalClock = new Int32Array(clients[0]?.latest.length ?? 0);
	for (const client of clients) finalClock[client.awarenessId] = client.clock;
	const ms = (ns: number) => round(Math.max(0, ns / 1e6 - DELAY_RESOLUTION_MS));
	send({
		type: 'load-done',
		finalClock,
		sentMeasured,
		receivedMessages: clients.reduce((n, c) => n + c.messages, 0) - receivedBefore,
		receivedBytes: clients.reduce((n, c) => n + c.bytes, 0) - bytesBefore,
		eventLoopDelayMs: { p99: ms(delay.percentile(99)), max: ms(delay.max) }
	});
}

/** (receiver, peer) pairs where the receiver lacks the peer's last state; peers are all clients of the run. */
function countStale(finalClock: Int32Array): { stalePairs: number; staleReceivers: number } {
	let stalePairs = 0;
	let staleReceivers = 0;
	for (const receiver of clients) {
		if (receiver.droppedByServer) continue;
		let stale = 0;
		for (let id = 1; id < finalClock.length; id++) {
			if (id !== receiver.awarenessId && receiver.latest[id] < finalClock[id]) stale++;
		}
		stalePairs += stale;
		if (stale > 0) staleReceivers++;
	}
	return { stalePairs, staleReceivers };
}

async function settle(message: Extract<ToGenerator, { type: 'settle' }>): Promise<void> {
	const settleWaitMs = await waitUntil(() => countStale(message.finalClock).stalePairs === 0, message.settleMs, 200);
	send({
		type: 'settled',
		...countStale(message.finalClock),
		settleWaitMs: round(settleWaitMs),
		droppedConnections: dropsByCode(clients),
		latencies: measured.latencies.sorted(),
		probeEntries: measured.probeEntries
	});
}

process.on('message', (message: ToGenerator) => {
	const handle = (work: Promise<void>) =>
		work.catch((err: unknown) => send({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
	if (message.type === 'connect') handle(connect(message));
	else if (message.type === 'run') handle(run(message));
	else if (message.type === 'settle') handle(settle(message));
	else {
		closeAll(clients);
		process.exit(0);
	}
});
process.on('disconnect', () => process.exit(0));
