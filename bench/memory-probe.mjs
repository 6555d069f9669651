/**
 * Preloaded into every server the bench starts (`node --import`), ours and the reference alike:
 * SIGWINCH runs two full garbage collections and then writes the process's memory to
 * BENCH_MEMORY_FILE (with a sequence number): RSS, the V8 heap (used and committed, per space)
 * and memory outside it (Buffers). Idle-memory figures read after a forced collection do not
 * depend on when V8 last collected or how far the young generation had grown (bench/memory.ts).
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const file = process.env.BENCH_MEMORY_FILE;

if (file) {
	v8.setFlagsFromString('--expose-gc');
	const gc = vm.runInNewContext('gc');
	let seq = 0;
	process.on('SIGWINCH', () => {
		gc();
		gc();
		const usage = process.memoryUsage();
		const spaces = {};
		for (const space of v8.getHeapSpaceStatistics()) {
			spaces[space.space_name] = { committedKB: Math.round(space.physical_space_size / 1024), usedKB: Math.round(space.space_used_size / 1024) };
		}
		const report = {
			seq: ++seq,
			rssKB: Math.round(usage.rss / 1024),
			heapUsedKB: Math.round(usage.heapUsed / 1024),
			heapCommittedKB: Math.round(usage.heapTotal / 1024),
			externalKB: Math.round(usage.external / 1024),
			arrayBuffersKB: Math.round(usage.arrayBuffers / 1024),
			spaces
		};
		fs.writeFileSync(`${file}.tmp`, JSON.stringify(report));
		fs.renameSync(`${file}.tmp`, file);
	});
}
