/**
 * The compaction worker thread: folds a stored snapshot and the log entries after it into one
 * snapshot (the state they hold together, garbage-collected as a live document would be), and
 * encodes large documents' joiner snapshots, off the event loop. Started by fold-runner.ts.
 */
import { answerTasks } from '../worker-entry.ts';
import { foldTask, unpackUpdates, type PackedUpdates } from './fold-runner.ts';

/** The updates come packed into one transferred buffer (fold-runner.ts: packUpdates). */
export interface FoldTask extends PackedUpdates {
	/** Also hash the result and the first input (SHA-1, hex). */
	hash: boolean;
}

export interface FoldAnswer {
	update: Uint8Array;
	sha1?: string;
	firstSha1?: string | null;
}

answerTasks((task: FoldTask) => {
	const result = foldTask(unpackUpdates(task), task.hash);
	return { result, transfer: [result.update.buffer as ArrayBuffer] };
}, 'compaction');
