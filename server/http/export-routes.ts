/**
 * Exports over HTTP, for automation (the workshop's Export menu renders in the browser from its
 * own copy of the documents and needs none of this):
 *
 *   GET  /api/rooms/<id>/export.<format>   (<id>: room id or observer id; formats in formats.ts:
 *        md, json, csv, td.json for Threat Dragon, tc.json for threat-composer)
 *
 * The import is import-routes.ts.
 */
import express from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { exportFileName, isExportFormat, renderExport, EXPORT_FORMATS } from '#shared/export/formats';
import { snapshotRoomNow } from '../iterations/iterations.ts';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import { resolveRoom } from '../rooms/resolve.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { sendError } from './errors.ts';

export interface ExportRouterDeps {
	store: DocStore;
	rooms: RoomManager;
	log: Logger;
	/** The server clock (ms since the epoch) stamped on exports; tests pass a fixed one. */
	now?: () => number;
}

/** Exports per room per second (with bursts): each one renders the whole room. */
const EXPORTS_PER_SECOND = 5;
const EXPORT_BURST = 20;

export function createExportRouter(deps: ExportRouterDeps): express.Router {
	const { store, rooms, log } = deps;
	const now = deps.now ?? Date.now;
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
		const exportedAt = now();
		let snapshot;
		try {
			snapshot = await snapshotRoomNow(rooms, record, exportedAt);
		} catch (err) {
			log.error('export: room could not be loaded', { room: roomTag(record.roomId), error: errorMessage(err) });
			return sendError(res, 503, ApiErrorCode.Unavailable, 'the workshop could not be loaded; try again later');
		}
		const body = renderExport(snapshot, format);
		res.setHeader('Content-Type', EXPORT_FORMATS[format].contentType);
		res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(record.title, exportedAt, format)}"`);
		res.send(body);
	});

	return router;
}
