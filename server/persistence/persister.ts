/**
 * Group commit. Updates accepted during one turn of the event loop are appended to the store in
 * one transaction; only then are their callbacks (which broadcast them) run, in arrival order.
 * That order is the durability promise: nobody receives an update the store does not have.
 *
 * Where the store takes several appends at once (`concurrentAppends`, PostgreSQL), a batch starts
 * while others are still committing, with the updates of documents no running batch holds; a
 * document's later updates wait for its running batch. One batch at a time made every update
 * that arrived during a commit wait for that commit before its own began: on PostgreSQL, up to
 * two commits (two WAL flushes) per delivery.
 *
 * A failed commit is retried with backoff, keeping each document's order; no batch starts
 * meanwhile, and nothing of the failed batch is broadcast.
 */
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { docId, type DocStore, type PendingUpdate } from './doc-store.ts';

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 5_000;

interface QueuedUpdate {
	update: PendingUpdate;
	onCommitted: (seq: number) => void;
}

export class Persister {
	#queue: QueuedUpdate[] = [];
	#scheduled = false;
	/** Batches being committed. */
	#inFlight = new Set<Promise<void>>();
	/** Documents (docId) with updates in a running batch; kept only when batches may overlap. */
	#busyDocs = new Set<string>();
	readonly #concurrency: number;
	#retryDelayMs = 0;
	#retryTimer: NodeJS.Timeout | null = null;
	#idleWaiters: Array<() => void> = [];
	#healthy = true;

	constructor(
		private readonly store: Pick<DocStore, 'appendUpdates' | 'appendUpdatesNow' | 'concurrentAppends'>,
		private readonly log: Logger,
		private readonly metrics: Metrics
	) {
		this.#concurrency = Math.max(1, Math.floor(store.concurrentAppends));
	}

	/** False while commits are failing; /healthz reports it. */
	get healthy(): boolean {
		return this.#healthy;
	}

	get queuedCount(): number {
		return this.#queue.length;
	}

	/** Batches being committed right now. */
	get batchesInFlight(): number {
		return this.#inFlight.size;
	}

	enqueue(update: PendingUpdate, onCommitted: (seq: number) => void): void {
		this.#queue.push({ update, onCommitted });
		this.#schedule();
	}

	/** Resolves once everything enqueued so far has been committed (or the store gave up). */
	drain(): Promise<void> {
		if (this.#queue.length === 0 && this.#inFlight.size === 0) return Promise.resolve();
		return new Promise((resolve) => this.#idleWaiters.push(resolve));
	}

	/** Commits now, bypassing the retry backoff; used at shutdown. */
	async flushNow(): Promise<void> {
		if (this.#retryTimer) {
			clearTimeout(this.#retryTimer);
			this.#retryTimer = null;
		}
		while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
		if (this.#queue.length > 0) await this.#flush();
	}

	#schedule(): void {
		if (this.#scheduled || this.#retryTimer || this.#inFlight.size >= this.#concurrency) return;
		this.#scheduled = true;
		setImmediate(this.#runScheduled);
	}

	/** One function for every schedule: a closure per edit was garbage for the collector. */
	readonly #runScheduled = (): void => {
		this.#scheduled = false;
		void this.#flush();
	};

	/** Starts one batch (if a slot is free and something may go); resolves when it is done. */
	#flush(): Promise<void> {
		const batch = this.#retryTimer || this.#inFlight.size >= this.#concurrency ? [] : this.#takeBatch();
		if (batch.length === 0) {
			this.#notifyIdle();
			return Promise.resolve();
		}
		const updates = batch.map((q) => q.update);
		const started = performance.now();
		if (this.store.appendUpdatesNow) {
			// Committed before it returns (SQLite): settled in this turn, with no promise to wait
			// for. The promise chain per batch was 1-2% of the server's CPU at one batch per update.
			let seqs: number[];
			try {
				seqs = this.store.appendUpdatesNow(updates);
			} catch (err) {
				this.#failed(batch, err);
				this.#next(null);
				return Promise.resolve();
			}
			// Only the store's failure puts a batch back: one of its callbacks throwing must not
			// have the committed batch appended again.
			try {
				this.#committed(batch, seqs, started);
			} finally {
				this.#next(null);
			}
			return Promise.resolve();
		}
		const keys = this.#concurrency > 1 ? new Set(updates.map(docId)) : null;
		if (keys) for (const key of keys) this.#busyDocs.add(key);
		const committing: Promise<void> = this.store
			.appendUpdates(updates)
			.then(
				(seqs) => this.#committed(batch, seqs, started),
				(err: unknown) => this.#failed(batch, err)
			)
			.finally(() => {
				this.#inFlight.delete(committing);
				this.#next(keys);
			});
		this.#inFlight.add(committing);
		return committing;
	}

	#committed(batch: readonly QueuedUpdate[], seqs: readonly number[], started: number): void {
		this.metrics.storeCommitSeconds.observe((performance.now() - started) / 1000);
		// Another batch may have failed meanwhile: recovered only once its retry is over.
		if (!this.#retryTimer) {
			if (!this.#healthy) this.log.info('store writes recovered');
			this.#healthy = true;
			this.#retryDelayMs = 0;
		}
		for (let i = 0; i < batch.length; i++) batch[i].onCommitted(seqs[i]);
	}

	#failed(batch: QueuedUpdate[], err: unknown): void {
		this.metrics.storeFailures.inc();
		this.#healthy = false;
		// Back in front of its documents' later updates, which waited behind it.
		this.#queue = batch.concat(this.#queue);
		this.#retryDelayMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.#retryDelayMs * 2));
		this.log.error('store append failed; will retry', {
			error: errorMessage(err),
			queued: this.#queue.length,
			retryInMs: this.#retryDelayMs
		});
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			void this.#flush();
		}, this.#retryDelayMs);
	}

	/** After a batch: its documents may go into the next one, which is scheduled if anything waits. */
	#next(keys: ReadonlySet<string> | null): void {
		if (keys) for (const key of keys) this.#busyDocs.delete(key);
		if (this.#queue.length > 0) this.#schedule();
		else this.#notifyIdle();
	}

	/**
	 * What the next batch commits: the whole queue when no batch is running, else the updates of
	 * documents no running batch holds, in arrival order (the rest stay queued, in order).
	 */
	#takeBatch(): QueuedUpdate[] {
		const queued = this.#queue;
		if (this.#busyDocs.size === 0) {
			this.#queue = [];
			return queued;
		}
		const batch: QueuedUpdate[] = [];
		const waiting: QueuedUpdate[] = [];
		for (const q of queued) (this.#busyDocs.has(docId(q.update)) ? waiting : batch).push(q);
		this.#queue = waiting;
		return batch;
	}

	#notifyIdle(): void {
		if (this.#queue.length > 0 || this.#inFlight.size > 0) return;
		const waiters = this.#idleWaiters;
		this.#idleWaiters = [];
		for (const resolve of waiters) resolve();
	}
}
