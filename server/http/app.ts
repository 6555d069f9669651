/**
 * The express app: JSON API under /api, /healthz, /metrics, then the SvelteKit handler for pages.
 * Every error leaves as JSON with a stable code; nothing a client sends can crash the process.
 */
import type { ClientAddressOf, ClientNetworkOf } from '../auth/client-address.ts';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ApiErrorCode, CreateRoomRequest, type ClientConfigResponse, type RoomInfoResponse } from '#shared/wire/api';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { Persister } from '../persistence/persister.ts';
import type { OriginCheck } from '../auth/origin.ts';
import { StoreUnavailableError, unavailableOnFailure } from '../persistence/store-errors.ts';
import type { RoomQuota } from '../rooms/room-quota.ts';
import { resolveRoom } from '../rooms/resolve.ts';
import { createRoom } from '../rooms/room-service.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { createControlRouter } from './control-routes.ts';
import { createParticipantRouter } from './participant-routes.ts';
import { sendError } from './errors.ts';
import { creationLimits, metricsAccess, requireContentType, sameSiteWrites } from './guards.ts';
import { createExportRouter } from './export-routes.ts';
import { createImportRouter } from './import-routes.ts';
import { createIterationRouter } from './iteration-routes.ts';
import { createRoomSystemRouter } from './room-system-routes.ts';
import { createSystemRouter } from './system-routes.ts';
import type { DependencyStreams } from '../systems/dependency-streams.ts';
import type { SystemService } from '../systems/system-service.ts';

const MAX_JSON_BODY = '64kb';

export interface AppDeps {
	store: DocStore;
	/** The request guards' settings (guards.ts). */
	guards: {
		originAllowed: OriginCheck;
		clientAddressOf: ClientAddressOf;
		/** The key per-address limits count a request's client under (an IPv6 client by its network). */
		clientNetworkOf: ClientNetworkOf;
		roomsPerMinutePerIp: number;
		quota: RoomQuota;
		metricsToken: string | undefined;
	};
	persister: Persister;
	log: Logger;
	metrics: Metrics;
	/** Loaded rooms, for facilitator commands (server/facilitation); absent in API-only tests. */
	rooms?: RoomManager;
	/** Serves pages and assets (SvelteKit's adapter-node handler); absent in API-only tests. */
	webHandler?: RequestHandler;
	/** State of the link to other instances (server/scale-out); reported, never a reason for 503. */
	fanoutStatus?: () => 'off' | 'ok' | 'down';
	/** Systems (server/systems/): with rooms, the systems API and the workshops' system routes. */
	systems?: { service: SystemService; streams: DependencyStreams };
	/** What GET /api/config tells browsers. */
	clientConfig?: ClientConfigResponse;
}

/**
 * Headers every response gets. Capability URLs must not leak through Referer. Pages get their
 * Content-Security-Policy from SvelteKit (svelte.config.js, which hashes its inline scripts);
 * everything else here (JSON, health, metrics) gets one that allows nothing at all.
 */
const securityHeaders: RequestHandler = (_req, res, next) => {
	res.setHeader('Referrer-Policy', 'no-referrer');
	res.setHeader('X-Content-Type-Options', 'nosniff');
	res.setHeader('X-Frame-Options', 'DENY');
	res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
	res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
	res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
	next();
};
const NOTHING_ALLOWED_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const strictCsp: RequestHandler = (_req, res, next) => {
	res.setHeader('Content-Security-Policy', NOTHING_ALLOWED_CSP);
	next();
};

