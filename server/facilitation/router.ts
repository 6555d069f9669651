/**
 * Facilitator commands over HTTP, applied by the server to the room's control document:
 *
 *   GET  /api/time                 → { now }   the server clock, for clients' offset estimate
 *   POST /api/rooms/<id>/control   Authorization: Bearer <facilitator key>, body: ControlCommand
 *
 * Every request is authorised on its own (the key is checked against the room; it never appears
 * in URLs, bodies or logs). The change is written to the control document like any update:
 * appended to the store, then broadcast to everyone connected (server/sync/shared-doc.ts).
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiErrorCode, type ApiError } from '#shared/wire/api';
import { ControlCommand, type ControlCommandResponse, type ParsedControlCommand, type ServerTimeResponse } from '#shared/control/commands';
import { encodeFacilitatorKeyMessage } from '#shared/wire/facilitator-key';
import { MAX_GRANTS, readControl, writeControl, type ControlState } from '#shared/control/doc';
import { isRoomId } from '#shared/ids';
import type { Logger } from '../log.ts';
import { roomTag } from '../log.ts';
import type { DocStore, RoomRecord } from '../persistence/doc-store.ts';
import type { LoadedRoom, RoomManager } from '../rooms/room-manager.ts';
import type { Connection } from '../sync/connection.ts';
import { createGrantId, grantKey, identifyFacilitator, type FacilitatorIdentity } from './keys.ts';
import { RateLimiter } from './rate-limit.ts';
import { applyTransition } from './transitions.ts';

export interface FacilitationDeps {
	store: DocStore;
	rooms: RoomManager;
	log: Logger;
	/** The server clock (ms since the epoch); tests pass a fake one. */
	now?: () => number;
}

/** Commands per second per room and caller, with bursts (a facilitator clicking fast is fine). */
const COMMANDS_PER_SECOND = 10;
const COMMAND_BURST = 30;
const MAX_RATE_KEYS = 10_000;
/** The transaction origin of server-applied commands (never a connection: everyone gets them). */
export const CONTROL_ORIGIN = Symbol('facilitation');

type Outcome = { ok: true; state: ControlState; afterWrite?: () => void } | { ok: false; status: number; code: ApiErrorCode; message: string };

function sendError(res: Response, status: number, code: ApiErrorCode, message: string, issues?: z.core.$ZodIssue[]): void {
	const body: ApiError = { error: { code, message } };
	if (issues) body.error.issues = issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
	res.status(status).json(body);
}

function bearerKey(req: Request): string | undefined {
	const header = req.headers.authorization;
	const match = header ? /^Bearer\s+(\S+)$/.exec(header) : null;
	return match?.[1];
}

/** The board connection that owns an awareness client id (bound by the sync server). */
function connectionOf(room: LoadedRoom, clientId: number): Connection | undefined {
	for (const conn of room.docs.board.conns) if (!conn.closed && conn.awarenessClientIds.has(clientId)) return conn;
	return undefined;
}

const conflict = (message: string): Outcome => ({ ok: false, status: 409, code: ApiErrorCode.Conflict, message });

