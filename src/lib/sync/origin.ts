/**
 * The transaction origin of everything this person does in the workshop's board document, from
 * the board and from the canvas alike. The board's undo manager tracks this origin only, so
 * remote updates (origin: the provider), the offline copy (origin: the IndexedDB persistence)
 * and background maintenance are never undone by Ctrl+Z. It lives beside the session that owns
 * the document, so the canvas and the board can both mark their writes without importing each other.
 */
export const USER_ORIGIN = Symbol('threatboard.user');
