/**
 * Cursors: every client sends its own awareness state at a fixed rate. Probe clients decode every
 * entry they receive and measure latency from the `t` stamped in the state; all clients track
 * the latest clock seen per peer (varUints only, JSON skipped), so that after the load stops we
 * can check that every client ends with every other client's latest state.
 *
 * The clients are spread over child processes (cursor-generator.ts), at most
 * CLIENTS_PER_GENERATOR each, so that one process's event loop does not queue every frame of
 * the run: at 200 clients the load generator reads about a million awareness entries a second.
 * Each process reports its own event-loop delay beside the figure (`generators`); the processes
 * share the load generator's core, so `load.loadGeneratorCpuCores` (all of them together) near 1
 * still means the generator was the bottleneck.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startLoadWindow, type RunContext, type Timing } from '../harness.ts';
import { readRssKB } from '../process-stats.ts';
import { Samples, round, summarize } from '../stats.ts';
import type { FromGenerator, LoadDone, ToGenerator } from './cursor-generator.ts';

export interface CursorOptions extends Timing {
	clients: number;
	hz: number;
	probes: number;
}

/** Clients per load-generator process. */
const CLIENTS_PER_GENERATOR = 50;
const GENERATOR_ENTRY = path.join(import.meta.dirname, 'cursor-generator.ts');
/** Time for the processes to receive the schedule before the first send. */
const START_LEAD_MS = 200;
const CONNECT_TIMEOUT_MS = 120_000;

/** A child process holding a share of the clients; one request at a time. */
class Generator {
	readonly child: ChildProcess;
	#waiting: ((message: FromGenerator) => void) | null = null;
	#exited = false;

