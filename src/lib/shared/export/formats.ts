/**
 * The export formats as one table, for the workshop's Export menu and the server's
 * /api/rooms/:id/export.<ext> routes alike: file extension, content type, renderer, file name.
 * `td.json` and `tc.json` are Threat Dragon v2 and threat-composer (src/lib/shared/interop/).
 */
import { toThreatComposer } from '../interop/threat-composer-export.ts';
import { toThreatDragon } from '../interop/threat-dragon-export.ts';
import { toCsv } from './csv.ts';
import { toJson } from './json.ts';
import { toMarkdown } from './markdown.ts';
import type { RoomSnapshot } from './snapshot.ts';

export const EXPORT_FORMATS = {
	md: { label: 'Markdown report', contentType: 'text/markdown; charset=utf-8', render: (s: RoomSnapshot) => toMarkdown(s) },
	json: { label: 'JSON', contentType: 'application/json; charset=utf-8', render: toJson },
	csv: { label: 'CSV', contentType: 'text/csv; charset=utf-8', render: toCsv },
	'td.json': { label: 'Threat Dragon', contentType: 'application/json; charset=utf-8', render: toThreatDragon },
	'tc.json': { label: 'threat-composer', contentType: 'application/json; charset=utf-8', render: toThreatComposer }
} as const satisfies Record<string, { label: string; contentType: string; render: (s: RoomSnapshot) => string }>;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function isExportFormat(value: unknown): value is ExportFormat {
	return typeof value === 'string' && Object.hasOwn(EXPORT_FORMATS, value);
}

export function renderExport(snapshot: RoomSnapshot, format: ExportFormat): string {
	return EXPORT_FORMATS[format].render(snapshot);
}

/**
 * A safe download name: `threat-model-<title slug>-<YYYY-MM-DD>.<ext>`, ASCII letters, digits and
 * dashes only (so it needs no quoting in Content-Disposition and is valid on every file system).
 */
export function exportFileName(title: string, exportedAt: number, format: ExportFormat): string {
	const date = new Date(exportedAt).toISOString().slice(0, 10);
	return `threat-model-${fileSlug(title) || 'workshop'}-${date}.${format}`;
}

/** A title as a file name part: ASCII letters and digits joined by hyphens, at most 60 characters. */
export function fileSlug(title: string): string {
	return title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
}
