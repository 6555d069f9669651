/**
 * Iterations over HTTP (issue 15; shapes and routes in src/lib/shared/iterations/api.ts). The
 * facilitator starts the next iteration with the facilitator key; whoever may export the room
 * (its room id or observer id, as export-routes.ts) may list, export and diff its iterations.
 * Unknown rooms and iterations are 404 alike, so nothing tells one room's iterations from another's.
 */
import type { ClientNetworkOf } from '../auth/client-address.ts';
import express, { type Request, type Response } from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { isRoomId } from '#shared/ids';
import { EXPORT_FORMATS, exportFileName, isExportFormat } from '#shared/export/formats';
import type { IterationInfo, IterationListResponse } from '#shared/iterations/api';
import { MAX_ITERATIONS_PER_ROOM, StartIterationRequest } from '#shared/iterations/api';
import { identifyFacilitator } from '../facilitation/keys.ts';
import { sharedExportRunner, type ExportRunner } from '../export/export-runner.ts';
import type { RoomState } from '../export/export-worker.ts';
import { committedRoomState } from '../export/room-state.ts';
import { freezeIteration, iterationInfo } from '../iterations/iterations.ts';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import { resolveRoom } from '../rooms/resolve.ts';
import { NotSettledError } from '../rooms/room-doc.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { sendError } from './errors.ts';
import { claimExport, renderOrFail, socketNetworkOf } from './export-routes.ts';
import { bearerKey } from './facilitator-auth.ts';

export interface IterationRouterDeps {
	store: DocStore;
	rooms: RoomManager;
	log: Logger;
	/** The server clock (ms since the epoch); tests pass a fixed one. */
	now?: () => number;
	/** Where exports and diffs are made; the process's export worker by default. */
	exporter?: ExportRunner;
	/** The key the per-address export limit counts a request's client under (server/auth/client-address.ts). */
	clientNetworkOf?: ClientNetworkOf;
}

/** Reads per room per second (with bursts): each one decompresses or renders a whole room. */
const READS_PER_SECOND = 5;
const READ_BURST = 20;
/** Freezes per room: a facilitator double-clicking gets one iteration, not a flood of them. */
const FREEZES_PER_SECOND = 0.5;
const FREEZE_BURST = 2;
const MAX_RATE_KEYS = 10_000;
/** 1 to 999,999,999: a whole number, no sign, no leading zero, no exponent. */
const ITERATION_NUMBER = /^[1-9][0-9]{0,8}$/;

const NO_WORKSHOP = 'no such workshop';

