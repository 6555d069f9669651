/**
 * Builds a whole Threatboard server from a config: store, persistence, rooms, sync and HTTP.
 * index.ts (production) and the Vite plugin (dev) both start from here; tests too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import type { Config } from './config.ts';
import { clientNetworkResolver, createClientAddressResolver, createTrustedProxyCheck } from './auth/client-address.ts';
import { createOriginCheck } from './auth/origin.ts';
import { createBoardMaintenance } from './board/maintenance.ts';
import { boardWriteRules } from './board/write-rules.ts';
import { createFacilitatorKeys } from './facilitation/keys.ts';
import { createBoardLock } from './facilitation/lock.ts';
import { createHttpApp } from './http/app.ts';
import { createRoundHooks } from './rounds/hooks.ts';
import { limitSockets, serverTimeouts } from './http/socket-limits.ts';
import { createLogger, errorMessage, type Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { createStore } from './persistence/create-store.ts';
import type { DocStore } from './persistence/doc-store.ts';
import { Persister } from './persistence/persister.ts';
import { RoomManager } from './rooms/room-manager.ts';
import { createRoomQuota } from './rooms/room-quota.ts';
import { noFanout } from './scale-out/fanout.ts';
import { createRedisFanout } from './scale-out/redis-fanout.ts';
import { createSyncServer } from './sync/sync-server.ts';
import { DependencyStreams } from './systems/dependency-streams.ts';
import { createBoardReader } from './systems/model-boards.ts';
import { createModelFiguresKeeper } from './systems/model-figures.ts';
import { SystemService } from './systems/system-service.ts';
import { unavailableOnFailure } from './persistence/store-errors.ts';

/** How long shutdown waits for the store before giving up on queued writes. */
const SHUTDOWN_FLUSH_TIMEOUT_MS = 10_000;

export interface ThreatboardOptions {
	config: Config;
	log?: Logger;
	store?: DocStore;
	webHandler?: RequestHandler;
}

