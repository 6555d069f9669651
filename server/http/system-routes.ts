/**
 * The systems API (issue 15, item 2; routes and who may do what in src/lib/shared/systems/api.ts).
 * Thin over server/systems/: links are resolved by SystemService, rooms are created by the room
 * service, a room's facilitator key is checked by the facilitation feature. Unknown systems are
 * 404 whatever link was tried; a wrong owner or facilitator key is 403.
 */
import express, { type Request, type Response } from 'express';
import { ApiErrorCode, type CreateRoomResponse } from '#shared/wire/api';
import { createRoomId, createSecret } from '#shared/ids';
import { AddModelRequest, CreateSystemRequest, FACILITATOR_KEY_HEADER, MAX_MODELS_PER_SYSTEM, RenameSystemRequest, type AddModelResponse, type CreateSystemResponse, type SystemView } from '#shared/systems/api';
import { ModelRef } from '#shared/systems/contract';
import { systemMemberPath, systemObserverPath, systemOwnerPath } from '#shared/systems/links';
import { toSystemReportJson, toSystemReportMarkdown, systemReportFileName } from '#shared/systems/report';
import { hashSecret } from '../auth/secrets.ts';
import { identifyFacilitator } from '../facilitation/keys.ts';
import type { Logger } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { SystemRecord } from '../persistence/system-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import { createRoom } from '../rooms/room-service.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { DependencyStreams } from '../systems/dependency-streams.ts';
import { createModelRef } from '../systems/model-ref.ts';
import type { ResolvedSystem, SystemService } from '../systems/system-service.ts';
import { sendError } from './errors.ts';
import { bearerKey } from './facilitator-auth.ts';

export interface SystemRouterDeps {
	store: DocStore;
	rooms: RoomManager;
	service: SystemService;
	streams: DependencyStreams;
	log: Logger;
	now?: () => number;
}

const NO_SYSTEM = 'no such system';
/** Views and reports per system per second (with bursts): each reads every model's board. */
const READS_PER_SECOND = 5;
const READ_BURST = 20;
const MAX_RATE_KEYS = 10_000;

