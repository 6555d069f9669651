/**
 * Facilitator commands over HTTP, applied by the server to the room's control document
 * (server/facilitation/commands.ts):
 *
 *   GET  /api/time                 → { now }   the server clock, for clients' offset estimate
 *   POST /api/rooms/<id>/control   Authorization: Bearer <facilitator key>, body: ControlCommand
 *
 * Every request is authorised on its own (the key is checked against the room; it never appears
 * in URLs, bodies or logs).
 */
import { createHash } from 'node:crypto';
import express from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import { ControlCommand, type ControlCommandResponse, type ServerTimeResponse } from '#shared/control/commands';
import { isRoomId } from '#shared/ids';
import { applyCommand } from '../facilitation/commands.ts';
import { identifyFacilitator } from '../facilitation/keys.ts';
import type { Logger } from '../log.ts';
import { roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import { RateLimiter } from '../rate-limit.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import { sendError } from './errors.ts';
import { bearerKey } from './facilitator-auth.ts';

export interface ControlRouterDeps {
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
/**
 * Commands that read what participants handed in (ballots tallied at close, picks, poll answers;
 * a removal withdraws what the person handed in, on any instance).
 */
const SEALED_READING_COMMANDS = new Set<string>(['voting', 'end', 'reveal-estimates', 'poll', 'remove-participant']);

export function createControlRouter(deps: ControlRouterDeps): express.Router {
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
			const identity = identifyFacilitator(record, room.docs.control.doc, key);
			if (!identity) {
				return sendError(res, 403, ApiErrorCode.Forbidden, 'Only a facilitator can do this: your key is not (or no longer) a facilitator key of this workshop.');
			}
			const parsed = ControlCommand.safeParse(req.body ?? {});
			if (!parsed.success) return sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid command', parsed.error.issues);
			// What participants handed in through other instances is tallied too, and not that of
			// people removed through another instance.
			if (SEALED_READING_COMMANDS.has(parsed.data.type)) await Promise.all([room.refresh('sealed'), room.refresh('control')]);
			const outcome = applyCommand(room, identity, parsed.data, now());
			if (!outcome.ok) return sendError(res, 409, ApiErrorCode.Conflict, outcome.message);
			// A removal is stored before it is answered: a tally the facilitator asks for next, on
			// any instance, reads it.
			if (parsed.data.type === 'remove-participant') await Promise.all([room.committed('control'), room.committed('sealed'), room.committed('board')]);
			log.info('control command', { room: roomTag(roomId), type: parsed.data.type, by: identity.kind });
			res.json({ ok: true } satisfies ControlCommandResponse);
		} finally {
			rooms.release(roomId);
		}
	});

	return router;
}