export function createIterationRouter(deps: IterationRouterDeps): express.Router {
	const { store, rooms, log } = deps;
	const now = deps.now ?? Date.now;
	const exporter = deps.exporter ?? sharedExportRunner();
	const networkOf = deps.clientNetworkOf ?? socketNetworkOf;
	const reads = new RateLimiter({ perSecond: READS_PER_SECOND, burst: READ_BURST, maxKeys: MAX_RATE_KEYS });
	const freezes = new RateLimiter({ perSecond: FREEZES_PER_SECOND, burst: FREEZE_BURST, maxKeys: MAX_RATE_KEYS });
	const router = express.Router();

	/** The room `id` opens, within its read rate; else an error was sent and the result is undefined. */
	async function readable(req: Request, res: Response): Promise<RoomRecord | undefined> {
		const record = (await resolveRoom(store, String(req.params.id)))?.record;
		if (!record) return void sendError(res, 404, ApiErrorCode.NotFound, NO_WORKSHOP);
		if (!reads.take(record.roomId)) {
			res.setHeader('Retry-After', '1');
			return void sendError(res, 429, ApiErrorCode.RateLimited, 'Too many requests for this workshop at once. Try again in a moment.');
		}
		return record;
	}

	/** The stored iteration named by a path parameter (its gzipped snapshot); else an error was sent. */
	async function iteration(record: RoomRecord, value: string, res: Response): Promise<Uint8Array | undefined> {
		if (!ITERATION_NUMBER.test(value)) return void sendError(res, 400, ApiErrorCode.InvalidRequest, 'An iteration is a whole number from 1.');
		const stored = await store.getIteration(record.roomId, Number(value));
		if (!stored) return void sendError(res, 404, ApiErrorCode.NotFound, `This workshop has no iteration ${value}.`);
		return stored.data;
	}

	/** The room's committed state now; sends 503 and resolves undefined when it cannot be read. */
	async function live(record: RoomRecord, res: Response): Promise<RoomState | undefined> {
		try {
			return await committedRoomState(rooms, store, record);
		} catch (err) {
			log.error('iterations: room could not be loaded', { room: roomTag(record.roomId), error: errorMessage(err) });
			return void sendError(res, 503, ApiErrorCode.Unavailable, 'the workshop could not be loaded; try again later');
		}
	}

	router.post('/rooms/:roomId/iterations', async (req, res) => {
		const { roomId } = req.params;
		if (!isRoomId(roomId)) return sendError(res, 404, ApiErrorCode.NotFound, NO_WORKSHOP);
		const key = bearerKey(req);
		if (!key) return sendError(res, 403, ApiErrorCode.Forbidden, 'Only a facilitator can start the next iteration, and this browser holds no facilitator key.');
		const record = await store.getRoom(roomId);
		if (!record) return sendError(res, 404, ApiErrorCode.NotFound, NO_WORKSHOP);
		const room = await rooms.acquire(record);
		let frozen: IterationInfo | undefined;
		try {
			const identity = identifyFacilitator(record, room.docs.control.doc, key);
			if (!identity) return sendError(res, 403, ApiErrorCode.Forbidden, 'Only a facilitator can start the next iteration: your key is not (or no longer) a facilitator key of this workshop.');
			// Counted once the key is good, so nobody without one can use up a facilitator's turns.
			if (!freezes.take(roomId)) {
				res.setHeader('Retry-After', '2');
				return sendError(res, 429, ApiErrorCode.RateLimited, 'An iteration was just started. Try again in a moment.');
			}
			const body = StartIterationRequest.safeParse(req.body ?? {});
			if (!body.success) return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid iteration request', body.error.issues);
			frozen = await freezeIteration(store, room, { identity, name: body.data.name }, now(), exporter);
		} catch (err) {
			if (err instanceof NotSettledError) {
				res.setHeader('Retry-After', '5');
				return sendError(res, 503, ApiErrorCode.Unavailable, 'The workshop could not be saved just now, so no iteration was started. Try again in a moment.');
			}
			log.error('iteration could not be frozen', { room: roomTag(roomId), error: errorMessage(err) });
			return sendError(res, 500, ApiErrorCode.Internal, 'The iteration could not be started (the server failed). The workshop is unchanged.');
		} finally {
			rooms.release(roomId);
		}
		if (!frozen) return sendError(res, 409, ApiErrorCode.Conflict, `This workshop already keeps ${MAX_ITERATIONS_PER_ROOM} iterations, the most it may.`);
		log.info('iteration frozen', { room: roomTag(roomId), number: frozen.number, bytes: frozen.bytes });
		res.status(201).json(frozen satisfies IterationInfo);
	});

	router.get('/rooms/:id/iterations', async (req, res) => {
		const record = await readable(req, res);
		if (!record) return;
		const iterations = (await store.listIterations(record.roomId)).map(iterationInfo);
		res.json({ iterations, current: (iterations.at(-1)?.number ?? 0) + 1 } satisfies IterationListResponse);
	});

	router.get('/rooms/:id/iterations/:n/export.:format', async (req, res) => {
		const { format } = req.params;
		if (!isExportFormat(format)) {
			return sendError(res, 404, ApiErrorCode.NotFound, `no such export format (use ${Object.keys(EXPORT_FORMATS).map((f) => `export.${f}`).join(', ')})`);
		}
		const record = await readable(req, res);
		if (!record) return;
		const claim = claimExport(exporter, res, record.roomId, networkOf(req));
		if (!claim) return;
		const data = await iteration(record, req.params.n, res);
		if (!data) return;
		const rendered = await renderOrFail(exporter, { kind: 'iteration', format, iteration: data }, res, log, claim);
		if (!rendered) return;
		const name = exportFileName(record.title, rendered.exportedAt, format).replace(/(\.[a-z.]+)$/, `-iteration-${req.params.n}$1`);
		res.setHeader('Content-Type', EXPORT_FORMATS[format].contentType);
		res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
		res.send(rendered.body);
	});

	/** The changes since an iteration, as the diff's JSON or as the report with a changes section. */
	async function changes(req: Request, res: Response, output: 'json' | 'md'): Promise<void> {
		const record = await readable(req, res);
		if (!record) return;
		const claim = claimExport(exporter, res, record.roomId, networkOf(req));
		if (!claim) return;
		const data = await iteration(record, String(req.params.n), res);
		const state = data && (await live(record, res));
		if (!data || !state) return;
		const since = Number(req.params.n);
		const rendered = await renderOrFail(exporter, { kind: 'diff', output, since, iteration: data, state, exportedAt: now() }, res, log, claim);
		if (!rendered) return;
		if (output === 'json') {
			res.type('application/json').send(rendered.body);
			return;
		}
		res.setHeader('Content-Type', EXPORT_FORMATS.md.contentType);
		res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(record.title, rendered.exportedAt, 'md').replace(/\.md$/, `-since-iteration-${since}.md`)}"`);
		res.send(rendered.body);
	}
	router.get('/rooms/:id/iterations/:n/diff', (req, res) => changes(req, res, 'json'));
	router.get('/rooms/:id/iterations/:n/changes.md', (req, res) => changes(req, res, 'md'));

	return router;
}
