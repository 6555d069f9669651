/**
 * What the HTTP API checks before any route runs, for anyone can send anything:
 * - writes come from this server's own pages (or ALLOWED_ORIGINS), never from another site's
 *   page: a cross-site form could otherwise create or import rooms with a visitor's address;
 * - JSON endpoints take JSON only (a cross-site form cannot send it without a preflight);
 * - creating and importing workshops is limited per client address (ROOMS_PER_MINUTE_PER_IP)
 *   and by the room quota (MAX_ROOMS, free disk), so nobody can fill the disk;
 * - /metrics answers loopback clients, or anyone with METRICS_TOKEN.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ApiErrorCode } from '#shared/wire/api';
import type { ClientNetworkOf } from '../auth/client-address.ts';
import type { OriginCheck } from '../auth/origin.ts';
import { sameSecret } from '../auth/secrets.ts';
import { RateLimiter } from '../rate-limit.ts';
import type { RoomQuota } from '../rooms/room-quota.ts';
import { sendError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_TRACKED_ADDRESSES = 100_000;

/** Refuses state-changing requests from another site's pages. */
export function sameSiteWrites(originAllowed: OriginCheck): RequestHandler {
	return (req, res, next) => {
		if (SAFE_METHODS.has(req.method)) return next();
		if (req.headers['sec-fetch-site'] === 'cross-site' || !originAllowed(req)) {
			return sendError(res, 403, ApiErrorCode.Forbidden, 'Requests from other sites may not change anything here.');
		}
		next();
	};
}

/**
 * A body-carrying request must say it is JSON (or one of `types`). A DELETE carries no body and,
 * not being a "simple" method, cannot be sent cross-site without a preflight anyway.
 */
export function requireContentType(types: readonly string[] = ['application/json']): RequestHandler {
	return (req, res, next) => {
		if (SAFE_METHODS.has(req.method) || req.method === 'DELETE') return next();
		const type = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
		if (!types.includes(type)) {
			return sendError(res, 415, ApiErrorCode.UnsupportedMediaType, `Send the body as ${types.join(' or ')}.`);
		}
		next();
	};
}

/** Limits workshop creation (and import) per client address, and by the room quota. */
export function creationLimits(options: {
	perMinute: number;
	clientNetworkOf: ClientNetworkOf;
	quota: RoomQuota;
}): RequestHandler {
	const limiter = new RateLimiter({ perSecond: options.perMinute / 60, burst: options.perMinute, maxKeys: MAX_TRACKED_ADDRESSES });
	return async (req, res, next) => {
		if (req.method !== 'POST') return next();
		if (!limiter.take(options.clientNetworkOf(req))) {
			res.setHeader('Retry-After', String(Math.ceil(60 / options.perMinute)));
			return sendError(res, 429, ApiErrorCode.RateLimited, 'Too many workshops created from your address. Try again in a minute.');
		}
		const refusal = await options.quota.check();
		if (refusal) return sendError(res, 507, ApiErrorCode.InsufficientStorage, refusal.message);
		res.once('finish', () => {
			if (res.statusCode === 201) options.quota.created();
		});
		next();
	};
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

/** /metrics for loopback clients (a scraper on the same host or a sidecar), or with the token. */
export function metricsAccess(options: { token: string | undefined; clientAddressOf: (req: IncomingMessage) => string }): RequestHandler {
	return (req, res, next) => {
		if (options.token !== undefined) {
			const match = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
			if (match && sameSecret(match[1], options.token)) return next();
			res.setHeader('WWW-Authenticate', 'Bearer');
			return sendError(res, 401, ApiErrorCode.Unauthorized, 'Metrics need the METRICS_TOKEN.');
		}
		if (LOOPBACK.test(options.clientAddressOf(req))) return next();
		sendError(res, 403, ApiErrorCode.Forbidden, 'Metrics are served to this host only (set METRICS_TOKEN to scrape from elsewhere).');
	};
}