export function createHttpApp(deps: AppDeps): express.Express {
	const { persister, log, metrics, guards } = deps;
	// The routes' store answers 503 (not 500) when it cannot answer (onError below).
	const store = unavailableOnFailure(deps.store);
	const app = express();
	app.disable('x-powered-by');
	app.set('etag', false);
	app.use(securityHeaders);
	app.use(['/api', '/healthz', '/metrics'], strictCsp);

	app.use('/api', sameSiteWrites(guards.originAllowed));
	// Systems and workshops created inside them count with the rooms: one limit per address.
	app.post(['/api/rooms', '/api/rooms/import', '/api/systems', '/api/systems/:id/models'], creationLimits(limitsOf(guards)));
	// An import is a file: JSON, or bytes as a file picker sends them; never a form.
	app.post('/api/rooms/import', requireContentType(['application/json', 'application/octet-stream']));
	const api = express.Router();
	api.use(requireContentType(), express.json({ limit: MAX_JSON_BODY, strict: true, type: () => true }));
	api.use((_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		next();
	});

	api.post('/rooms', async (req, res) => {
		const parsed = CreateRoomRequest.safeParse(req.body ?? {});
		if (!parsed.success) {
			return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid room request', parsed.error.issues);
		}
		const room = await createRoom(store, parsed.data);
		res.status(201).json(room);
	});

	api.get('/rooms/:id', async (req, res) => {
		const resolved = await resolveRoom(store, req.params.id);
		if (!resolved) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		const { record, access } = resolved;
		res.json({ title: record.title, createdAt: record.createdAt, role: access } satisfies RoomInfoResponse);
	});

	api.get('/config', (_req, res) => {
		res.json(deps.clientConfig ?? { tldrawLicenseKey: null });
	});

	if (deps.rooms) api.use(createControlRouter({ store, rooms: deps.rooms, log }));
	if (deps.rooms) api.use(createIterationRouter({ store, rooms: deps.rooms, log, clientNetworkOf: guards.clientNetworkOf }));
	if (deps.rooms) api.use(createParticipantRouter({ store, rooms: deps.rooms, log, clientNetworkOf: guards.clientNetworkOf }));
	if (deps.rooms && deps.systems) {
		const { service, streams } = deps.systems;
		api.use(createRoomSystemRouter({ store, service, streams, clientNetworkOf: guards.clientNetworkOf }));
		api.use(createSystemRouter({ store, rooms: deps.rooms, service, streams, log }));
	}
	api.use((_req, res) => sendError(res, 404, ApiErrorCode.NotFound, 'no such API endpoint'));
	// Ahead of `api`: the import has its own, larger body limit.
	app.use('/api', createImportRouter({ store, log }));
	if (deps.rooms) app.use('/api', createExportRouter({ store, rooms: deps.rooms, log, clientNetworkOf: guards.clientNetworkOf }));
	app.use('/api', api);

	app.get('/healthz', async (_req, res) => {
		let storeOk = true;
		try {
			await store.ping();
		} catch {
			storeOk = false;
		}
		const ready = storeOk && persister.healthy;
		res.setHeader('Cache-Control', 'no-store');
		res.status(ready ? 200 : 503).json({
			status: ready ? 'ok' : 'unavailable',
			store: storeOk ? 'ok' : 'unreachable',
			writes: persister.healthy ? 'ok' : 'failing',
			// While Redis is down each instance still serves its own clients: not a reason for 503.
			fanout: deps.fanoutStatus?.() ?? 'off'
		});
	});

	app.get('/metrics', metricsAccess({ token: guards.metricsToken, clientAddressOf: guards.clientAddressOf }), async (_req, res) => {
		res.setHeader('Content-Type', metrics.registry.contentType);
		res.send(await metrics.registry.metrics());
	});

	if (deps.webHandler) app.use(deps.webHandler);

	const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
		if (res.headersSent) return next(err);
		const type = (err as { type?: string }).type;
		if (type === 'entity.parse.failed') return sendError(res, 400, ApiErrorCode.InvalidJson, 'request body is not valid JSON');
		if (type === 'entity.too.large') return sendError(res, 413, ApiErrorCode.PayloadTooLarge, 'request body too large');
		// A path with a broken percent-encoding (express 5 decodes route parameters).
		if (err instanceof URIError || (err as { status?: number }).status === 400) {
			return sendError(res, 400, ApiErrorCode.InvalidRequest, 'malformed request path or body');
		}
		if (err instanceof StoreUnavailableError) {
			log.warn('store unavailable for a request', { error: errorMessage(err.cause) });
			res.setHeader('Retry-After', '5');
			return sendError(res, 503, ApiErrorCode.Unavailable, 'The server cannot reach its storage right now. Try again shortly.');
		}
		log.error('request failed', { error: errorMessage(err) });
		sendError(res, 500, ApiErrorCode.Internal, 'internal error');
	};
	app.use(onError);
	return app;
}

function limitsOf(guards: AppDeps['guards']) {
	return { perMinute: guards.roomsPerMinutePerIp, clientNetworkOf: guards.clientNetworkOf, quota: guards.quota };
}
