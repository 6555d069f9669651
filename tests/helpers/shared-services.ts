/**
 * The machine's PostgreSQL and Redis, for scale-out tests. Every test run works in its own
 * schema and Redis channel prefix, so test files running at the same time never meet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import * as Y from 'yjs';
import { createPostgresStore } from '../../server/persistence/postgres-store.ts';

export const TEST_DATABASE_URL = process.env.THREATBOARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.THREATBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestSchema {
	schema: string;
	/** Environment for a server using this schema (and, with redis, a private channel prefix). */
	env(redisUrl?: string): Record<string, string>;
	drop(): Promise<void>;
}

/** A fresh, unique schema name; the store creates it on first use. drop() removes it. */
export function testSchema(label = 'test'): TestSchema {
	const suffix = randomBytes(6).toString('hex');
	const schema = `tb_${label}_${suffix}`;
	return {
		schema,
		env: (redisUrl) => ({
			DATABASE_URL: TEST_DATABASE_URL,
			DATABASE_SCHEMA: schema,
			...(redisUrl ? { REDIS_URL: redisUrl, REDIS_CHANNEL_PREFIX: `tb-test-${suffix}` } : {})
		}),
		async drop() {
			const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
			await client.connect();
			try {
				await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			} finally {
				await client.end();
			}
		}
	};
}

/** Stored updates applied between two turns of the event loop (see storedNoteKeys). */
const APPLY_BATCH = 100;

/**
 * The keys of the board's `notes` root as stored in PostgreSQL (snapshot and log), read directly.
 * The updates are applied a batch at a time, yielding in between, so that clients in this process
 * that measure their inter-arrival times are not blocked by the read.
 */
export async function storedNoteKeys(schema: string, roomId: string): Promise<Set<string>> {
	const store = createPostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 1 });
	try {
		const doc = new Y.Doc();
		const { updates } = await store.loadDoc({ roomId, docName: 'board' });
		for (let i = 0; i < updates.length; i++) {
			Y.applyUpdate(doc, updates[i]);
			if (i % APPLY_BATCH === APPLY_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
		}
		const keys = new Set(doc.getMap('notes').keys());
		doc.destroy();
		return keys;
	} finally {
		await store.close();
	}
}

/** A private redis-server on a spare loopback port, for tests that stop and restart Redis. */
export interface OwnRedis {
	url: string;
	port: number;
	/** Stops it (SIGTERM) and waits for the exit. */
	stop(): Promise<void>;
	/** Starts it again on the same port. */
	start(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
	const port = await new Promise<number>((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
	let child: ChildProcess | null = null;
	const own: OwnRedis = {
		url: `redis://127.0.0.1:${port}`,
		port,
		async start() {
			const started = spawn(
				'redis-server',
				['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
				{ stdio: 'ignore' }
			);
			child = started;
			const exited = new Promise<never>((_, reject) =>
				started.once('exit', (code) => reject(new Error(`redis-server exited (${code}) on port ${port}`)))
			);
			exited.catch(() => undefined);
			await Promise.race([waitForPing(port), exited]);
		},
		async stop() {
			const running = child;
			child = null;
			if (!running || running.exitCode !== null) return;
			const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
			running.kill('SIGTERM');
			await exited;
		}
	};
	await own.start();
	return own;
}

/** Resolves once a Redis on this port answers PING. */
async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const answered = await new Promise<boolean>((resolve) => {
			const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
			socket.setTimeout(500, () => socket.destroy());
			socket.once('data', (data) => {
				socket.destroy();
				resolve(data.toString().startsWith('+PONG'));
			});
			socket.once('error', () => resolve(false));
			socket.once('close', () => resolve(false));
		});
		if (answered) return;
		if (Date.now() > deadline) throw new Error(`redis on port ${port} did not answer PING`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
