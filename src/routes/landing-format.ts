/** Display helpers for the start page (kept free of zod and Yjs: this page must stay light). */

export { DEFAULT_TITLE as DEFAULT_TITLE_TEXT } from '#shared/wire/room-links';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDate(epochMs: number): string {
	return dateFormat.format(epochMs);
}
