/**
 * The compaction worker thread: folds a stored snapshot and the log entries after it into one
 * snapshot (the state they hold together, garbage-collected as a live document would be), and
 * encodes large documents' joiner snapshots, off the event loop. Started by fold-runner.ts.
 */
import { answerTasks } from '../worker-entry.ts';
import { foldTask, unpackUpdates, type FoldOutput, type PackedUpdates } from './fold-runner.ts';

/**
 * The updates come packed into one buffer (fold-runner.ts: packUpdates): transferred, or a view
 * of the runner's shared scratch buffer, which it does not touch until this task is answered.
 */
export interface FoldTask extends PackedUpdates {
	/** The update alone, hashed (SHA-1, hex, of it and of the first input), or framed as a step-2 message. */
	output: FoldOutput;
}

export interface FoldAnswer {
	update: Uint8Array;
	sha1?: string;
	firstSha1?: string | null;
}

answerTasks((task: FoldTask) => {
	// Out of the shared buffer first (lib0 decodes strings with a TextDecoder, which refuses views
	// of shared memory), so that the runner may reuse it as soon as this task is answered.
	const bytes = task.bytes.buffer instanceof SharedArrayBuffer ? task.bytes.slice() : task.bytes;
	const result = foldTask(unpackUpdates({ bytes, ends: task.ends }), task.output);
	return { result, transfer: [result.update.buffer as ArrayBuffer] };
}, 'compaction');