	constructor(readonly ids: number[]) {
		this.child = fork(GENERATOR_ENTRY, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		this.child.on('message', (message: FromGenerator) => {
			const waiting = this.#waiting;
			this.#waiting = null;
			waiting?.(message);
		});
		this.child.once('exit', (code) => {
			this.#exited = true;
			this.#waiting?.({ type: 'failed', message: `load generator exited (code ${code})` });
		});
	}

	request<T extends FromGenerator['type']>(message: ToGenerator, expect: T, timeoutMs: number): Promise<Extract<FromGenerator, { type: T }>> {
		return new Promise((resolve, reject) => {
			if (this.#exited) return reject(new Error('load generator exited'));
			const timer = setTimeout(() => reject(new Error(`load generator: no ${expect} within ${timeoutMs} ms`)), timeoutMs);
			this.#waiting = (reply) => {
				clearTimeout(timer);
				if (reply.type === expect) resolve(reply as Extract<FromGenerator, { type: T }>);
				else reject(new Error(reply.type === 'failed' ? reply.message : `load generator: ${reply.type} instead of ${expect}`));
			};
			this.child.send(message);
		});
	}

	stop(): void {
		if (this.#exited) return;
		this.child.send({ type: 'close' } satisfies ToGenerator);
		setTimeout(() => this.child.kill('SIGKILL'), 2_000).unref();
	}
}

export async function runCursors(ctx: RunContext, opts: CursorOptions) {
	const { server } = ctx;
	const roomId = await server.createRoom();
	// Awareness ids are 1..clients; probes are spread over them, so that none is systematically
	// first or last to join, and generators take consecutive ids.
	const probeEvery = Math.max(1, Math.floor(opts.clients / opts.probes));
	const probeIds: number[] = [];
	for (let i = 0; i < opts.clients && probeIds.length < opts.probes; i += probeEvery) probeIds.push(i + 1);
	const processes = Math.ceil(opts.clients / CLIENTS_PER_GENERATOR);
	const generators: Generator[] = [];
	for (let g = 0; g < processes; g++) {
		const ids: number[] = [];
		for (let id = g * CLIENTS_PER_GENERATOR + 1; id <= Math.min(opts.clients, (g + 1) * CLIENTS_PER_GENERATOR); id++) ids.push(id);
		generators.push(new Generator(ids));
	}
	try {
		ctx.progress(`connecting ${opts.clients} clients from ${processes} load-generator process(es)`);
		// One process after the other, as a single process would: a burst would overflow the backlog.
		for (const generator of generators) {
			await generator.request(
				{ type: 'connect', url: server.syncUrl(roomId), protocols: server.protocols, ids: generator.ids, probeIds, maxId: opts.clients },
				'connected',
				CONNECT_TIMEOUT_MS
			);
		}

		ctx.progress(`cursors at ${opts.hz} Hz for ${(opts.warmupMs + opts.durationMs) / 1000} s`);
		const stopWindow = startLoadWindow(server, generators.map((g) => g.child.pid!));
		const epochNow = performance.timeOrigin + performance.now();
		const startAtEpoch = epochNow + START_LEAD_MS;
		const measureFromEpoch = startAtEpoch + opts.warmupMs;
		const endAtEpoch = measureFromEpoch + opts.durationMs;
		const rssAtStart = readRssKB(server.pid);
		const rssEverySecond: number[] = [];
		const rssSampler = setInterval(() => rssEverySecond.push(readRssKB(server.pid)), 1000);
		const loadMs = START_LEAD_MS + opts.warmupMs + opts.durationMs;
		const done: LoadDone[] = await Promise.all(
			generators.map((g) => g.request({ type: 'run', startAtEpoch, measureFromEpoch, endAtEpoch, hz: opts.hz }, 'load-done', loadMs + 60_000))
		);
		clearInterval(rssSampler);
		rssEverySecond.push(readRssKB(server.pid));
		const loadSeconds = (performance.timeOrigin + performance.now() - startAtEpoch) / 1000;

		const finalClock = new Int32Array(opts.clients + 1);
		for (const d of done) for (let id = 0; id < d.finalClock.length; id++) finalClock[id] = Math.max(finalClock[id], d.finalClock[id]);
		ctx.progress('settling');
		const settled = await Promise.all(generators.map((g) => g.request({ type: 'settle', finalClock, settleMs: opts.settleMs }, 'settled', opts.settleMs + 30_000)));
		const load = stopWindow();

		const latencies = new Samples(settled.reduce((n, s) => n + s.latencies.length, 0));
		for (const s of settled) for (const v of s.latencies) latencies.push(v);
		const sentMeasured = done.reduce((n, d) => n + d.sentMeasured, 0);
		const receivedDuringLoad = done.reduce((n, d) => n + d.receivedMessages, 0);
		const bytesDuringLoad = done.reduce((n, d) => n + d.receivedBytes, 0);
		const drops: Record<string, number> = {};
		for (const s of settled) for (const [code, n] of Object.entries(s.droppedConnections)) drops[code] = (drops[code] ?? 0) + n;
		const stalePairs = settled.reduce((n, s) => n + s.stalePairs, 0);
		const probes = probeIds.length;

		return {
			clients: opts.clients,
			hz: opts.hz,
			probes,
			measuredSeconds: opts.durationMs / 1000,
			/** Probe receivers, per received entry: from the sender's send to receipt (epoch clocks of two processes). */
			latencyMs: summarize(latencies),
			cursorUpdatesSent: sentMeasured,
			/** Peer states the probes decoded; with coalescing, intermediate states are skipped by design. */
			probeEntriesReceived: settled.reduce((n, s) => n + s.probeEntries, 0),
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
				stalePairs,
				staleReceivers: settled.reduce((n, s) => n + s.staleReceivers, 0),
				everyClientHasLatest: stalePairs === 0 && Object.keys(drops).length === 0,
				settleWaitMs: Math.max(...settled.map((s) => s.settleWaitMs))
			},
			/** Each load-generator process: its clients and its own event-loop delay during the load. */
			generators: done.map((d, g) => ({ clients: generators[g].ids.length, eventLoopDelayMs: d.eventLoopDelayMs })),
			/** The worst of the load-generator processes' own event-loop delays. */
			generatorEventLoopDelayMs: {
				p99: Math.max(...done.map((d) => d.eventLoopDelayMs.p99)),
				max: Math.max(...done.map((d) => d.eventLoopDelayMs.max))
			},
			/** Server RSS growth from the start of the load to its peak during the load. */
			rssGrowthKB: Math.max(...rssEverySecond) - rssAtStart,
			/** Server RSS each second of the load (warm-up included). */
			rssEverySecondKB: rssEverySecond,
			droppedConnections: drops,
			load
		};
	} finally {
		for (const generator of generators) generator.stop();
	}
}
