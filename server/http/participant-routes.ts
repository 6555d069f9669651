/**
 * The participant API (shared/wire/participants.ts): registering in a workshop, renaming, and
 * handing in privately what only the server may hold until the facilitator reveals it.
 *
 *   POST /api/rooms/<roomId>/participants          { name }  → 201 { participantId, secret }
 *   PUT  /api/rooms/<roomId>/participants/me       { name }
 *   GET  /api/rooms/<roomId>/ballots/mine          → { mine, used, budget }
 *   PUT  /api/rooms/<roomId>/ballots/<noteId>      { dots } → { mine, used, budget }
 *   GET  /api/rooms/<roomId>/ballots               (facilitator key) → { totals, voted, eligible }
 *   GET|PUT /api/rooms/<roomId>/estimates/mine     { likelihood, impact }
 *   GET|PUT /api/rooms/<roomId>/poll/mine          { confidence, better }
 *
 * Participants authenticate with `Authorization: Participant <id>.<secret>`; every answer that
 * acknowledges something handed in is sent only once it is stored.
 */
import express, { type Request, type Response } from 'express';
import type { z } from 'zod';
import { RecordId } from '#shared/board/schema';
import { readBallotRound } from '#shared/control/rounds';
import { isRoomId } from '#shared/ids';
import { ApiErrorCode } from '#shared/wire/api';
import {
	AnswerRequest,
	BallotRequest,
	PARTICIPANT_AUTH_SCHEME,
	PickRequest,
	RegisterParticipantRequest,
	RenameParticipantRequest,
	type AnswerResponse,
	type BallotTotalsResponse,
	type BallotsResponse,
	type PickResponse,
	type RegisterParticipantResponse
} from '#shared/wire/participants';
import { identifyFacilitator } from '../facilitation/keys.ts';
import type { Logger } from '../log.ts';
import { roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { ClientNetworkOf } from '../auth/client-address.ts';
import { RateLimiter } from '../rate-limit.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { Room } from '../rooms/room.ts';
import { castBallot, hiddenRoundOpen, myBallots, roundTotals } from '../rounds/ballots.ts';
import { myPick, pick } from '../rounds/estimation.ts';
import { parseParticipantCredentials, registerParticipant, renameParticipant, verifyParticipant } from '../rounds/identity.ts';
import { answerPoll, myAnswer } from '../rounds/poll.ts';
import { sendError } from './errors.ts';

export interface ParticipantRouterDeps {
	store: DocStore;
	rooms: RoomManager;
	log: Logger;
	/** The key per-address limits count a request's client under (server/auth/client-address.ts). */
	clientNetworkOf: ClientNetworkOf;
	now?: () => number;
}

/** Registrations per minute per client address (a class behind one NAT joins at once). */
const REGISTRATIONS_PER_MINUTE = 60;
/**
 * Registrations per workshop: a large workshop joining at once, then one every few seconds. A
 * participant link spread over many addresses (an IPv6 /64 is many) registered the workshop's
 * 1,000 identities in 3 s, and nobody could join after; now that takes the better part of an hour.
 */
const REGISTRATION_BURST_PER_ROOM = 200;
const REGISTRATIONS_PER_SECOND_PER_ROOM = 1 / 3;
/**
 * Registrations per workshop from one network (an address, an IPv6 /64): a whole office behind one
 * NAT joins at once, then one a minute. One network could otherwise keep taking the workshop's
 * turn every 3 s and keep everyone else out; now that takes twenty networks at once.
 */
const REGISTRATION_BURST_PER_ROOM_AND_NETWORK = 50;
const REGISTRATIONS_PER_SECOND_PER_ROOM_AND_NETWORK = 1 / 60;
/** Requests per second per participant, with bursts: a person clicking dots fast is fine, a flood is not. */
const REQUESTS_PER_SECOND = 10;
const REQUEST_BURST = 30;

type Handler = (room: Room, participantId: string, req: Request, res: Response) => Promise<void> | void;

export function createParticipantRouter(deps: ParticipantRouterDeps): express.Router {
	const { store, rooms, log } = deps;
	const now = deps.now ?? Date.now;
	const registrations = new RateLimiter({ perSecond: REGISTRATIONS_PER_MINUTE / 60, burst: REGISTRATIONS_PER_MINUTE, maxKeys: 100_000 });
	const roomRegistrations = new RateLimiter({ perSecond: REGISTRATIONS_PER_SECOND_PER_ROOM, burst: REGISTRATION_BURST_PER_ROOM, maxKeys: 10_000 });
	const networkRegistrations = new RateLimiter({
		perSecond: REGISTRATIONS_PER_SECOND_PER_ROOM_AND_NETWORK,
		burst: REGISTRATION_BURST_PER_ROOM_AND_NETWORK,
		maxKeys: 100_000
	});
	const perParticipant = new RateLimiter({ perSecond: REQUESTS_PER_SECOND, burst: REQUEST_BURST, maxKeys: 100_000 });
	const router = express.Router();

	/** Runs `fn` with the room loaded, or answers 404. Only the participant link (room id) opens it. */
	async function withRoom(req: Request, res: Response, fn: (room: Room) => Promise<void> | void): Promise<void> {
		const roomId = String(req.params.roomId);
		const record = isRoomId(roomId) ? await store.getRoom(roomId) : undefined;
		if (!record) return sendError(res, 404, ApiErrorCode.NotFound, 'no such workshop');
		const room = await rooms.acquire(record);
		try {
			await fn(room);
		} finally {
			rooms.release(roomId);
		}
	}

	/** Runs `fn` for the participant the Authorization header proves, or answers 401. */
	const asParticipant = (fn: Handler) => async (req: Request, res: Response) =>
		withRoom(req, res, async (room) => {
			const match = new RegExp(`^${PARTICIPANT_AUTH_SCHEME}\\s+(\\S+)$`).exec(req.headers.authorization ?? '');
			const participantId = verifyParticipant(room, parseParticipantCredentials(match?.[1]));
			if (!participantId) {
				return sendError(res, 401, ApiErrorCode.Unauthorized, 'This browser holds no identity for this workshop, or one it does not recognise. Reload to join again.');
			}
			if (!perParticipant.take(participantId)) {
				res.setHeader('Retry-After', '1');
				return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many requests at once. Try again in a moment.');
			}
			await fn(room, participantId, req, res);
		});

	function parse<T extends z.ZodType>(schema: T, req: Request, res: Response): z.infer<T> | undefined {
		const parsed = schema.safeParse(req.body ?? {});
		if (!parsed.success) sendError(res, 400, ApiErrorCode.InvalidRequest, 'invalid request', parsed.error.issues);
		return parsed.success ? parsed.data : undefined;
	}

	router.post('/rooms/:roomId/participants', (req, res) =>
		withRoom(req, res, async (room) => {
			const network = deps.clientNetworkOf(req);
			if (!registrations.take(network)) {
				res.setHeader('Retry-After', '2');
				return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many people joined from your address at once. Try again in a moment.');
			}
			const body = parse(RegisterParticipantRequest, req, res);
			if (!body) return;
			// Counted once the request is good: malformed ones cost the workshop nothing. A network
			// past its share is refused before it can use up the workshop's, and a join refused by
			// the workshop's limit costs the network nothing.
			const networkKey = `${room.roomId} ${network}`;
			if (!networkRegistrations.has(networkKey)) {
				res.setHeader('Retry-After', '60');
				return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many people joined this workshop from your network. Try again in a minute.');
			}
			if (!roomRegistrations.take(room.roomId) || !networkRegistrations.take(networkKey)) {
				res.setHeader('Retry-After', '3');
				return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many people joined this workshop in the last minutes. Try again in a moment.');
			}
			const registered = registerParticipant(room, body.name, now());
			if (!registered.ok) return sendError(res, 409, registered.lookAlike ? ApiErrorCode.NameLooksLikeAnother : ApiErrorCode.Conflict, registered.message);
			await Promise.all([room.committed('sealed'), room.committed('control')]);
			log.info('participant joined', { room: roomTag(room.roomId) });
			res.status(201).json(registered.credentials satisfies RegisterParticipantResponse);
		})
	);

	router.put(
		'/rooms/:roomId/participants/me',
		asParticipant(async (room, participantId, req, res) => {
			const body = parse(RenameParticipantRequest, req, res);
			if (!body) return;
			const refusal = renameParticipant(room, participantId, body.name, body.from);
			if (refusal) return sendError(res, 409, refusal.kind === 'look-alike' ? ApiErrorCode.NameLooksLikeAnother : ApiErrorCode.NameChangedElsewhere, refusal.message);
			res.json({ ok: true });
		})
	);

	router.get(
		'/rooms/:roomId/ballots/mine',
		asParticipant(async (room, participantId, _req, res) => {
			await room.refresh('sealed');
			res.json(withoutOk(myBallots(room, participantId)) satisfies BallotsResponse);
		})
	);

	router.put(
		'/rooms/:roomId/ballots/:noteId',
		asParticipant(async (room, participantId, req, res) => {
			const noteId = RecordId.safeParse(req.params.noteId);
			if (!noteId.success) return sendError(res, 404, ApiErrorCode.NotFound, 'There is no such note to vote on.');
			const body = parse(BallotRequest, req, res);
			if (!body) return;
			// Ballots handed in through another instance count against the same budget.
			await room.refresh('sealed');
			const outcome = castBallot(room, participantId, noteId.data, body.dots);
			if (!outcome.ok) return sendError(res, outcome.status, outcome.status === 409 ? ApiErrorCode.Conflict : outcome.status === 403 ? ApiErrorCode.Forbidden : ApiErrorCode.NotFound, outcome.message);
			await room.committed('sealed');
			res.json(withoutOk(outcome) satisfies BallotsResponse);
		})
	);

	router.get('/rooms/:roomId/ballots', (req, res) =>
		withRoom(req, res, async (room) => {
			const key = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
			if (!key || !identifyFacilitator(room.record, room.docs.control.doc, key)) {
				return sendError(res, 403, ApiErrorCode.Forbidden, 'Only a facilitator sees the totals while they are hidden.');
			}
			if (!hiddenRoundOpen(room)) return sendError(res, 409, ApiErrorCode.Conflict, 'No voting round with hidden totals is open: the totals are on the board.');
			await room.refresh('sealed');
			const { voted, eligible } = readBallotRound(room.docs.control.doc);
			res.json({ totals: roundTotals(room), voted, eligible } satisfies BallotTotalsResponse);
		})
	);

	router.get(
		'/rooms/:roomId/estimates/mine',
		asParticipant((room, participantId, _req, res) => {
			res.json({ pick: myPick(room, participantId) } satisfies PickResponse);
		})
	);

	router.put(
		'/rooms/:roomId/estimates/mine',
		asParticipant(async (room, participantId, req, res) => {
			const body = parse(PickRequest, req, res);
			if (!body) return;
			const outcome = pick(room, participantId, body.likelihood, body.impact, now());
			if (!outcome.ok) return sendError(res, outcome.status, outcome.status === 403 ? ApiErrorCode.Forbidden : ApiErrorCode.Conflict, outcome.message);
			await room.committed('sealed');
			res.json({ pick: { likelihood: body.likelihood, impact: body.impact } } satisfies PickResponse);
		})
	);

	router.get(
		'/rooms/:roomId/poll/mine',
		asParticipant((room, participantId, _req, res) => {
			res.json({ answer: myAnswer(room, participantId) } satisfies AnswerResponse);
		})
	);

	router.put(
		'/rooms/:roomId/poll/mine',
		asParticipant(async (room, participantId, req, res) => {
			const body = parse(AnswerRequest, req, res);
			if (!body) return;
			const outcome = answerPoll(room, participantId, body.confidence, body.better, now());
			if (!outcome.ok) return sendError(res, outcome.status, outcome.status === 403 ? ApiErrorCode.Forbidden : ApiErrorCode.Conflict, outcome.message);
			await room.committed('sealed');
			res.json({ answer: { confidence: body.confidence, better: body.better.trim() } } satisfies AnswerResponse);
		})
	);

	return router;
}

function withoutOk<T extends { ok: true }>(outcome: T): Omit<T, 'ok'> {
	const { ok: _ok, ...rest } = outcome;
	return rest;
}
