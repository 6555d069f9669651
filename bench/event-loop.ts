/**
 * The server's event-loop delay over a load window, from the probe preloaded into every server
 * the bench starts (bench/event-loop-probe.mjs): SIGUSR2 at the window's start begins a new
 * histogram, SIGUSR2 at its end writes it out.
 */
import fs from 'node:fs';
import { sleep } from './clients.ts';

export interface ServerEventLoop {
	/** Histogram samples (one per resolution period while the loop was free to take them). */
	samples: number;
	resolutionMs: number;
	p50Ms: number;
	p99Ms: number;
	p999Ms: number;
	maxMs: number;
	/**
	 * Garbage-collection pauses over the same window; fullCount and fullMaxMs are the full
	 * (mark-compact) collections among them.
	 */
	gc: { count: number; totalMs: number; maxMs: number; fullCount: number; fullMaxMs: number };
}

const READ_TIMEOUT_MS = 5_000;

/** Starts a new histogram in the server (what came before is dropped). */
export function resetServerEventLoop(pid: number): void {
	try {
		process.kill(pid, 'SIGUSR2');
	} catch {
		// gone: the run reports the exit
	}
}

/** The histogram since the last reset; null if the server did not answer. */
export function readServerEventLoop(pid: number, file: string): Promise<ServerEventLoop | null> {
	return signalAndRead<ServerEventLoop>(pid, 'SIGUSR2', file);
}

/**
 * Sends a preloaded probe its signal and waits for the report it writes to `file` (JSON with a
 * `seq` that changes with every report); null if the server did not answer.
 */
export async function signalAndRead<T extends object>(pid: number, signal: NodeJS.Signals, file: string): Promise<T | null> {
	const seqBefore = readSeq(file);
	try {
		process.kill(pid, signal);
	} catch {
		return null; // gone: the run reports the exit
	}
	const deadline = performance.now() + READ_TIMEOUT_MS;
	while (performance.now() < deadline) {
		const seq = readSeq(file);
		if (seq !== null && seq !== seqBefore) {
			const { seq: _seq, ...report } = JSON.parse(fs.readFileSync(file, 'utf8')) as T & { seq: number };
			return report as unknown as T;
		}
		await sleep(20);
	}
	return null;
}

function readSeq(file: string): number | null {
	try {
		return (JSON.parse(fs.readFileSync(file, 'utf8')) as { seq: number }).seq;
	} catch {
		return null;
	}
}
