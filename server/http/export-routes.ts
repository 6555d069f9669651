/**
 * Exports over HTTP, for automation (the workshop's Export menu renders in the browser from its
 * own copy of the documents and needs none of this):
 *
 *   GET  /api/rooms/<id>/export.<format>   (<id>: room id or observer id; formats in formats.ts:
 *        md, json, csv, td.json for Threat Dragon, tc.json for threat-composer)
 *
 * The snapshot and its rendering are made in the export worker (server/export/), from the room's
 * committed updates; past a few exports at once in the process the answer is 503. The import is
 * import-routes.ts.
 */
import { addressLimitKey, type ClientNetworkOf } from '../auth/client-address.ts';
import express from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { exportFileName, isExportFormat, EXPORT_FORMATS } from '#shared/export/formats';
import { ExportBusyError, sharedExportRunner, type ExportClaim, type ExportRunner } from '../export/export-runner.ts';
import { committedRoomState } from '../export/room-state.ts';
import type { ExportResult, RenderTask } from '../export/export-worker.ts';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import { resolveRoom } from '../rooms/resolve.ts';
import { WorkerTaskError } from '../worker-entry.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { sendError } from './errors.ts';

export interface ExportRouterDeps {
	store: DocStore;
	rooms: RoomManager;
	log: Logger;
	/** The server clock (ms since the epoch) stamped on exports; tests pass a fixed one. */
	now?: () => number;
	/** Where exports are rendered; the process's worker by default. */
	exporter?: ExportRunner;
	/** The key the per-address export limit counts a request's client under (server/auth/client-address.ts). */
	clientNetworkOf?: ClientNetworkOf;
}

/** The socket's network: for routers built without the app's proxy-aware reading (tests). */
export const socketNetworkOf: ClientNetworkOf = (req) => addressLimitKey(req.socket.remoteAddress ?? '');

/** Exports per room per second (with bursts): each one renders the whole room. */
const EXPORTS_PER_SECOND = 5;
const EXPORT_BURST = 20;

export function createExportRouter(deps: ExportRouterDeps): express.Router {
	const { store, rooms, log } = deps;
	const now = deps.now ?? Date.now;
	const exporter = deps.exporter ?? sharedExportRunner();
	const networkOf = deps.clientNetworkOf ?? socketNetworkOf;
	const exportLimiter = new RateLimiter({ perSecond: EXPORTS_PER_SECOND, burst: EXPORT_BURST, maxKeys: 10_000 });
	const router = express.Router();
	router.use((_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		next();
	});

	router.get('/rooms/:roomId/export.:format', async (req, res) => {
		const { roomId, format } = req.params;
		if (!isExportFormat(format)) {
			return sendError(res, 404, ApiErrorCode.NotFound, `no such export format (use ${Object.keys(EXPORT_FORMATS).map((f) => `export.${f}`).join(', ')})`);
		}
		const record = (await resolveRoom(store, roomId))?.record;
		if (!record) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		if (!exportLimiter.take(record.roomId)) {
			res.setHeader('Retry-After', '1');
			return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many exports at once. Try again in a moment.');
		}
		const claim = claimExport(exporter, res, record.roomId, networkOf(req));
		if (!claim) return;
		const exportedAt = now();
		let state;
		try {
			state = await committedRoomState(rooms, store, record);
		} catch (err) {
			log.error('export: room could not be loaded', { room: roomTag(record.roomId), error: errorMessage(err) });
			return sendError(res, 503, ApiErrorCode.Unavailable, 'the workshop could not be loaded; try again later');
		}
		const rendered = await renderOrFail(exporter, { kind: 'room', format, state, exportedAt }, res, log, claim);
		if (!rendered) return;
		res.setHeader('Content-Type', EXPORT_FORMATS[format].contentType);
		res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(record.title, exportedAt, format)}"`);
		res.send(rendered.body);
	});

	return router;
}

/**
 * Runs an export task; on failure sends 503 (too many at once, with Retry-After; or a board
 * written by newer code) or 500, and resolves undefined. Shared by the export and iteration routes.
 */
export async function renderOrFail(exporter: ExportRunner, task: RenderTask, res: express.Response, log: Logger, claim: ExportClaim): Promise<ExportResult | undefined> {
	const { roomId } = claim;
	try {
		return await exporter.run(task, claim);
	} catch (err) {
		if (err instanceof ExportBusyError) return void sendExportsBusy(res);
		if (err instanceof WorkerTaskError && err.kind === 'DocumentTooNewError') {
			// As a load of the room answers: this server's code is older than the board's.
			log.error('export: board written by a newer Threatboard', { room: roomTag(roomId), kind: task.kind });
			return void sendError(res, 503, ApiErrorCode.Unavailable, 'This workshop was saved by a newer version of Threatboard than this server runs.');
		}
		log.error('export failed', { room: roomTag(roomId), kind: task.kind, error: errorMessage(err) });
		return void sendError(res, 500, ApiErrorCode.Internal, 'the export could not be made (the server failed)');
	}
}

/** 503 with Retry-After: the export worker has as much as it may take. */
export function sendExportsBusy(res: express.Response): void {
	res.setHeader('Retry-After', '2');
	sendError(res, 503, ApiErrorCode.Unavailable, 'The server is busy with other exports. Try again in a moment.');
}

/**
 * The claim of an export of this workshop for the asking client; undefined when the exporter
 * would refuse it anyway, after answering 503, before the room is gathered for it.
 */
export function claimExport(exporter: ExportRunner, res: express.Response, roomId: string, network: string): ExportClaim | undefined {
	const claim = { roomId, network };
	if (!exporter.busy(claim)) return claim;
	sendExportsBusy(res);
	return undefined;
}
