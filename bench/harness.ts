/** What every scenario gets, and the load-window measurements common to all of them. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readServerEventLoop, resetServerEventLoop, type ServerEventLoop } from './event-loop.ts';
import { readMachineCpu } from './interference.ts';
import { readCpuSeconds } from './process-stats.ts';
import type { BenchServer } from './servers.ts';
import { round } from './stats.ts';

export interface Timing {
	/** Load before measuring starts (JIT and socket warm-up); its samples are discarded. */
	warmupMs: number;
	durationMs: number;
	/** Longest wait after the load stops for the last deliveries. */
	settleMs: number;
}

export interface RunContext {
	server: BenchServer;
	quick: boolean;
	/** `--duration=<s>`: replaces the measured duration of timed scenarios. */
	durationMs?: number;
	/** `--soak-minutes=<m>`: length of the soak scenario. */
	soakMinutes?: number;
	/** Starts one more instance configured like `server` (stopped with it). */
	startPeer(): Promise<BenchServer>;
	/** Starts the stock server on the same core as `server` (stopped with it). */
	startReference(): Promise<BenchServer>;
	progress(message: string): void;
}

export interface LoadWindow {
	wallSeconds: number;
	/** Server CPU over the load window, in cores (1 = its whole core). */
	serverCpuCores: number;
	serverCpuSeconds: number;
	/** The load generator's own CPU (its child processes included), in cores: near 1 means it may be the bottleneck. */
	loadGeneratorCpuCores: number;
	loadGeneratorEventLoopDelayP99Ms: number;
	/**
	 * Its longest event-loop delay: a pause of the load generator (its own garbage collection)
	 * delays every delivery in flight, and shows in the latency tail as if the server had stalled.
	 */
	loadGeneratorEventLoopDelayMaxMs: number;
	/** CPU used on the machine by neither the server nor the load generator, in cores. */
	otherCpuCores: number;
	/** Time the hypervisor gave to others while we wanted the CPU. */
	stealSeconds: number;
}

/** Event-loop delay sampling period; the histogram's values include it. */
const DELAY_RESOLUTION_MS = 2;

/** The server's event-loop report of the last load window that ended, by server pid. */
const windowEventLoops = new Map<number, Promise<ServerEventLoop | null>>();

/**
 * The server's event-loop histogram over its last load window, taken once (run.ts); undefined
 * when the scenario measured no window on that server.
 */
export function takeWindowEventLoop(pid: number): Promise<ServerEventLoop | null> | undefined {
	const report = windowEventLoops.get(pid);
	windowEventLoops.delete(pid);
	return report;
}

/**
 * Starts measuring the server's and our own CPU, and our event-loop delay; also restarts the
 * server's event-loop histogram, which is written out when the window ends (takeWindowEventLoop).
 * It was read when the scenario ended, so it also held what came after the load: verifying 1,000
 * rooms and 5,000 clients closing put edits-1000x5's "maximum" at 126-356 ms where the window's
 * own was 17-20 ms (docs/BENCHMARKS.md, "The night of 2026-12-07").
 * `generatorPids`: the load generator's child processes, whose CPU counts as the generator's.
 */
export function startLoadWindow(server: BenchServer, generatorPids: readonly number[] = []): () => LoadWindow {
	const wallStart = performance.now();
	resetServerEventLoop(server.pid);
	const serverCpuStart = readCpuSeconds(server.pid);
	const childrenCpu = () => generatorPids.reduce((sum, pid) => sum + (readCpuSeconds(pid) || 0), 0);
	const childrenCpuStart = childrenCpu();
	const ownCpuStart = process.cpuUsage();
	const machineStart = readMachineCpu();
	const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
	delay.enable();
	return () => {
		delay.disable();
		windowEventLoops.set(server.pid, readServerEventLoop(server.pid, server.eventLoopFile));
		const wall = (performance.now() - wallStart) / 1000;
		const own = process.cpuUsage(ownCpuStart);
		const serverCpu = readCpuSeconds(server.pid) - serverCpuStart;
		const ownCpu = (own.user + own.system) / 1e6 + (childrenCpu() - childrenCpuStart);
		const machine = readMachineCpu();
		const otherCpu = machine.busySeconds - machineStart.busySeconds - serverCpu - ownCpu;
		return {
			wallSeconds: round(wall),
			serverCpuCores: round(serverCpu / wall),
			serverCpuSeconds: round(serverCpu),
			loadGeneratorCpuCores: round(ownCpu / wall),
			loadGeneratorEventLoopDelayP99Ms: round(Math.max(0, delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS)),
			loadGeneratorEventLoopDelayMaxMs: round(Math.max(0, delay.max / 1e6 - DELAY_RESOLUTION_MS)),
			otherCpuCores: round(Math.max(0, otherCpu) / wall),
			stealSeconds: round(machine.stealSeconds - machineStart.stealSeconds)
		};
	};
}

/** Polls `done` every `everyMs` until it holds or `timeoutMs` passes; returns the time waited. */
export async function waitUntil(done: () => boolean, timeoutMs: number, everyMs = 50): Promise<number> {
	const started = performance.now();
	while (!done() && performance.now() - started < timeoutMs) {
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
	return performance.now() - started;
}

/** A Prometheus metric of ours (its first series), or null for a server without it. */
export async function readMetric(server: Pick<BenchServer, 'baseUrl'>, name: string): Promise<number | null> {
	try {
		const res = await fetch(`${server.baseUrl}/metrics`);
		if (res.status !== 200) return null;
		const text = await res.text();
		const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
		return match ? Number(match[1]) : null;
	} catch {
		return null;
	}
}

/** Calls `fire` at start + offset + k * period until `endAt`, without drift; resolves after the last. */
export function schedulePeriodic(startAt: number, offsetMs: number, periodMs: number, endAt: number, fire: (at: number) => void): Promise<void> {
	return new Promise((resolve) => {
		let k = 0;
		const next = () => {
			const at = startAt + offsetMs + k * periodMs;
			if (at >= endAt) return resolve();
			setTimeout(() => {
				fire(at);
				k++;
				next();
			}, Math.max(0, at - performance.now()));
		};
		next();
	});
}
