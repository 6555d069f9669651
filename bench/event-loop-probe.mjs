/**
 * Preloaded into every server the bench starts (`node --import`), ours and the reference alike:
 * the server's own event-loop delay histogram. SIGUSR2 writes the histogram since the last
 * SIGUSR2 to BENCH_EVENT_LOOP_FILE (with a sequence number) and starts a new one, so the bench
 * can measure exactly its load window (bench/event-loop.ts).
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_EVENT_LOOP_FILE;
/** Sampling period; every sample includes it, so it is subtracted from what is reported. */
const RESOLUTION_MS = 5;

if (file) {
	const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
	histogram.enable();
	let seq = 0;
	const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
	process.on('SIGUSR2', () => {
		const report = {
			seq: ++seq,
			resolutionMs: RESOLUTION_MS,
			samples: histogram.count,
			p50Ms: ms(histogram.percentile(50)),
			p99Ms: ms(histogram.percentile(99)),
			p999Ms: ms(histogram.percentile(99.9)),
			maxMs: ms(histogram.max)
		};
		histogram.reset();
		fs.writeFileSync(`${file}.tmp`, JSON.stringify(report));
		fs.renameSync(`${file}.tmp`, file);
	});
}
