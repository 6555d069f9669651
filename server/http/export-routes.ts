/**
 * Exports and import over HTTP, for automation (the workshop's Export menu renders in the
 * browser from its own copy of the documents and needs none of this):
 *
 *   GET  /api/rooms/<id>/export.md | export.json | export.csv   (<id>: room id or observer id)
 *   POST /api/rooms/import    body: a JSON export   → 201 like POST /api/rooms (a new room)
 *
 * Mounted ahead of the JSON API router, because the import carries its own, larger body limit.
 */
import express from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { snapshotRoom } from '#shared/export/snapshot';
import { exportFileName, isExportFormat, renderExport, EXPORT_FORMATS } from '#shared/export/formats';
import { MAX_IMPORT_BYTES, parseRoomExport, writeRoomSnapshot } from '#shared/export/json';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { Persister } from '../persistence/persister.ts';
import { RateLimiter } from '../rate-limit.ts';
import { resolveRoom } from '../rooms/resolve.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { createRoom } from '../rooms/room-service.ts';
import { sendError } from './errors.ts';

export interface ExportRouterDeps {
	store: DocStore;
	rooms: RoomManager;
	persister: Persister;
	log: Logger;
	/** The server clock (ms since the epoch) stamped on exports; tests pass a fixed one. */
	now?: () => number;
}

/** Exports per room per second (with bursts): each one renders the whole room. */
const EXPORTS_PER_SECOND = 5;
const EXPORT_BURST = 20;
/** Imports per second across the server: each one builds a room of up to MAX_IMPORT_BYTES. */
const IMPORTS_PER_SECOND = 2;
const IMPORT_BURST = 10;

export function createExportRouter(deps: ExportRouterDeps): express.Router {
	const { store, rooms, persister, log } = deps;
	const now = deps.now ?? Date.now;
	const exportLimiter = new RateLimiter({ perSecond: EXPORTS_PER_SECOND, burst: EXPORT_BURST, maxKeys: 10_000 });
	const importLimiter = new RateLimiter({ perSecond: IMPORTS_PER_SECOND, burst: IMPORT_BURST, maxKeys: 1 });
	const router = express.Router();
	router.use((_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		next();
	});

	router.get('/rooms/:roomId/export.:format', async (req, res) => {
		const { roomId, format } = req.params;
		if (!isExportFormat(format)) return sendError(res, 404, ApiErrorCode.NotFound, 'no such export format (use export.md, export.json or export.csv)');
		const record = (await resolveRoom(store, roomId))?.record;
		if (!record) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		if (!exportLimiter.take(record.roomId)) {
			res.setHeader('Retry-After', '1');
			return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many exports at once. Try again in a moment.');
		}
		let room;
		try {
			room = await rooms.acquire(record);
		} catch (err) {
			log.error('export: room could not be loaded', { room: roomTag(record.roomId), error: errorMessage(err) });
			return sendError(res, 503, ApiErrorCode.Unavailable, 'the workshop could not be loaded; try again later');
		}
		let body: string;
		const exportedAt = now();
		try {
			body = renderExport(snapshotRoom(room.docs.board.doc, room.docs.control.doc, { exportedAt }), format);
		} finally {
			rooms.release(record.roomId);
		}
		res.setHeader('Content-Type', EXPORT_FORMATS[format].contentType);
		res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(record.title, exportedAt, format)}"`);
		res.send(body);
	});

	router.post('/rooms/import', express.json({ limit: MAX_IMPORT_BYTES, strict: true, type: () => true }), async (req, res) => {
		if (!importLimiter.take('import')) {
			res.setHeader('Retry-After', '1');
			return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many imports at once. Try again in a moment.');
		}
		const parsed = parseRoomExport(req.body ?? null);
		if (!parsed.ok) return sendError(res, 400, ApiErrorCode.InvalidRequest, parsed.message, parsed.issues);
		const { snapshot } = parsed;

		// A new room with its own ids and keys, exactly as POST /api/rooms makes one, then filled.
		const created = await createRoom(store, { title: snapshot.room.title.trim() || undefined });
		const record = await store.getRoom(created.roomId);
		if (!record) throw new Error('room vanished right after creation');
		const room = await rooms.acquire(record);
		try {
			writeRoomSnapshot(room.docs.board.doc, room.docs.control.doc, snapshot);
		} finally {
			rooms.release(record.roomId);
		}
		// Answer once the imported content is stored, so the new room link never shows less.
		await persister.drain();
		log.info('room imported', {
			room: roomTag(created.roomId),
			notes: snapshot.notes.length,
			canvasRecords: snapshot.canvas.records.length
		});
		res.status(201).json(created);
	});

	return router;
}
