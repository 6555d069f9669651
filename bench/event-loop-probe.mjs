/**
 * Preloaded into every server the bench starts (`node --import`), ours and the reference alike:
 * the server's own event-loop delay histogram. SIGUSR2 writes the histogram since the last
 * SIGUSR2 to BENCH_EVENT_LOOP_FILE (with a sequence number) and starts a new one, so the bench
 * can measure exactly its load window (bench/event-loop.ts).
 */
import fs from 'node:fs';
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_EVENT_LOOP_FILE;
/** Sampling period; every sample includes it, so it is subtracted from what is reported. */
const RESOLUTION_MS = 5;

if (file) {
	const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
	histogram.enable();
	let seq = 0;
	// Garbage collection pauses: a long one shows as an event-loop stall with little CPU used.
	let gcCount = 0;
	let gcTotalMs = 0;
	let gcMaxMs = 0;
	// Full collections (mark-compact) apart: the old generation fills at a rate that differs from
	// run to run, and a run with one or two more of them in its window shows a longer tail.
	let fullCount = 0;
	let fullMaxMs = 0;
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			gcCount++;
			gcTotalMs += entry.duration;
			gcMaxMs = Math.max(gcMaxMs, entry.duration);
			if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
				fullCount++;
				fullMaxMs = Math.max(fullMaxMs, entry.duration);
			}
		}
	}).observe({ entryTypes: ['gc'] });
	const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
	process.on('SIGUSR2', () => {
		const report = {
			seq: ++seq,
			resolutionMs: RESOLUTION_MS,
			samples: histogram.count,
			p50Ms: ms(histogram.percentile(50)),
			p99Ms: ms(histogram.percentile(99)),
			p999Ms: ms(histogram.percentile(99.9)),
			maxMs: ms(histogram.max),
			gc: {
				count: gcCount,
				totalMs: Math.round(gcTotalMs),
				maxMs: Math.round(gcMaxMs * 10) / 10,
				fullCount,
				fullMaxMs: Math.round(fullMaxMs * 10) / 10
			}
		};
		histogram.reset();
		gcCount = 0;
		gcTotalMs = 0;
		gcMaxMs = 0;
		fullCount = 0;
		fullMaxMs = 0;
		fs.writeFileSync(`${file}.tmp`, JSON.stringify(report));
		fs.renameSync(`${file}.tmp`, file);
	});
}
