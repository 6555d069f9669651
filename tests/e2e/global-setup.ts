/**
 * Starts the built server once for the whole e2e run: `node dist/server/index.js` on a free
 * port on 127.0.0.1, with a fresh temporary DATA_DIR. Returns the teardown (SIGTERM, then the
 * data directory is removed).
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

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

async function isHealthy(url: string): Promise<boolean> {
	try {
		const response = await fetch(`${url}/healthz`);
		return response.ok;
	} catch {
		return false; // not listening yet
	}
}

export default async function globalSetup(): Promise<() => Promise<void>> {
	for (const file of [SERVER_ENTRY, WEB_HANDLER]) {
		if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first.`);
	}
	const port = await freePort();
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatboard-e2e-'));
	const baseUrl = `http://127.0.0.1:${port}`;

	const child = spawn(process.execPath, [SERVER_ENTRY], {
		cwd: ROOT,
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
		stdio: ['ignore', 'inherit', 'inherit']
	});
	let exitCode: number | string | null = null;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exitCode = code ?? signal;
			resolve();
		})
	);

	// Poll /healthz (liveness and store readiness) until it answers, the process dies, or time is up.
	const deadline = Date.now() + STARTUP_TIMEOUT_MS;
	while (!(await isHealthy(baseUrl))) {
		if (exitCode !== null) throw new Error(`the server exited during start-up (${exitCode})`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`the server did not become healthy within ${STARTUP_TIMEOUT_MS} ms`);
		}
		await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_INTERVAL_MS));
	}
	process.env.THREATBOARD_E2E_BASE_URL = baseUrl;

	return async () => {
		if (exitCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
			await exited;
			clearTimeout(timer);
		}
		fs.rmSync(dataDir, { recursive: true, force: true });
	};
}
