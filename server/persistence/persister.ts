/**
 * Group commit. Updates accepted during one turn of the event loop are appended to the store in
 * one transaction; only then are their callbacks (which broadcast them) run, in arrival order.
 * That order is the durability promise: nobody receives an update the store does not have.
 *
 * A failed commit is retried with backoff, keeping order; nothing is broadcast meanwhile.
 */
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore, PendingUpdate } from './doc-store.ts';

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 5_000;

interface QueuedUpdate {
	update: PendingUpdate;
	onCommitted: (seq: number) => void;
}

export class Persister {
	#queue: QueuedUpdate[] = [];
	#scheduled = false;
	#inFlight: Promise<void> | null = null;
	#retryDelayMs = 0;
	#retryTimer: NodeJS.Timeout | null = null;
	#idleWaiters: Array<() => void> = [];
	#healthy = true;

	constructor(
		private readonly store: DocStore,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {}

	/** False while commits are failing; /healthz reports it. */
	get healthy(): boolean {
		return this.#healthy;
	}

	get queuedCount(): number {
		return this.#queue.length;
	}

	enqueue(update: PendingUpdate, onCommitted: (seq: number) => void): void {
		this.#queue.push({ update, onCommitted });
		this.#schedule();
	}

	/** Resolves once everything enqueued so far has been committed (or the store gave up). */
	drain(): Promise<void> {
		if (this.#queue.length === 0 && !this.#inFlight) return Promise.resolve();
		return new Promise((resolve) => this.#idleWaiters.push(resolve));
	}

	/** Commits now, bypassing the retry backoff; used at shutdown. */
	async flushNow(): Promise<void> {
		if (this.#retryTimer) {
			clearTimeout(this.#retryTimer);
			this.#retryTimer = null;
		}
		while (this.#inFlight) await this.#inFlight;
		if (this.#queue.length > 0) await this.#flush();
	}

	#schedule(): void {
		if (this.#scheduled || this.#inFlight || this.#retryTimer) return;
		this.#scheduled = true;
		setImmediate(() => {
			this.#scheduled = false;
			void this.#flush();
		});
	}

	#flush(): Promise<void> {
		if (this.#inFlight || this.#queue.length === 0) {
			this.#notifyIdle();
			return this.#inFlight ?? Promise.resolve();
		}
		const batch = this.#queue;
		this.#queue = [];
		const started = performance.now();
		this.#inFlight = this.store
			.appendUpdates(batch.map((q) => q.update))
			.then(
				(seqs) => {
					this.metrics.storeCommitSeconds.observe((performance.now() - started) / 1000);
					if (!this.#healthy) this.log.info('store writes recovered');
					this.#healthy = true;
					this.#retryDelayMs = 0;
					for (let i = 0; i < batch.length; i++) batch[i].onCommitted(seqs[i]);
				},
				(err: unknown) => {
					this.metrics.storeFailures.inc();
					this.#healthy = false;
					this.#queue = batch.concat(this.#queue);
					this.#retryDelayMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.#retryDelayMs * 2));
					this.log.error('store append failed; will retry', {
						error: errorMessage(err),
						queued: this.#queue.length,
						retryInMs: this.#retryDelayMs
					});
					this.#retryTimer = setTimeout(() => {
						this.#retryTimer = null;
						void this.#flush();
					}, this.#retryDelayMs);
				}
			)
			.finally(() => {
				this.#inFlight = null;
				if (this.#queue.length > 0) this.#schedule();
				else this.#notifyIdle();
			});
		return this.#inFlight;
	}

	#notifyIdle(): void {
		if (this.#queue.length > 0 || this.#inFlight) return;
		const waiters = this.#idleWaiters;
		this.#idleWaiters = [];
		for (const resolve of waiters) resolve();
	}
}