export function createFacilitationRouter(deps: FacilitationDeps): express.Router {
	const { store, rooms, log } = deps;
	const now = deps.now ?? Date.now;
	const limiter = new RateLimiter({ perSecond: COMMANDS_PER_SECOND, burst: COMMAND_BURST, maxKeys: MAX_RATE_KEYS });
	const router = express.Router();

	router.get('/time', (_req, res) => {
		res.json({ now: now() } satisfies ServerTimeResponse);
	});

	router.post('/rooms/:roomId/control', async (req, res) => {
		const { roomId } = req.params;
		if (!isRoomId(roomId)) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		const key = bearerKey(req);
		// Callers are told apart by what they present, so one person's flood cannot stall another.
		const caller = createHash('sha256').update(key ?? '').digest('hex').slice(0, 16);
		if (!limiter.take(`${roomId}:${caller}`)) {
			res.setHeader('Retry-After', '1');
			return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many commands at once. Try again in a moment.');
		}
		if (!key) {
			return sendError(res, 401, ApiErrorCode.Unauthorized, 'Only a facilitator can do this, and this browser holds no facilitator key.');
		}
		const record = await store.getRoom(roomId);
		if (!record) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');

		const room = await rooms.acquire(record);
		try {
			const control = room.docs.control.doc;
			const identity = identifyFacilitator(record, control, key);
			if (!identity) {
				return sendError(res, 403, ApiErrorCode.Forbidden, 'Only a facilitator can do this: your key is not (or no longer) a facilitator key of this workshop.');
			}
			const parsed = ControlCommand.safeParse(req.body ?? {});
			if (!parsed.success) return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid command', parsed.error.issues);

			const outcome = decide(room, record, identity, parsed.data, readControl(control), now());
			if (!outcome.ok) return sendError(res, outcome.status, outcome.code, outcome.message);
			writeControl(control, outcome.state, CONTROL_ORIGIN);
			outcome.afterWrite?.();
			log.info('control command', { room: roomTag(roomId), type: parsed.data.type, by: identity.kind });
			res.json({ ok: true } satisfies ControlCommandResponse);
		} finally {
			rooms.release(roomId);
		}
	});

	return router;
}

/** The new control state for a command, checking what only the live room can tell. */
function decide(
	room: LoadedRoom,
	record: RoomRecord,
	identity: FacilitatorIdentity,
	command: ParsedControlCommand,
	state: ControlState,
	now: number
): Outcome {
	switch (command.type) {
		case 'follow': {
			if (command.on && command.clientId !== undefined && connectionOf(room, command.clientId)?.role !== 'facilitator') {
				return conflict('Only a facilitator who is on the board can be followed.');
			}
			break;
		}
		case 'promote':
			return promote(room, record, identity, command, state, now);
		case 'revoke': {
			if (!state.grants.some((g) => g.grantId === command.grantId)) return conflict('There is no such co-facilitator.');
			return { ok: true, state: { ...state, grants: state.grants.filter((g) => g.grantId !== command.grantId) } };
		}
	}
	const result = applyTransition(state, command, now);
	return result.ok ? { ok: true, state: result.state } : conflict(result.message);
}

/**
 * Makes a present participant a co-facilitator: a new grant in the control document, and its
 * key sent on that participant's own connection only (their browser keeps it, so they stay
 * facilitator across reloads). With handOver, the caller's own key is revoked at the same time.
 */
function promote(
	room: LoadedRoom,
	record: RoomRecord,
	identity: FacilitatorIdentity,
	command: Extract<ParsedControlCommand, { type: 'promote' }>,
	state: ControlState,
	now: number
): Outcome {
	const target = connectionOf(room, command.clientId);
	if (!target) return conflict('That person is no longer connected.');
	if (target.role === 'observer') return conflict('An observer cannot become a facilitator: they joined with the view-only link.');
	if (target.role === 'facilitator') return conflict('That person is already a facilitator.');
	const kept = command.handOver && identity.kind === 'co-facilitator' ? state.grants.filter((g) => g.grantId !== identity.grantId) : state.grants;
	if (kept.length >= MAX_GRANTS) return conflict(`A workshop can have at most ${MAX_GRANTS} co-facilitators. Revoke one first.`);
	const grantId = createGrantId();
	const name = command.name ?? 'Co-facilitator';
	const next: ControlState = {
		...state,
		grants: [...kept, { grantId, name, grantedAt: now }],
		primaryKeyRevoked: state.primaryKeyRevoked || (command.handOver && identity.kind === 'creator')
	};
	return { ok: true, state: next, afterWrite: () => target.send(encodeFacilitatorKeyMessage(grantKey(record, grantId))) };
}
