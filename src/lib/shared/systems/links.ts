/**
 * A system's links (issue 15). Capabilities as a room's are: the system id is the member link,
 * the observer id opens the page read-only, and the owner key rides in the fragment (never sent
 * to a server in a URL; requests carry it as `Authorization: Bearer <key>`). Free of zod and Yjs
 * so the landing page can import it cheaply.
 */
export const MAX_SYSTEM_NAME_LENGTH = 200;
export const DEFAULT_SYSTEM_NAME = 'Untitled system';
/** The fragment parameter holding the owner key. */
export const OWNER_FRAGMENT_KEY = 'owner';

export function systemMemberPath(systemId: string): string {
	return `/s/${systemId}`;
}
export function systemOwnerPath(systemId: string, ownerKey: string): string {
	return `/s/${systemId}#${OWNER_FRAGMENT_KEY}=${ownerKey}`;
}
export function systemObserverPath(observerId: string): string {
	return `/s/${observerId}`;
}
/** The owner key in a page's fragment ("#owner=…"), if any. */
export function ownerKeyFromHash(hash: string): string | undefined {
	const value = new URLSearchParams(hash.replace(/^#/, '')).get(OWNER_FRAGMENT_KEY);
	return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}
