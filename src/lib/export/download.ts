/** Renders an export from this tab's documents and hands it to the browser as a file download. */
import type * as Y from 'yjs';
import { readTitle } from '#shared/board/doc';
import { DEFAULT_TITLE } from '#shared/wire/room-links';
import { EXPORT_FORMATS, exportFileName, renderExport, type ExportFormat } from '#shared/export/formats';
import { snapshotRoom } from '#shared/export/snapshot';

export interface ExportSource {
	board: Y.Doc;
	control?: Y.Doc;
	voteBudget?: number;
}

/** Downloads the export and returns the file name it was given. */
export function downloadExport(source: ExportSource, format: ExportFormat, now = Date.now()): string {
	const snapshot = snapshotRoom(source.board, source.control, { exportedAt: now, voteBudget: source.voteBudget });
	const fileName = exportFileName(readTitle(source.board) ?? DEFAULT_TITLE, now, format);
	const blob = new Blob([renderExport(snapshot, format)], { type: EXPORT_FORMATS[format].contentType });
	const url = URL.createObjectURL(blob);
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	link.rel = 'noopener';
	document.body.append(link);
	link.click();
	link.remove();
	// Revoked after the click has been handled: revoking at once can cancel the download.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
	return fileName;
}
