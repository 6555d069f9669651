/**
 * The transaction origin of everything this person does on the board. The undo manager tracks
 * this origin only, so remote updates (origin: the provider), the offline copy (origin: the
 * IndexedDB persistence) and background maintenance are never undone by Ctrl+Z.
 */
export const USER_ORIGIN = Symbol('threatboard.user');
