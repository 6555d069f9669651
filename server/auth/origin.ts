/**
 * Which browser pages may act on this server: its own origin (the request's Host), and those in
 * ALLOWED_ORIGINS. A page from another site must not be able to use a visitor's room link (sync)
 * or create rooms with their address (API). Requests without Origin are not from a page of
 * another site (tools, tests, same-origin navigations), so they pass.
 */
import type { IncomingMessage } from 'node:http';

export type OriginCheck = (req: IncomingMessage) => boolean;

export function createOriginCheck(allowedOrigins: readonly string[]): OriginCheck {
	const allowed = new Set(allowedOrigins);
	return (req) => {
		const origin = req.headers.origin;
		if (origin === undefined) return true;
		if (allowed.has(origin)) return true;
		try {
			return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
		} catch {
			return false; // "null" (sandboxed frames, file:) or garbage
		}
	};
}
