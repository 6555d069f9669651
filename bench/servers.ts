/**
 * Starting, driving and stopping the servers under test, each as its own process (pinned to the
 * server core when taskset is available), on loopback, with a fresh data directory. Every child
 * is killed when the bench exits, whichever way it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUBPROTOCOL } from '#shared/wire/protocol';
import { sleep } from './clients.ts';
import { hocuspocusUrl } from './hocuspocus-wire.ts';

/** ours; reference: the stock y-websocket server; hocuspocus: Hocuspocus 3.4 in memory. */
export type ServerKind = 'ours' | 'reference' | 'hocuspocus';
export const SERVER_KINDS: readonly ServerKind[] = ['ours', 'reference', 'hocuspocus'];
/** The main scenarios, which a default run also measures on Hocuspocus (all of them with --server=hocuspocus). */
export const HOCUSPOCUS_SCENARIOS: ReadonlySet<string> = new Set(['edits-200', 'edits-100x5', 'edits-1000x5', 'cursors-50', 'cursors-200', 'late-join-10000', 'idle-1000', 'idle-1room-1000']);

const ROOT = path.resolve(import.meta.dirname, '..');
const ENTRY: Record<ServerKind, string> = {
	hocuspocus: path.join(ROOT, 'bench/hocuspocus-server.mjs'),
	ours: path.join(ROOT, 'dist/server/index.js'),
	reference: path.join(ROOT, 'bench/reference-server.mjs')
};
/** Preloaded into every server: its event-loop delay histogram (bench/event-loop.ts). */
const EVENT_LOOP_PROBE = path.join(ROOT, 'bench/event-loop-probe.mjs');
/** Preloaded into every server: its memory after a forced full GC (bench/memory.ts). */
const MEMORY_PROBE = path.join(ROOT, 'bench/memory-probe.mjs');
const HEALTH_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
/** Log lines kept per server process for the report. */
const MAX_KEPT_LOG_LINES = 20;

const live = new Set<ChildProcess>();
let cleanupInstalled = false;

function installCleanup(): void {
	if (cleanupInstalled) return;
	cleanupInstalled = true;
	const killAll = () => {
		for (const child of live) child.kill('SIGKILL');
	};
	process.on('exit', killAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			killAll();
			process.exit(130);
		});
	}
}

export interface ServerLog {
	lines: number;
	/** The first lines, as written (our server logs one JSON object per line). */
	kept: string[];
}

export interface BenchServer {
	kind: ServerKind;
	pid: number;
	baseUrl: string;
	/** Sub-protocols a client offers; ours selects `threatboard.v1` like the browser client. */
	protocols: string[];
	log: ServerLog;
	/** Where the preloaded probe writes the server's event-loop delay histogram. */
	eventLoopFile: string;
	/** Where the preloaded probe writes the server's memory after a forced GC. */
	memoryFile: string;
	createRoom(): Promise<string>;
	syncUrl(roomId: string): string;
	exited(): boolean;
	stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

export function ourServerEntry(): string {
	return ENTRY.ours;
}

/**
 * All load comes from one address (loopback), so ours runs with its per-address and per-room
 * connection caps out of the way; the total cap stays at its default.
 */
const LOOPBACK_LOAD_ENV = {
	MAX_CONNECTIONS_PER_IP: '1000000',
	MAX_CONNECTIONS_PER_ROOM: '1000000',
	MAX_HTTP_CONNECTIONS_PER_IP: '1000000',
	ROOMS_PER_MINUTE_PER_IP: '100000' // the most the server accepts
};

/**
 * Parent of the fresh data directories; the system temp dir unless `--data-root` is given.
 * extraEnv configures ours further (e.g. DATABASE_URL and REDIS_URL for several instances).
 */
export async function startServer(
	kind: ServerKind,
	pinCore: number | null,
	dataRoot = os.tmpdir(),
	extraEnv: Record<string, string> = {}
): Promise<BenchServer> {
	installCleanup();
	const port = await freePort();
	const dataDir = fs.mkdtempSync(path.join(dataRoot, `threatboard-bench-${kind}-`));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		DATA_DIR: dataDir,
		BENCH_EVENT_LOOP_FILE: path.join(dataDir, 'bench-event-loop.json'),
		BENCH_MEMORY_FILE: path.join(dataDir, 'bench-memory.json'),
		LOG_LEVEL: 'warn',
		...(kind === 'ours' ? { ...LOOPBACK_LOAD_ENV, ...extraEnv } : {})
	};
	delete env.NODE_OPTIONS; // the servers run plain node, without the bench's tsx loader
	// BENCH_SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is for diagnosing a run.
	const nodeFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
	const probes = [EVENT_LOOP_PROBE, MEMORY_PROBE].flatMap((probe) => ['--import', pathToFileURL(probe).href]);
	const command = [process.execPath, ...probes, ...nodeFlags, ENTRY[kind]];
	if (pinCore !== null) command.unshift('taskset', '-c', String(pinCore));
	const child = spawn(command[0], command.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
	live.add(child);
	let exitCode: number | null | undefined;
	const exitedPromise = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exitCode = code ?? (signal ? -1 : 0);
			live.delete(child);
			resolve();
		})
	);
	const log: ServerLog = { lines: 0, kept: [] };
	const collect = (chunk: Buffer) => {
		for (const line of chunk.toString('utf8').split('\n')) {
			if (!line.trim()) continue;
			log.lines++;
			if (log.kept.length < MAX_KEPT_LOG_LINES) log.kept.push(line.slice(0, 400));
		}
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);

	const baseUrl = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (exitCode === undefined) {
			child.stdin?.end();
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
			await exitedPromise;
			clearTimeout(timer);
		}
		fs.rmSync(dataDir, { recursive: true, force: true });
	};

	try {
		await waitHealthy(baseUrl, () => exitCode !== undefined);
	} catch (err) {
		await stop();
		throw new Error(`${kind} server did not start: ${(err as Error).message}\n${log.kept.join('\n')}`);
	}
	return {
		kind,
		pid: child.pid!,
		baseUrl,
		protocols: kind === 'ours' ? [SUBPROTOCOL] : [],
		log,
		eventLoopFile: env.BENCH_EVENT_LOOP_FILE!,
		memoryFile: env.BENCH_MEMORY_FILE!,
		async createRoom() {
			const res = await fetch(`${baseUrl}/api/rooms`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ title: 'bench' })
			});
			if (res.status !== 201) throw new Error(`POST /api/rooms: HTTP ${res.status}`);
			const body = (await res.json()) as { roomId: string };
			return body.roomId;
		},
		syncUrl: (roomId) =>
			kind === 'hocuspocus' ? hocuspocusUrl(`ws://127.0.0.1:${port}`, roomId) : `ws://127.0.0.1:${port}/sync/${roomId}/board`,
		exited: () => exitCode !== undefined,
		stop
	};
}

async function waitHealthy(baseUrl: string, hasExited: () => boolean): Promise<void> {
	const deadline = performance.now() + HEALTH_TIMEOUT_MS;
	while (performance.now() < deadline) {
		if (hasExited()) throw new Error('process exited');
		try {
			const res = await fetch(`${baseUrl}/healthz`);
			await res.arrayBuffer();
			if (res.status === 200) return;
		} catch {
			// not listening yet
		}
		await sleep(50);
	}
	throw new Error(`no healthy /healthz within ${HEALTH_TIMEOUT_MS} ms`);
}