export function createThreatboard(options: ThreatboardOptions) {
	const { config } = options;
	const log = options.log ?? createLogger(config.LOG_LEVEL);
	const metrics = createMetrics();
	const store = options.store ?? createStore(config, log);
	const fanout = config.REDIS_URL
		? createRedisFanout({ url: config.REDIS_URL, channelPrefix: config.REDIS_CHANNEL_PREFIX, log, registry: metrics.registry })
		: noFanout;
	const persister = new Persister(store, log, metrics);
	// Systems read their models' boards through the store the routes use (503 when it cannot answer).
	const systemStore = unavailableOnFailure(store);
	const figures = createModelFiguresKeeper({ store: systemStore, log, metrics });
	const rooms = new RoomManager(
		store,
		persister,
		{
			idleEvictMs: config.IDLE_EVICT_MS,
			maxAwarenessBytes: config.MAX_AWARENESS_BYTES,
			awarenessFlushMaxMs: config.AWARENESS_FLUSH_MAX_MS,
			compactAfterUpdates: config.COMPACT_AFTER_UPDATES,
			maxDocBytes: config.MAX_DOC_BYTES
		},
		log,
		metrics,
		fanout,
		// The features every room runs with, in order (server/rooms/hooks.ts).
		[createBoardMaintenance(log), boardWriteRules, createFacilitatorKeys(), createRoundHooks(), createBoardLock(), figures.hooks]
	);
	const sync = createSyncServer({ config, store, rooms, log, metrics });
	const systemService = new SystemService(systemStore, createBoardReader(systemStore, rooms, figures), figures);
	const dependencyStreams = new DependencyStreams({
		store: systemStore,
		rooms,
		service: systemService,
		log,
		limits: { perRoom: config.DEPENDENCY_STREAMS_PER_ROOM, perAddress: config.DEPENDENCY_STREAMS_PER_IP, total: config.MAX_DEPENDENCY_STREAMS }
	});
	const clientAddressOf = createClientAddressResolver(config.TRUSTED_PROXIES);
	const app = createHttpApp({
		store,
		guards: {
			originAllowed: createOriginCheck(config.ALLOWED_ORIGINS),
			clientAddressOf,
			clientNetworkOf: clientNetworkResolver(clientAddressOf, config.IPV6_LIMIT_PREFIX),
			roomsPerMinutePerIp: config.ROOMS_PER_MINUTE_PER_IP,
			quota: createRoomQuota(store, { maxRooms: config.MAX_ROOMS, minFreeDiskBytes: config.MIN_FREE_DISK_BYTES }),
			metricsToken: config.METRICS_TOKEN
		},
		persister,
		rooms,
		systems: { service: systemService, streams: dependencyStreams },
		log,
		metrics,
		webHandler: options.webHandler,
		fanoutStatus: fanout.status,
		clientConfig: { tldrawLicenseKey: config.TLDRAW_LICENSE_KEY ?? null }
	});

	let closing: Promise<void> | null = null;
	/** Stops sync, writes out every room and closes the store. Idempotent. */
	function close(): Promise<void> {
		closing ??= (async () => {
			const started = performance.now();
			// The process stays up until this is done, whoever called it: compactions and the store's
			// checkpoints run in unref'd workers, and once every socket was closed (Vite's dev server
			// closes its own alongside) nothing else held the event loop: the process ended mid-close,
			// with no room written out (tests/integration/dev-server.test.ts).
			const keepAlive = setInterval(() => undefined, 1_000);
			try {
				await closeEverything(started);
			} finally {
				clearInterval(keepAlive);
			}
		})();
		return closing;
	}
	async function closeEverything(started: number): Promise<void> {
		sync.stopHeartbeat();
		sync.closeAll();
		dependencyStreams.closeAll();
		const flushed = Promise.race([
			(async () => {
				await persister.flushNow();
				await rooms.closeAll();
				// What the last commits changed is kept for the next start's system pages.
				await figures.flush();
			})(),
			new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), SHUTDOWN_FLUSH_TIMEOUT_MS).unref())
		]);
		if ((await flushed) === 'timeout') log.error('shutdown: store did not accept queued writes in time');
		figures.close();
		await fanout.close();
		await store.close();
		log.info('rooms written out and store closed', { durationMs: Math.round(performance.now() - started) });
	}

	return { config, log, metrics, store, fanout, persister, rooms, figures, sync, app, close };
}

export type Threatboard = ReturnType<typeof createThreatboard>;

/** Starts an HTTP server for a Threatboard on config.HOST:config.PORT (0 picks a free port). */
export async function startServer(options: ThreatboardOptions) {
	const tb = createThreatboard(options);
	try {
		await tb.store.ping(); // fail fast on an unreachable database, before taking clients
	} catch (err) {
		await tb.close().catch(() => undefined);
		throw new Error(`the ${tb.store.kind} store is unreachable: ${errorMessage(err)}`);
	}
	const server = http.createServer(serverTimeouts(tb.config.HEADERS_TIMEOUT_MS), tb.app);
	limitSockets(server, {
		maxPerAddress: tb.config.MAX_HTTP_CONNECTIONS_PER_IP,
		isTrustedProxy: createTrustedProxyCheck(tb.config.TRUSTED_PROXIES),
		ipv6LimitPrefix: tb.config.IPV6_LIMIT_PREFIX
	});
	tb.sync.attach(server);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(tb.config.PORT, tb.config.HOST, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const host = tb.config.HOST.includes(':') ? `[${tb.config.HOST}]` : tb.config.HOST;
	const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
	return {
		...tb,
		server,
		port,
		url,
		async close() {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			await tb.close();
			server.closeAllConnections();
			await closed;
		}
	};
}

export type RunningServer = Awaited<ReturnType<typeof startServer>>;
