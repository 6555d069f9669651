/**
 * The figures worker thread: reads stored boards' figures (figures-runner.ts) so that decoding a
 * large board never holds up the server's event loop. Bundled as its own entry
 * (scripts/build-server.mjs) for `npm start`.
 */
import { answerTasks } from '../worker-entry.ts';
import { readStoredFigures } from './figures-runner.ts';

export interface FiguresTask {
	/** A board as stored: its snapshot first, then log entries. */
	updates: Uint8Array[];
}

answerTasks((task: FiguresTask) => ({ result: readStoredFigures(task.updates) }), 'figures');
