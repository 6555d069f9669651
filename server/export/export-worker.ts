/**
 * The export worker thread: builds a room's export snapshot from its committed updates and
 * renders it (export.<format>, an iteration's export, the diff since an iteration) or stores it
 * as a new iteration (compressed, with its counts), so that none
 * of it holds the server's event loop. For a board of 2,400 threats, 1,200 elements and 4,800
 * links, the snapshot took 380 ms and a rendering 150-310 ms on the event loop, per request.
 * Started by export-runner.ts (through server/worker-entry.ts); bundled as its own entry
 * (scripts/build-server.mjs).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { renderExport, type ExportFormat } from '#shared/export/formats';
import { toMarkdown } from '#shared/export/markdown';
import { RoomSnapshot, snapshotRoom } from '#shared/export/snapshot';
import { diffRooms } from '#shared/iterations/diff';
import { countIteration, type IterationCounts, type IterationDiffResponse } from '#shared/iterations/api';
import { upkeepDocs } from '../board/maintenance.ts';
import { docFromUpdates } from '../persistence/stored-doc.ts';
import { answerTasks } from '../worker-entry.ts';

/** A room's committed state: each document's updates (a snapshot and what came after it). */
export interface RoomState {
	board: Uint8Array[];
	control: Uint8Array[];
}

export type ExportTask =
	| { kind: 'room'; format: ExportFormat; state: RoomState; exportedAt: number }
	| { kind: 'iteration'; format: ExportFormat; iteration: Uint8Array }
	| { kind: 'diff'; output: 'json' | 'md'; since: number; iteration: Uint8Array; state: RoomState; exportedAt: number }
	| FreezeTask;

/** The room's export snapshot as a new iteration: gzipped JSON, as stored, with its counts. */
export interface FreezeTask {
	kind: 'freeze';
	state: RoomState;
	frozenAt: number;
}

export interface FrozenIteration {
	data: Uint8Array;
	counts: IterationCounts;
}

/** What a task answers: a freeze its iteration, every other task a rendering. */
export type ExportAnswer<T extends ExportTask> = T extends FreezeTask ? FrozenIteration : ExportResult;

export interface ExportResult {
	body: string;
	/** When the snapshot rendered was taken (an iteration's: when it was frozen). */
	exportedAt: number;
}

/** The room as a client would be served it: brought up to this code's schema first, as a load does. */
function snapshotOf(state: RoomState, exportedAt: number): RoomSnapshot {
	const [board, control] = [docFromUpdates(state.board), docFromUpdates(state.control)];
	try {
		upkeepDocs(board, control);
		return snapshotRoom(board, control, { exportedAt });
	} finally {
		board.destroy();
		control.destroy();
	}
}

/** A frozen iteration: gzipped JSON of its snapshot, read through the snapshot schema. */
function iterationOf(data: Uint8Array): RoomSnapshot {
	return RoomSnapshot.parse(JSON.parse(gunzipSync(data).toString('utf8')));
}

/** A freeze's iteration; the bytes go back to the event loop transferred, not copied. */
export function freezeRoom(task: FreezeTask): FrozenIteration {
	const snapshot = snapshotOf(task.state, task.frozenAt);
	return { data: gzipSync(JSON.stringify(snapshot)), counts: countIteration(snapshot) };
}

/** A task that renders: an export, an iteration's export or a diff. */
export type RenderTask = Exclude<ExportTask, FreezeTask>;

export function runExportTask(task: RenderTask): ExportResult {
	switch (task.kind) {
		case 'room': {
			const snapshot = snapshotOf(task.state, task.exportedAt);
			return { body: renderExport(snapshot, task.format), exportedAt: snapshot.exportedAt };
		}
		case 'iteration': {
			const snapshot = iterationOf(task.iteration);
			return { body: renderExport(snapshot, task.format), exportedAt: snapshot.exportedAt };
		}
		case 'diff': {
			const since = iterationOf(task.iteration);
			const current = snapshotOf(task.state, task.exportedAt);
			const diff = diffRooms(since, current);
			const body =
				task.output === 'json'
					? JSON.stringify({ since: task.since, diff } satisfies IterationDiffResponse)
					: toMarkdown(current, { changes: { iteration: task.since, diff } });
			return { body, exportedAt: current.exportedAt };
		}
	}
}

answerTasks<ExportTask, ExportResult | FrozenIteration>((task) => {
	if (task.kind !== 'freeze') return { result: runExportTask(task) };
	const frozen = freezeRoom(task);
	// gzipSync's result may be a view of a larger chunk; a copy of its own is transferred.
	const data = frozen.data.byteOffset === 0 && frozen.data.byteLength === frozen.data.buffer.byteLength ? frozen.data : new Uint8Array(frozen.data);
	return { result: { ...frozen, data }, transfer: [data.buffer as ArrayBuffer] };
}, 'export');
