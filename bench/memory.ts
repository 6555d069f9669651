/**
 * A server's memory after a forced full collection, from the probe preloaded into every server
 * the bench starts (bench/memory-probe.mjs): SIGWINCH collects and writes the figures.
 */
import { sleep } from './clients.ts';
import { signalAndRead } from './event-loop.ts';
import { median } from './stats.ts';

export interface ServerMemory {
	rssKB: number;
	heapUsedKB: number;
	heapCommittedKB: number;
	/** Memory outside the V8 heap that V8 knows of (Buffers, ArrayBuffers). */
	externalKB: number;
	arrayBuffersKB: number;
	spaces: Record<string, { committedKB: number; usedKB: number }>;
}

/** One reading after a full GC; null if the server did not answer. */
export function readServerMemory(pid: number, file: string): Promise<ServerMemory | null> {
	return signalAndRead<ServerMemory>(pid, 'SIGWINCH', file);
}

export interface SteadyMemory {
	/** Medians over the readings (each after a full GC). */
	rssKB: number;
	heapUsedKB: number;
	heapCommittedKB: number;
	externalKB: number;
	readings: number;
	rssEveryReadingKB: number[];
	/** The last reading's spaces, for attribution. */
	spaces: ServerMemory['spaces'] | null;
}

/** `count` readings `everyMs` apart, each after a forced full GC; medians. */
export async function steadyServerMemory(pid: number, file: string, count: number, everyMs: number): Promise<SteadyMemory> {
	const readings: ServerMemory[] = [];
	for (let i = 0; i < count; i++) {
		if (i > 0) await sleep(everyMs);
		const reading = await readServerMemory(pid, file);
		if (reading) readings.push(reading);
	}
	if (readings.length === 0) throw new Error('the server did not report its memory');
	const med = (pick: (m: ServerMemory) => number) => median(readings.map(pick));
	return {
		rssKB: med((m) => m.rssKB),
		heapUsedKB: med((m) => m.heapUsedKB),
		heapCommittedKB: med((m) => m.heapCommittedKB),
		externalKB: med((m) => m.externalKB),
		readings: readings.length,
		rssEveryReadingKB: readings.map((m) => m.rssKB),
		spaces: readings.at(-1)?.spaces ?? null
	};
}
