/**
 * How long an import of a large model holds the server's event loop (the import worker should
 * keep it far under 50 ms), against how long building the same room takes on a thread of its own.
 *
 *   node --import tsx bench/import-event-loop.ts [--runs=5]
 *
 * Starts a server in this process (port 0, temporary SQLite), posts a ~7 MB Threat Dragon model
 * (tests/helpers/large-model.ts) `runs` times, and prints JSON: per run the request time, the main
 * thread's event-loop delay (max, p99), an idle thread's max delay over the same window (what the
 * machine's scheduling alone costs), and the longest /healthz round trip while importing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseConfig } from '../server/config.ts';
import { buildImportedRoom } from '../server/import/build-room.ts';
import { createLogger } from '../server/log.ts';
import { startServer } from '../server/threatboard.ts';
import { startIdleThread } from '../tests/helpers/idle-thread.ts';
import { largeThreatDragonText } from '../tests/helpers/large-model.ts';

const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length) ?? 5);

const round = (value: number) => Math.round(value * 10) / 10;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-import-bench-'));
const config = parseConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' });
const server = await startServer({ config, log: createLogger('error') });
const text = largeThreatDragonText();
const bytes = new TextEncoder().encode(text);

await fetch(`${server.url}/api/rooms/import`, { method: 'POST', body: '{"schema":1,"threats":[]}' });
const results = [];
for (let run = 0; run < runs; run++) {
	const idle = startIdleThread();
	const histogram = monitorEventLoopDelay({ resolution: 5 });
	histogram.enable();
	let importing = true;
	let healthMax = 0;
	const probe = (async () => {
		while (importing) {
			const started = performance.now();
			await fetch(`${server.url}/healthz`);
			healthMax = Math.max(healthMax, performance.now() - started);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	})();
	const started = performance.now();
	const res = await fetch(`${server.url}/api/rooms/import`, { method: 'POST', body: bytes });
	const took = performance.now() - started;
	importing = false;
	await probe;
	histogram.disable();
	if (res.status !== 201) throw new Error(`import answered ${res.status}: ${await res.text()}`);
	await res.arrayBuffer();
	results.push({
		requestMs: round(took),
		eventLoopMaxMs: round(histogram.max / 1e6),
		eventLoopP99Ms: round(histogram.percentile(99) / 1e6),
		idleThreadMaxMs: round(await idle.stop()),
		healthzMaxMs: round(healthMax)
	});
	// The limiter allows bursts of 10 imports; one per second stays well inside it.
	await new Promise((resolve) => setTimeout(resolve, 1000));
}
await server.close();
fs.rmSync(dataDir, { recursive: true, force: true });

// The same room built on this thread: what the event loop would be held for without the worker
// (last, so that its garbage does not fall into the import runs).
const onThread: number[] = [];
for (let i = 0; i < 3; i++) {
	const started = performance.now();
	const built = buildImportedRoom(bytes.slice(), Date.now());
	if (!built.ok) throw new Error(built.message);
	onThread.push(round(performance.now() - started));
}
console.log(JSON.stringify({ modelBytes: bytes.byteLength, buildOnOneThreadMs: onThread, loadAverage: os.loadavg().map(round), runs: results }, null, 2));
