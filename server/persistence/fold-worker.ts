/**
 * The compaction worker thread: folds a stored snapshot and the log entries after it into one
 * snapshot (the state they hold together, garbage-collected as a live document would be), and
 * encodes large documents' joiner snapshots, off the event loop. Started by fold-runner.ts.
 */
import { answerTasks } from '../worker-entry.ts';
import { foldInline } from './fold-runner.ts';

export interface FoldTask {
	/** Applied in order: a snapshot first, then updates. */
	updates: Uint8Array[];
}

answerTasks((task: FoldTask) => {
	const result = foldInline(task.updates);
	return { result, transfer: [result.buffer as ArrayBuffer] };
}, 'compaction');
