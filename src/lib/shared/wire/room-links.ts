/**
 * Room links and the limits a form needs, free of zod and Yjs so the landing page can import
 * them without downloading either.
 */

export const MAX_TITLE_LENGTH = 200;
export const DEFAULT_TITLE = 'Untitled workshop';

export function participantPath(roomId: string): string {
	return `/w/${roomId}`;
}
/** The key rides in the fragment, which browsers never send to a server. */
export function facilitatorPath(roomId: string, facilitatorKey: string): string {
	return `/w/${roomId}#facilitator=${facilitatorKey}`;
}
export function observerPath(observerId: string): string {
	return `/w/${observerId}`;
}