export function createSystemRouter(deps: SystemRouterDeps): express.Router {
	const { store, rooms, service, streams, log } = deps;
	const now = deps.now ?? Date.now;
	const reads = new RateLimiter({ perSecond: READS_PER_SECOND, burst: READ_BURST, maxKeys: MAX_RATE_KEYS });
	const router = express.Router();

	async function resolved(req: Request, res: Response): Promise<ResolvedSystem | undefined> {
		const system = await service.resolve(String(req.params.id), bearerKey(req));
		if (!system) return void sendError(res, 404, ApiErrorCode.NotFound, NO_SYSTEM);
		return system;
	}

	async function owned(req: Request, res: Response): Promise<SystemRecord | undefined> {
		const system = await resolved(req, res);
		if (!system) return undefined;
		if (system.access !== 'owner') {
			return void sendError(res, 403, ApiErrorCode.Forbidden, bearerKey(req) ? 'That is not the owner key of this system.' : 'This needs the system’s owner key.');
		}
		return system.record;
	}

	async function readable(req: Request, res: Response): Promise<SystemView | undefined> {
		const system = await resolved(req, res);
		if (!system) return undefined;
		if (!reads.take(system.record.systemId)) {
			res.setHeader('Retry-After', '1');
			return void sendError(res, 429, ApiErrorCode.RateLimited, 'Too many requests for this system at once. Try again in a moment.');
		}
		return service.view(system, now());
	}

	router.post('/systems', async (req, res) => {
		const parsed = CreateSystemRequest.safeParse(req.body ?? {});
		if (!parsed.success) return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid system request', parsed.error.issues);
		const systemId = createRoomId();
		const ownerKey = createSecret();
		const observerId = createSecret();
		const createdAt = now();
		const { name } = parsed.data;
		await store.systems.createSystem({ systemId, name, ownerKeyHash: hashSecret(ownerKey), observerIdHash: hashSecret(observerId), createdAt });
		const links = { owner: systemOwnerPath(systemId, ownerKey), member: systemMemberPath(systemId), observer: systemObserverPath(observerId) };
		res.status(201).json({ systemId, name, createdAt, ownerKey, observerId, links } satisfies CreateSystemResponse);
	});

	router.get('/systems/:id', async (req, res) => {
		const view = await readable(req, res);
		if (view) res.json(view);
	});

	router.patch('/systems/:id', async (req, res) => {
		const record = await owned(req, res);
		if (!record) return;
		const parsed = RenameSystemRequest.safeParse(req.body ?? {});
		if (!parsed.success) return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid rename request', parsed.error.issues);
		await store.systems.renameSystem(record.systemId, parsed.data.name);
		res.json({ name: parsed.data.name });
	});

	router.post('/systems/:id/models', async (req, res) => {
		const system = await resolved(req, res);
		if (!system) return;
		const parsed = AddModelRequest.safeParse(req.body ?? {});
		if (!parsed.success) return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid model request', parsed.error.issues);
		const { record } = system;
		const modelRef = createModelRef();

		if (!('roomId' in parsed.data)) {
			// A new workshop: the member link (or the owner key) may; the observer link may not.
			if (system.access === 'observer') return sendError(res, 403, ApiErrorCode.Forbidden, 'The observer link of a system cannot add workshops to it.');
			if ((await store.systems.listModels(record.systemId)).filter((m) => m.removedAt === null).length >= MAX_MODELS_PER_SYSTEM) {
				return sendError(res, 409, ApiErrorCode.Conflict, `This system already holds ${MAX_MODELS_PER_SYSTEM} models, the most it may.`);
			}
			const room: CreateRoomResponse = await createRoom(store, { title: parsed.data.title });
			const added = await store.systems.addModel({ systemId: record.systemId, modelRef, roomId: room.roomId, name: room.title, addedAt: now() }, MAX_MODELS_PER_SYSTEM);
			if (added !== 'added') return sendError(res, 409, ApiErrorCode.Conflict, `This system already holds ${MAX_MODELS_PER_SYSTEM} models, the most it may.`);
			service.joined(room.roomId);
			streams.systemChanged();
			log.info('system model created', { models: 1 });
			return res.status(201).json({ modelRef, name: room.title, room } satisfies AddModelResponse);
		}

		// An existing workshop: the system's owner key and the workshop's facilitator key, both.
		if (system.access !== 'owner') {
			return sendError(res, 403, ApiErrorCode.Forbidden, 'Adding an existing workshop needs the system’s owner key (Authorization: Bearer).');
		}
		const facilitatorKey = req.headers[FACILITATOR_KEY_HEADER];
		const roomRecord = await store.getRoom(parsed.data.roomId);
		if (typeof facilitatorKey !== 'string' || !roomRecord) {
			return sendError(res, 403, ApiErrorCode.Forbidden, 'Adding an existing workshop needs its link and its facilitator key (X-Facilitator-Key).');
		}
		const room = await rooms.acquire(roomRecord);
		let facilitator: boolean;
		let title = roomRecord.title;
		try {
			facilitator = identifyFacilitator(roomRecord, room.docs.control.doc, facilitatorKey) !== undefined;
			// The board is read for its title only for a caller with the key.
			if (facilitator) {
				title = (await service.figures({ systemId: record.systemId, modelRef, roomId: roomRecord.roomId, name: roomRecord.title, addedAt: 0, removedAt: null }))?.title ?? title;
			}
		} finally {
			rooms.release(roomRecord.roomId);
		}
		// Unknown room and wrong key answer alike: the answer tells nothing about the room.
		if (!facilitator) return sendError(res, 403, ApiErrorCode.Forbidden, 'Adding an existing workshop needs its link and its facilitator key (X-Facilitator-Key).');
		const added = await store.systems.addModel({ systemId: record.systemId, modelRef, roomId: roomRecord.roomId, name: title, addedAt: now() }, MAX_MODELS_PER_SYSTEM);
		if (added === 'taken') return sendError(res, 409, ApiErrorCode.Conflict, 'This workshop already belongs to a system. Remove it there first.');
		if (added === 'full') return sendError(res, 409, ApiErrorCode.Conflict, `This system already holds ${MAX_MODELS_PER_SYSTEM} models, the most it may.`);
		service.joined(roomRecord.roomId);
		streams.systemChanged();
		res.status(200).json({ modelRef, name: title } satisfies AddModelResponse);
	});

	router.delete('/systems/:id/models/:modelRef', async (req, res) => {
		const record = await owned(req, res);
		if (!record) return;
		const ref = ModelRef.safeParse(req.params.modelRef);
		if (!ref.success || !(await store.systems.removeModel(record.systemId, ref.data, now()))) {
			return sendError(res, 404, ApiErrorCode.NotFound, 'This system has no such model (or it was already removed).');
		}
		streams.systemChanged();
		res.status(204).end();
	});

	router.post('/systems/:id/models/:modelRef/restore', async (req, res) => {
		const record = await owned(req, res);
		if (!record) return;
		const ref = ModelRef.safeParse(req.params.modelRef);
		const restored = ref.success ? await store.systems.restoreModel(record.systemId, ref.data, MAX_MODELS_PER_SYSTEM) : 'missing';
		if (restored === 'missing') return sendError(res, 404, ApiErrorCode.NotFound, 'This system has no such archived model.');
		if (restored === 'taken') return sendError(res, 409, ApiErrorCode.Conflict, 'This workshop has joined a system since it was archived. Remove it there first.');
		if (restored === 'full') return sendError(res, 409, ApiErrorCode.Conflict, `This system already holds ${MAX_MODELS_PER_SYSTEM} models, the most it may.`);
		streams.systemChanged();
		res.status(204).end();
	});

	router.get('/systems/:id/report.:format', async (req, res) => {
		const { format } = req.params;
		if (format !== 'md' && format !== 'json') return sendError(res, 404, ApiErrorCode.NotFound, 'no such report format (use report.md or report.json)');
		const view = await readable(req, res);
		if (!view) return;
		res.setHeader('Content-Disposition', `attachment; filename="${systemReportFileName(view, format)}"`);
		if (format === 'json') {
			res.setHeader('Content-Type', 'application/json; charset=utf-8');
			return res.send(JSON.stringify(toSystemReportJson(view), null, 2));
		}
		res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
		res.send(toSystemReportMarkdown(view));
	});

	return router;
}
