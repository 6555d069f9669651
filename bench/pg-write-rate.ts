/**
 * `node --import tsx bench/pg-write-rate.ts [--seconds=3]`: the figures behind the README's
 * limits at 10x and 100x (issue 17), measured on this machine's PostgreSQL and Redis.
 *
 * PostgreSQL, through our own store (server/persistence/postgres-store.ts) on a fresh schema:
 * - single writer: one appendUpdates of one update at a time, each awaited (one commit per update:
 *   the slowest case of one instance's group commit, which keeps one commit in flight);
 * - 10 writers: ten such loops at once on a pool of 10 (ten instances, or ten commits in flight);
 * - batched: one writer, 50 and 200 updates per commit (what group commit does under load).
 * Redis, with ioredis as the fan-out uses it: one publisher, pipelined PUBLISH of 100-byte
 * messages spread over 1,000 channels, all subscribed by one subscriber connection (published
 * and received per second); and the time to SUBSCRIBE one connection to 10,000 channels.
 *
 * Updates are 64 random bytes (an edit of a note's text is 30-100). PostgreSQL and Redis run
 * as configured on the machine (synchronous_commit is reported). JSON on stdout and in
 * bench/results/pg-write-rate.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DocStore, PendingUpdate } from '../server/persistence/doc-store.ts';
import { createPostgresStore } from '../server/persistence/postgres-store.ts';
import { round } from './stats.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RESULTS_FILE = path.resolve(import.meta.dirname, 'results/pg-write-rate.json');
const UPDATE_BYTES = 64;
const MESSAGE_BYTES = 100;
const CHANNELS = 1_000;
const SUBSCRIBE_CHANNELS = 10_000;
/** Publishes in flight at most: ioredis pipelines them, the fan-out never awaits one. */
const PUBLISH_WINDOW = 1_000;

function parseSeconds(argv: string[]): number {
	const arg = argv.find((a) => a.startsWith('--seconds='));
	const seconds = arg ? Number(arg.slice('--seconds='.length)) : 3;
	if (!(seconds > 0 && seconds <= 60)) throw new Error('--seconds must be in (0, 60]');
	return seconds;
}

const rooms = Array.from({ length: 100 }, () => randomBytes(18).toString('base64url'));
const pending = (i: number): PendingUpdate => ({ roomId: rooms[i % rooms.length], docName: 'board', update: randomBytes(UPDATE_BYTES) });

/** Runs `writers` loops of appendUpdates(batch) for `seconds`; updates and commits per second. */
async function appendRate(store: DocStore, writers: number, batch: number, seconds: number) {
	const until = performance.now() + seconds * 1000;
	let updates = 0;
	let commits = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: writers }, async () => {
			while (performance.now() < until) {
				await store.appendUpdates(Array.from({ length: batch }, (_, i) => pending(updates + i)));
				updates += batch;
				commits++;
			}
		})
	);
	const wall = (performance.now() - started) / 1000;
	return { writers, updatesPerCommit: batch, updatesPerSecond: Math.round(updates / wall), commitsPerSecond: Math.round(commits / wall), meanCommitMs: round((wall * 1000 * writers) / commits) };
}

async function postgresFigures(seconds: number) {
	const schema = `tb_rate_${randomBytes(6).toString('hex')}`;
	const store = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 10 });
	const admin = new pg.Client({ connectionString: DATABASE_URL });
	await admin.connect();
	try {
		const settings = await admin.query<{ version: string; synchronous_commit: string }>(
			"SELECT version() AS version, current_setting('synchronous_commit') AS synchronous_commit"
		);
		await appendRate(store, 1, 1, 0.5); // schema creation and warm-up
		return {
			server: settings.rows[0].version,
			synchronousCommit: settings.rows[0].synchronous_commit,
			singleWriter: await appendRate(store, 1, 1, seconds),
			tenWriters: await appendRate(store, 10, 1, seconds),
			batched50: await appendRate(store, 1, 50, seconds),
			batched200: await appendRate(store, 1, 200, seconds)
		};
	} finally {
		await store.close();
		await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
		await admin.end();
	}
}

async function redisFigures(seconds: number) {
	const prefix = `tb-rate-${randomBytes(6).toString('hex')}`;
	const pub = new Redis(REDIS_URL);
	const sub = new Redis(REDIS_URL);
	try {
		const info = await pub.info('server');
		const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
		const channels = Array.from({ length: CHANNELS }, (_, i) => `${prefix}:room:${i}`);
		await sub.subscribe(...channels);
		let received = 0;
		sub.on('messageBuffer', () => received++);
		const message = randomBytes(MESSAGE_BYTES);
		const until = performance.now() + seconds * 1000;
		const started = performance.now();
		let published = 0;
		let inFlight = 0;
		await new Promise<void>((resolve, reject) => {
			const pump = () => {
				while (inFlight < PUBLISH_WINDOW && performance.now() < until) {
					inFlight++;
					pub.publish(channels[published++ % CHANNELS], message).then(() => {
						inFlight--;
						if (performance.now() < until) pump();
						else if (inFlight === 0) resolve();
					}, reject);
				}
			};
			pump();
		});
		const wall = (performance.now() - started) / 1000;
		const receivedByEnd = received;

		const many = Array.from({ length: SUBSCRIBE_CHANNELS }, (_, i) => `${prefix}:many:${i}`);
		const subscribeStarted = performance.now();
		for (let i = 0; i < many.length; i += 1_000) await sub.subscribe(...many.slice(i, i + 1_000));
		const subscribeMs = performance.now() - subscribeStarted;
		return {
			server: version,
			publish: {
				messageBytes: MESSAGE_BYTES,
				channels: CHANNELS,
				publishedPerSecond: Math.round(published / wall),
				receivedPerSecond: Math.round(receivedByEnd / wall)
			},
			subscribe10000ChannelsMs: Math.round(subscribeMs)
		};
	} finally {
		pub.disconnect();
		sub.disconnect();
	}
}

async function main(): Promise<void> {
	const seconds = parseSeconds(process.argv.slice(2));
	const report = {
		bench: 'bench/pg-write-rate.ts',
		startedAt: new Date().toISOString(),
		secondsPerFigure: seconds,
		machine: { cpuModel: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverageAtStart: os.loadavg().map((v) => round(v)) },
		updateBytes: UPDATE_BYTES,
		postgres: await postgresFigures(seconds),
		redis: await redisFigures(seconds),
		loadAverageAtEnd: os.loadavg().map((v) => round(v))
	};
	const json = JSON.stringify(report, null, 2);
	fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	fs.writeFileSync(RESULTS_FILE, json + '\n');
	process.stdout.write(json + '\n');
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		process.stderr.write(`pg-write-rate failed: ${err instanceof Error ? err.stack : String(err)}\n`);
		process.exit(1);
	}
);
