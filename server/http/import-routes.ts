/**
 * POST /api/rooms/import: a Threatboard JSON export, a Threat Dragon v2 model, a threat-composer
 * export or an Open Threat Model file (recognised by content, src/lib/shared/interop/) becomes a
 * new room, made exactly as POST /api/rooms makes one. Answers 201 with the room's links and keys
 * and the import report (what was created, what could not be carried over), or 400/413 with what
 * is wrong and where in the file.
 *
 * The body is taken raw (at most 8 MiB) and handed to the import worker, which parses, converts
 * and builds both documents off the event loop; this thread only stores the finished snapshots.
 * Mounted ahead of the JSON API router, because it carries its own, larger body limit. Imports
 * count against the per-address creation limit and the room quota (guards.ts), and the worker
 * runs a few at a time: beyond, the answer is 503 before the body is read (up to 8 MiB a request,
 * which a busy server should not take in only to refuse), and the connection is closed.
 */
import express from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { MAX_IMPORT_BYTES } from '#shared/export/json';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import { ImportBusyError, sharedImportRunner, type ImportRunner } from '../import/import-runner.ts';
import { createRoom } from '../rooms/room-service.ts';
import { sendError as fail } from './errors.ts';

export interface ImportRouterDeps {
	store: DocStore;
	log: Logger;
	/** Where imports are built; the process's worker by default. */
	importer?: ImportRunner;
	now?: () => number;
}

const STATUS_BY_CODE = { invalid_json: 400, invalid_request: 400, payload_too_large: 413 } as const;

/**
 * The body as bytes the worker can own (they are transferred, not copied): a large body is a
 * buffer of its own already; a small one may share Node's buffer pool and is copied.
 */
function ownBytes(body: Buffer): Uint8Array {
	const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
	return whole ? new Uint8Array(body.buffer, 0, body.byteLength) : new Uint8Array(body);
}

export function createImportRouter(deps: ImportRouterDeps): express.Router {
	const { store, log } = deps;
	const now = deps.now ?? Date.now;
	const importer = deps.importer ?? sharedImportRunner();
	const router = express.Router();

	const busy = (res: express.Response) => {
		res.setHeader('Retry-After', '5');
		return fail(res, 503, ApiErrorCode.Unavailable, 'The server is busy with other imports. Try again in a moment.');
	};
	const refuseWhenBusy: express.RequestHandler = (_req, res, next) => {
		res.setHeader('Cache-Control', 'no-store');
		if (!importer.busy) return next();
		// The body is left unread: the connection cannot carry another request after it.
		res.setHeader('Connection', 'close');
		busy(res);
	};

	// The body limit holds for the decoded body: a gzip-encoded body inflates to at most
	// MAX_IMPORT_BYTES before it is refused with 413 (tests/integration/import-api.test.ts).
	router.post('/rooms/import', refuseWhenBusy, express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }), async (req, res) => {
		const bytes = ownBytes(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
		// Read before the bytes are handed over (transferred) to the worker.
		const size = bytes.byteLength;
		const started = performance.now();
		let built;
		try {
			built = await importer.run(bytes, now());
		} catch (err) {
			if (err instanceof ImportBusyError) return busy(res);
			log.error('import failed', { bytes: size, error: errorMessage(err) });
			return fail(res, 500, ApiErrorCode.Internal, 'the file could not be imported (the server failed, not the file)');
		}
		if (!built.ok) return fail(res, STATUS_BY_CODE[built.code], built.code, built.message, built.issues);

		const created = await createRoom(store, {
			title: built.title,
			initial: { createdAt: built.createdAt, board: built.board, control: built.control }
		});
		const { created: counts, format } = built.report;
		log.info('room imported', {
			room: roomTag(created.roomId),
			format,
			bytes: size,
			durationMs: Math.round(performance.now() - started),
			threats: counts.threats,
			elements: counts.elements
		});
		res.status(201).json({ ...created, report: built.report });
	});

	return router;
}
