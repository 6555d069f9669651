/**
 * The express app: JSON API under /api, /healthz, /metrics, then the SvelteKit handler for pages.
 * Every error leaves as JSON with a stable code; nothing a client sends can crash the process.
 */
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ApiErrorCode, CreateRoomRequest, type ApiError, type ClientConfigResponse, type RoomInfoResponse } from '#shared/wire/api';
import { isRoomId, isSecret } from '#shared/ids';
import { hashSecret } from '../auth/secrets.ts';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { Persister } from '../persistence/persister.ts';
import { createRoom } from '../rooms/room-service.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { createFacilitationRouter } from '../facilitation/router.ts';
import { createExportRouter } from './export-routes.ts';
import { createImportRouter } from './import-routes.ts';

const MAX_JSON_BODY = '64kb';

export interface AppDeps {
	store: DocStore;
	persister: Persister;
	log: Logger;
	metrics: Metrics;
	/** Loaded rooms, for facilitator commands (server/facilitation); absent in API-only tests. */
	rooms?: RoomManager;
	/** Serves pages and assets (SvelteKit's adapter-node handler); absent in API-only tests. */
	webHandler?: RequestHandler;
	/** State of the link to other instances (server/scale-out); reported, never a reason for 503. */
	fanoutStatus?: () => 'off' | 'ok' | 'down';
	/** What GET /api/config tells browsers. */
	clientConfig?: ClientConfigResponse;
}

function sendError(res: Response, status: number, code: ApiErrorCode, message: string, issues?: z.core.$ZodIssue[]) {
	const body: ApiError = { error: { code, message } };
	if (issues) body.error.issues = issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
	res.status(status).json(body);
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
	const { store, persister, log, metrics } = deps;
	const app = express();
	app.disable('x-powered-by');
	app.set('etag', false);
	app.use(securityHeaders);
	app.use(['/api', '/healthz', '/metrics'], strictCsp);

	const api = express.Router();
	api.use(express.json({ limit: MAX_JSON_BODY, strict: true, type: () => true }));
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
		const id = req.params.id;
		let info: RoomInfoResponse | undefined;
		if (isRoomId(id)) {
			const record = await store.getRoom(id);
			if (record) info = { title: record.title, createdAt: record.createdAt, role: 'participant' };
		} else if (isSecret(id)) {
			const record = await store.getRoomByObserverHash(hashSecret(id));
			if (record) info = { title: record.title, createdAt: record.createdAt, role: 'observer' };
		}
		if (!info) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		res.json(info);
	});

	api.get('/config', (_req, res) => {
		res.json(deps.clientConfig ?? { tldrawLicenseKey: null });
	});

	if (deps.rooms) api.use(createFacilitationRouter({ store, rooms: deps.rooms, log }));
	api.use((_req, res) => sendError(res, 404, ApiErrorCode.NotFound, 'no such API endpoint'));
	// Ahead of `api`: the import has its own, larger body limit.
	app.use('/api', createImportRouter({ store, log }));
	if (deps.rooms) app.use('/api', createExportRouter({ store, rooms: deps.rooms, log }));
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

	app.get('/metrics', async (_req, res) => {
		res.setHeader('Content-Type', metrics.registry.contentType);
		res.send(await metrics.registry.metrics());
	});

	if (deps.webHandler) app.use(deps.webHandler);

	const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
		if (res.headersSent) return next(err);
		const type = (err as { type?: string }).type;
		if (type === 'entity.parse.failed') return sendError(res, 400, ApiErrorCode.InvalidJson, 'request body is not valid JSON');
		if (type === 'entity.too.large') return sendError(res, 413, ApiErrorCode.PayloadTooLarge, 'request body too large');
		log.error('request failed', { error: errorMessage(err) });
		sendError(res, 500, ApiErrorCode.Internal, 'internal error');
	};
	app.use(onError);
	return app;
}
