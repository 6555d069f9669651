/** Real servers for tests: in-process on port 0, or a child process that can be SIGKILLed. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import type { DocStore } from '../../server/persistence/doc-store.ts';
import { createSqliteStore } from '../../server/persistence/sqlite-store.ts';
import { startServer, type RunningServer } from '../../server/threatboard.ts';
import type { CreateRoomResponse } from '../../src/lib/shared/wire/api.ts';

export function tempDataDir(prefix = 'tb-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer extends RunningServer {
	wsUrl: string;
	dataDir: string;
	/** Every log line the server wrote, as parsed JSON. */
	logs: Array<Record<string, unknown>>;
	logText(): string;
}

export async function startTestServer(
	env: Record<string, string> = {},
	dataDir = tempDataDir(),
	wrapStore?: (store: DocStore) => DocStore
): Promise<TestServer> {
	const logs: Array<Record<string, unknown>> = [];
	const lines: string[] = [];
	// Tests create many rooms from one address: the per-address limit is tested on its own.
	const config = parseConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'debug', ROOMS_PER_MINUTE_PER_IP: '100000', ...env });
	const log = createLogger(config.LOG_LEVEL, (line) => {
		lines.push(line);
		logs.push(JSON.parse(line) as Record<string, unknown>);
	});
	const store = wrapStore?.(createSqliteStore(config.dataDir));
	const server = await startServer({ config, log, store });
	return Object.assign(server, {
		wsUrl: server.url.replace(/^http/, 'ws'),
		dataDir,
		logs,
		logText: () => lines.join('\n')
	});
}

export async function createRoom(baseUrl: string, title = 'Test workshop'): Promise<CreateRoomResponse> {
	const res = await fetch(`${baseUrl}/api/rooms`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ title })
	});
	if (res.status !== 201) throw new Error(`room creation failed: ${res.status} ${await res.text()}`);
	return (await res.json()) as CreateRoomResponse;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildServer {
	url: string;
	wsUrl: string;
	child: ChildProcess;
	/** Resolves with the exit code or signal. */
	exited: Promise<number | string>;
	/** Its log lines so far (JSON; info on stdout, warnings and errors on stderr), each stream in order. */
	logLines: string[];
}

export interface SpawnOptions {
	/** Node flags before the entry point (e.g. --single-threaded-gc). */
	nodeFlags?: string[];
	/** Pins the process to this CPU with taskset, as the bench pins its servers. */
	cpu?: number;
}

/** Runs server/index.ts in its own process (through tsx), for SIGKILL and SIGTERM tests. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<ChildServer> {
	const command = [process.execPath, ...(options.nodeFlags ?? []), '--import', 'tsx', path.join(ROOT, 'server/index.ts')];
	if (options.cpu !== undefined) command.unshift('taskset', '-c', String(options.cpu));
	const child = spawn(command[0], command.slice(1), {
		cwd: ROOT,
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ROOMS_PER_MINUTE_PER_IP: '100000', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const logLines: string[] = [];
	readline.createInterface({ input: child.stderr! }).on('line', (line) => logLines.push(line));
	const url = await new Promise<string>((resolve, reject) => {
		const lines = readline.createInterface({ input: child.stdout! });
		lines.on('line', (line) => {
			logLines.push(line);
			try {
				const entry = JSON.parse(line) as { msg?: string; url?: string };
				if (entry.msg === 'threatboard listening' && entry.url) resolve(entry.url);
			} catch {
				/* not a log line */
			}
		});
		void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
	});
	return { url, wsUrl: url.replace(/^http/, 'ws'), child, exited, logLines };
}
