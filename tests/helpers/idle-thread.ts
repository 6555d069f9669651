/**
 * The event-loop delay of a thread that does nothing, measured over a window: what the machine's
 * scheduling alone costs any thread (tests and benches share two cores with other work), to set
 * against the delays the main thread's own work causes. On a quiet machine it is a millisecond
 * or two.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface IdleThread {
	/** Stops measuring; resolves with the thread's largest event-loop delay, in ms. */
	stop(): Promise<number>;
}

export function startIdleThread(): IdleThread {
	const worker = new Worker(
		`const { parentPort } = require('node:worker_threads');
		const histogram = require('node:perf_hooks').monitorEventLoopDelay({ resolution: 5 });
		histogram.enable();
		parentPort.once('message', () => { histogram.disable(); parentPort.postMessage(histogram.max / 1e6); });`,
		{ eval: true }
	);
	return {
		async stop() {
			worker.postMessage('stop');
			const [max] = (await once(worker, 'message')) as [number];
			await worker.terminate();
			return max;
		}
	};
}
