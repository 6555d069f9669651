/**
 * Runs the BUILT server (`node dist/server/index.js`, after `npm run build`) as a child process
 * on 127.0.0.1, the way `npm start` does, and waits until /healthz says it is ready.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_ENTRY = path.join(ROOT, 'dist/server/index.js');
const WEB_HANDLER = path.join(ROOT, 'build/handler.js');
const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;
const HEALTH_POLL_INTERVAL_MS = 100;

export interface BuiltServer {
	url: string;
	port: number;
	dataDir: string;
	/** SIGTERM (the server flushes and exits), SIGKILL if it takes too long. */
	stop(): Promise<void>;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

export function tempDataDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'threatboard-e2e-'));
}

async function isHealthy(url: string): Promise<boolean> {
	try {
		return (await fetch(`${url}/healthz`)).ok;
	} catch {
		return false; // not listening yet
	}
}

export interface BuiltServerOptions {
	port?: number;
	dataDir?: string;
	/** Where the server's own output goes: this process's stdout and stderr (default), or stderr only. */
	output?: 'inherit' | 'stderr';
}

export async function startBuiltServer(options: BuiltServerOptions = {}): Promise<BuiltServer> {
	for (const file of [SERVER_ENTRY, WEB_HANDLER]) {
		if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first.`);
	}
	const port = options.port ?? (await freePort());
	const dataDir = options.dataDir ?? tempDataDir();
	const url = `http://127.0.0.1:${port}`;

	const child = spawn(process.execPath, [SERVER_ENTRY], {
		cwd: ROOT,
		// The specs create many workshops from one address; the per-address limit has its own tests.
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ROOMS_PER_MINUTE_PER_IP: '100000' },
		stdio: ['ignore', options.output === 'stderr' ? process.stderr : 'inherit', 'inherit']
	});
	let exitStatus: number | string | null = null;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exitStatus = code ?? signal ?? 'exit';
			resolve();
		})
	);

	// Poll /healthz (listening, store reachable) until it answers, the process dies, or time is up.
	const deadline = Date.now() + STARTUP_TIMEOUT_MS;
	while (!(await isHealthy(url))) {
		if (exitStatus !== null) throw new Error(`the server exited during start-up (${exitStatus})`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`the server did not become healthy within ${STARTUP_TIMEOUT_MS} ms`);
		}
		await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_INTERVAL_MS));
	}

	return {
		url,
		port,
		dataDir,
		async stop() {
			if (exitStatus !== null) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
			await exited;
			clearTimeout(timer);
		}
	};
}
