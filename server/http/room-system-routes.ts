/**
 * What a workshop reads of its system (issue 15; shapes in src/lib/shared/systems/contract.ts),
 * with any link to the room, observer links included (a dependency element is read-only):
 *
 *   GET /api/rooms/<id>/system                     → RoomSystemResponse
 *   GET /api/rooms/<id>/dependencies?refs=a,b      → DependenciesResponse
 *   GET /api/rooms/<id>/dependencies/events?refs=  → Server-Sent Events of DependenciesResponse
 *   GET /api/rooms/<id>/dependents                 → DependentsResponse
 *
 * Unknown rooms are 404; a ref outside the room's system answers `unknown` (system-service.ts).
 */
import express, { type Request, type Response } from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { MAX_DEPENDENCY_REFS, ModelRef, type DependenciesResponse, type DependentsResponse, type RoomSystemResponse } from '#shared/systems/contract';
import type { ClientNetworkOf } from '../auth/client-address.ts';
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import { resolveRoom, type ResolvedRoom } from '../rooms/resolve.ts';
import type { DependencyStreams } from '../systems/dependency-streams.ts';
import type { SystemService } from '../systems/system-service.ts';
import { sendError } from './errors.ts';

export interface RoomSystemRouterDeps {
	store: DocStore;
	service: SystemService;
	streams: DependencyStreams;
	/** The key per-address limits count a request's client under (server/auth/client-address.ts). */
	clientNetworkOf: ClientNetworkOf;
}

/** Reads per room per second (with bursts): a dependents answer reads every board of the system. */
const READS_PER_SECOND = 10;
const READ_BURST = 40;
const MAX_RATE_KEYS = 10_000;

/** The refs of `?refs=a,b,c`: distinct, in order; a string error message when malformed. */
export function parseRefs(value: unknown): ModelRef[] | string {
	if (value === undefined || value === '') return [];
	if (typeof value !== 'string') return 'refs is one comma-separated list of model refs';
	const parts = value.split(',');
	if (parts.length > MAX_DEPENDENCY_REFS) return `at most ${MAX_DEPENDENCY_REFS} refs`;
	const refs: ModelRef[] = [];
	for (const part of parts) {
		const parsed = ModelRef.safeParse(part);
		if (!parsed.success) return 'a model ref is 16 characters of A-Z, a-z, 0-9, _ and -';
		if (!refs.includes(parsed.data)) refs.push(parsed.data);
	}
	return refs;
}

export function createRoomSystemRouter(deps: RoomSystemRouterDeps): express.Router {
	const { store, service, streams } = deps;
	const reads = new RateLimiter({ perSecond: READS_PER_SECOND, burst: READ_BURST, maxKeys: MAX_RATE_KEYS });
	const router = express.Router();

	async function readable(req: Request, res: Response): Promise<RoomRecord | undefined> {
		return (await readableWithAccess(req, res))?.record;
	}

	async function readableWithAccess(req: Request, res: Response): Promise<ResolvedRoom | undefined> {
		const resolved = await resolveRoom(store, String(req.params.id));
		if (!resolved) return void sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		if (!reads.take(resolved.record.roomId)) {
			res.setHeader('Retry-After', '1');
			return void sendError(res, 429, ApiErrorCode.RateLimited, 'Too many requests for this workshop at once. Try again in a moment.');
		}
		return resolved;
	}

	/** What the caller may ask about: an observer link, only the models its diagram references. */
	async function shownTo(resolved: ResolvedRoom): Promise<ReadonlySet<ModelRef> | undefined> {
		return resolved.access === 'observer' ? service.referencedBy(resolved.record.roomId) : undefined;
	}

	function refsOf(req: Request, res: Response): ModelRef[] | undefined {
		const refs = parseRefs(req.query.refs);
		if (typeof refs === 'string') return void sendError(res, 400, ApiErrorCode.InvalidRequest, refs);
		return refs;
	}

	router.get('/rooms/:id/system', async (req, res) => {
		const record = await readable(req, res);
		if (!record) return;
		res.json((await service.roomSystem(record.roomId)) satisfies RoomSystemResponse);
	});

	router.get('/rooms/:id/dependencies', async (req, res) => {
		const refs = refsOf(req, res);
		const resolved = refs && (await readableWithAccess(req, res));
		if (!refs || !resolved) return;
		res.json({ dependencies: await service.dependencies(resolved.record.roomId, refs, await shownTo(resolved)) } satisfies DependenciesResponse);
	});

	router.get('/rooms/:id/dependencies/events', async (req, res) => {
		const refs = refsOf(req, res);
		const resolved = refs && (await readableWithAccess(req, res));
		if (!refs || !resolved) return;
		const record = resolved.record;
		const only = await shownTo(resolved);
		const address = deps.clientNetworkOf(req);
		const refusal = streams.refusal(record.roomId, address);
		if (refusal) {
			res.setHeader('Retry-After', '10');
			return sendError(res, 429, ApiErrorCode.RateLimited, refusal);
		}
		streams.open(res, record.roomId, address, refs, only);
	});

	router.get('/rooms/:id/dependents', async (req, res) => {
		const record = await readable(req, res);
		if (!record) return;
		res.json({ dependents: await service.dependents(record.roomId) } satisfies DependentsResponse);
	});

	return router;
}
