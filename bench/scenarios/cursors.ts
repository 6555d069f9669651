/**
 * Cursors: every client sends its own awareness state at a fixed rate. Probe clients decode every
 * entry they receive and measure latency from the `t` stamped in the state; all clients track
 * the latest clock seen per peer (varUints only, JSON skipped), so that after the load stops we
 * can check that every client ends with every other client's latest state.
 */
import { SyncClient, closeAll, connectAll, dropsByCode } from '../clients.ts';
import { schedulePeriodic, startLoadWindow, waitUntil, type RunContext, type Timing } from '../harness.ts';
import { readRssKB } from '../process-stats.ts';
import { Samples, round, summarize } from '../stats.ts';
import { encodeOwnAwareness, forEachAwarenessEntry, type AwarenessEntryRef, type FrameReader } from '../wire.ts';

export interface CursorOptions extends Timing {
	clients: number;
	hz: number;
	probes: number;
}

interface CursorState {
	t?: unknown;
}

/** Shared by all clients of one run. */
interface CursorRun {
	/** Sender's clock per awareness client id (ids are 1..clients). */
	finalClock: Int32Array;
	latencies: Samples;
	measureFrom: number;
	probeEntries: number;
}

class CursorClient extends SyncClient {
	/** Latest clock received per peer id. */
	readonly latest: Int32Array;
	clock = 0;
	#now = 0;
	#frame: Buffer | null = null;

	constructor(
		url: string,
		protocols: string[],
		readonly awarenessId: number,
		readonly probe: boolean,
		private readonly run: CursorRun
	) {
		super({ url, protocols, onAwareness: (reader, frame, now) => this.#onAwareness(reader, frame, now) });
		this.latest = new Int32Array(run.finalClock.length);
	}

	sendCursor(): void {
		this.clock++;
		const x = (this.awarenessId * 37 + this.clock * 11) % 1600;
		const y = (this.awarenessId * 53 + this.clock * 7) % 900;
		const t = performance.now();
		this.send(encodeOwnAwareness(this.awarenessId, this.clock, `{"cursor":{"x":${x},"y":${y}},"t":${t.toFixed(3)},"s":${this.clock}}`));
		this.run.finalClock[this.awarenessId] = this.clock;
	}

	#onAwareness(reader: FrameReader, frame: Buffer, now: number): void {
		this.#now = now;
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
		if (state && typeof state.t === 'number' && state.t >= this.run.measureFrom) {
			this.run.latencies.push(this.#now - state.t);
			this.run.probeEntries++;
		}
	};
}

function countStale(clients: readonly CursorClient[], finalClock: Int32Array): { stalePairs: number; staleReceivers: number } {
	let stalePairs = 0;
	let staleReceivers = 0;
	for (const receiver of clients) {
		if (receiver.droppedByServer) continue;
		let stale = 0;
		for (const peer of clients) {
			if (peer !== receiver && receiver.latest[peer.awarenessId] < finalClock[peer.awarenessId]) stale++;
		}
		stalePairs += stale;
		if (stale > 0) staleReceivers++;
	}
	return { stalePairs, staleReceivers };
}

export async function runCursors(ctx: RunContext, opts: CursorOptions) {
	const { server } = ctx;
	const run: CursorRun = {
		finalClock: new Int32Array(opts.clients + 1),
		latencies: new Samples(1 << 16),
		measureFrom: Infinity,
		probeEntries: 0
	};
	const roomId = await server.createRoom();
	ctx.progress(`connecting ${opts.clients} clients`);
	// Probes are spread over the join order, so that none is systematically first or last.
	const probeEvery = Math.max(1, Math.floor(opts.clients / opts.probes));
	const clients = await connectAll(opts.clients, (i) =>
		new CursorClient(server.syncUrl(roomId), server.protocols, i + 1, i % probeEvery === 0 && i / probeEvery < opts.probes, run)
	);

	ctx.progress(`cursors at ${opts.hz} Hz for ${(opts.warmupMs + opts.durationMs) / 1000} s`);
	const receivedBefore = clients.reduce((n, c) => n + c.messages, 0);
	const bytesBefore = clients.reduce((n, c) => n + c.bytes, 0);
	const stopWindow = startLoadWindow(server);
	const periodMs = 1000 / opts.hz;
	const startAt = performance.now() + 20;
	run.measureFrom = startAt + opts.warmupMs;
	const endAt = run.measureFrom + opts.durationMs;
	let sentMeasured = 0;
	const rssAtStart = readRssKB(server.pid);
	const rssEverySecond: number[] = [];
	const rssSampler = setInterval(() => rssEverySecond.push(readRssKB(server.pid)), 1000);
	await Promise.all(
		clients.map((client) =>
			schedulePeriodic(startAt, Math.random() * periodMs, periodMs, endAt, (at) => {
				if (client.droppedByServer) return;
				client.sendCursor();
				if (at >= run.measureFrom) sentMeasured++;
			})
		)
	);
	clearInterval(rssSampler);
	rssEverySecond.push(readRssKB(server.pid));
	const loadStoppedAt = performance.now();
	const receivedDuringLoad = clients.reduce((n, c) => n + c.messages, 0) - receivedBefore;
	const bytesDuringLoad = clients.reduce((n, c) => n + c.bytes, 0) - bytesBefore;
	ctx.progress('settling');
	const settleWaitMs = await waitUntil(() => countStale(clients, run.finalClock).stalePairs === 0, opts.settleMs, 200);
	const load = stopWindow();
	const stale = countStale(clients, run.finalClock);
	const drops = dropsByCode(clients);
	const probes = clients.filter((c) => c.probe).length;
	closeAll(clients);

	const loadSeconds = (loadStoppedAt - startAt) / 1000;
	return {
		clients: opts.clients,
		hz: opts.hz,
		probes,
		measuredSeconds: opts.durationMs / 1000,
		/** Probe receivers, per received entry: from the sender's send to receipt. */
		latencyMs: summarize(run.latencies),
		cursorUpdatesSent: sentMeasured,
		/** Peer states the probes decoded; with coalescing, intermediate states are skipped by design. */
		probeEntriesReceived: run.probeEntries,
		probeEntriesSentByPeers: Math.round((probes * sentMeasured * (opts.clients - 1)) / opts.clients),
		received: {
			messages: receivedDuringLoad,
			bytes: bytesDuringLoad,
			messagesPerClientPerSecond: round(receivedDuringLoad / opts.clients / loadSeconds, 1),
			bytesPerClientPerSecond: Math.round(bytesDuringLoad / opts.clients / loadSeconds)
		},
		latestState: {
			/** (receiver, peer) pairs checked after the settle period. */
			pairs: opts.clients * (opts.clients - 1),
			stalePairs: stale.stalePairs,
			staleReceivers: stale.staleReceivers,
			everyClientHasLatest: stale.stalePairs === 0 && Object.keys(drops).length === 0,
			settleWaitMs: round(settleWaitMs)
		},
		/** Server RSS growth from the start of the load to its peak during the load. */
		rssGrowthKB: Math.max(...rssEverySecond) - rssAtStart,
		/** Server RSS each second of the load (warm-up included). */
		rssEverySecondKB: rssEverySecond,
		droppedConnections: drops,
		load
	};
}
