/** The facilitator key as requests carry it: `Authorization: Bearer <key>`, never in a URL or body. */
import type { Request } from 'express';

export function bearerKey(req: Request): string | undefined {
	const header = req.headers.authorization;
	const match = header ? /^Bearer\s+(\S+)$/.exec(header) : null;
	return match?.[1];
}
