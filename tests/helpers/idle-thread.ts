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

/**
 * POSTs a body from another thread and resolves with the status and the JSON answer: for tests
 * that measure the event loop of a server running in this thread, so that encoding and streaming
 * a large request (100+ ms for 7 MB) is not counted as the server's work.
 */
export async function postFromThread(url: string, body: Uint8Array, contentType: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
	const bytes = body.slice(); // a copy of its own, transferred
	const worker = new Worker(
		`const { parentPort, workerData } = require('node:worker_threads');
		fetch(workerData.url, { method: 'POST', headers: { ...workerData.headers, 'content-type': workerData.contentType }, body: workerData.bytes })
			.then(async (res) => parentPort.postMessage({ status: res.status, json: await res.json() }))
			.catch((err) => parentPort.postMessage({ status: 0, json: { error: String(err) } }));`,
		{ eval: true, workerData: { url, contentType, bytes, headers }, transferList: [bytes.buffer] }
	);
	try {
		const [answer] = (await once(worker, 'message')) as [{ status: number; json: unknown }];
		return answer;
	} finally {
		await worker.terminate();
	}
}

/**
 * GETs every URL at once from another thread and resolves with each answer's status and size, in
 * order: for tests that measure the event loop of a server running in this thread. A request may
 * carry headers of its own (`{ url, headers }`).
 */
export async function getAllFromThread(requests: Array<string | { url: string; headers: Record<string, string> }>): Promise<Array<{ status: number; bytes: number }>> {
	const urls = requests.map((request) => (typeof request === 'string' ? { url: request, headers: {} } : request));
	const worker = new Worker(
		`const { parentPort, workerData } = require('node:worker_threads');
		Promise.all(workerData.urls.map(({ url, headers }) => fetch(url, { headers }).then(async (res) => ({ status: res.status, bytes: (await res.arrayBuffer()).byteLength }))))
			.then((answers) => parentPort.postMessage(answers))
			.catch((err) => parentPort.postMessage(workerData.urls.map(() => ({ status: 0, bytes: 0, error: String(err) }))));`,
		{ eval: true, workerData: { urls } }
	);
	try {
		const [answers] = (await once(worker, 'message')) as [Array<{ status: number; bytes: number }>];
		return answers;
	} finally {
		await worker.terminate();
	}
}
