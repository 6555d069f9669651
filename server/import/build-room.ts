/**
 * The heavy part of an import, as one pure function: bytes of an uploaded file in, the new room's
 * two documents (encoded Yjs updates) and the import report out, or the reason the file was
 * refused. It runs in the import worker (import-worker.ts), off the event loop: parsing and
 * building a large model takes hundreds of milliseconds.
 */
import * as Y from 'yjs';
import { initBoardDoc } from '#shared/board/doc';
import { writeRoomSnapshot } from '#shared/export/json';
import { importedCreatedAt, importModel } from '#shared/interop/import-model';
import { decodeUtf8, type InputError } from '#shared/interop/json-input';
import type { ImportReport } from '#shared/interop/report';

export interface BuiltRoom {
	ok: true;
	title: string;
	createdAt: number;
	/** The board document, as one update (the room's initial snapshot). */
	board: Uint8Array;
	/** The control document, when the file carried a facilitation record (a Threatboard export). */
	control?: Uint8Array;
	report: ImportReport;
}

export type BuildResult = BuiltRoom | InputError;

export function buildImportedRoom(bytes: Uint8Array, now: number): BuildResult {
	const decoded = decodeUtf8(bytes);
	if (!decoded.ok) return decoded;
	const outcome = importModel(decoded.text, { now });
	if (!outcome.ok) return outcome;
	const { snapshot, report } = outcome;
	const createdAt = importedCreatedAt(outcome, now);

	const board = new Y.Doc();
	initBoardDoc(board, { title: snapshot.room.title, createdAt });
	const control = snapshot.control ? new Y.Doc() : undefined;
	writeRoomSnapshot(board, control, snapshot);
	const built: BuiltRoom = { ok: true, title: snapshot.room.title, createdAt, board: Y.encodeStateAsUpdate(board), report };
	if (control) built.control = Y.encodeStateAsUpdate(control);
	board.destroy();
	control?.destroy();
	return built;
}
