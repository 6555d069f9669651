/**
 * Workshop addresses: what a user may paste into "Join a workshop", and the absolute links we
 * hand out. Secrets (facilitator keys) only ever travel in the URL fragment.
 */
import { isRoomId, isSecret } from '#shared/ids';

export interface WorkshopAddress {
	/** A room id, or an observer id (a view-only link). */
	id: string;
	/** Present when the pasted link was a facilitator link. */
	facilitatorKey?: string;
}

const FACILITATOR_FRAGMENT = /(?:^#|&)facilitator=([^&]*)/;

/** Reads the facilitator key from a URL fragment ("#facilitator=<key>"), if it holds a valid one. */
export function facilitatorKeyFromHash(hash: string): string | undefined {
	// Keys are base64url, so there is nothing to percent-decode (and a stray "%" must not throw).
	const key = FACILITATOR_FRAGMENT.exec(hash.startsWith('#') ? hash : `#${hash}`)?.[1];
	return isSecret(key) ? key : undefined;
}

/**
 * Accepts a full workshop link (any host: the link may come from another deployment's chat
 * message but we only ever open it here), a path such as "/w/<id>", or a bare id.
 */
export function parseWorkshopAddress(input: string): WorkshopAddress | undefined {
	const text = input.trim();
	if (text === '') return undefined;
	if (isRoomId(text) || isSecret(text)) return { id: text };

	let url: URL;
	try {
		url = new URL(text, 'https://threatboard.invalid');
	} catch {
		return undefined;
	}
	const match = /^\/w\/([^/]+)\/?$/.exec(url.pathname);
	if (!match) return undefined;
	const id = match[1];
	if (isRoomId(id)) {
		const facilitatorKey = facilitatorKeyFromHash(url.hash);
		return facilitatorKey ? { id, facilitatorKey } : { id };
	}
	return isSecret(id) ? { id } : undefined;
}

/** Whether an id is a view-only (observer) id rather than a room id. */
export function isObserverId(id: string): boolean {
	return isSecret(id);
}

export function absoluteUrl(path: string): string {
	return new URL(path, window.location.origin).href;
}
