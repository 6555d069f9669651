/**
 * This browser's estimate of the server's clock, refreshed now and then, and a reactive `now`
 * that ticks a few times a second for countdowns. Every screen computes remaining time from the
 * control document's absolute server times with this clock, whatever its own clock says.
 */
import { ServerTimeResponse, TIME_PATH } from '#shared/control/commands';
import { estimateOffset, type ClockSample } from './clock.ts';

/** Round trips per estimate; the fastest one wins. */
const SAMPLES = 5;
/** Clocks drift and networks change: estimate again this often. */
const RESYNC_INTERVAL_MS = 5 * 60_000;
/** How often `now` ticks: often enough that a seconds display never skips a second. */
const TICK_MS = 200;

export class ServerClock {
	#offsetMs = 0;
	#rttMs = Number.POSITIVE_INFINITY;
	#now = $state(Date.now());
	#estimated = $state(false);
	readonly #fetch: typeof fetch;
	readonly #timers: Array<ReturnType<typeof setInterval>> = [];
	#syncing: Promise<void> | null = null;

	constructor(fetcher: typeof fetch = (...args) => fetch(...args)) {
		this.#fetch = fetcher;
		this.#timers.push(setInterval(() => (this.#now = this.serverNow()), TICK_MS));
		this.#timers.push(setInterval(() => void this.sync(), RESYNC_INTERVAL_MS));
		window.addEventListener('online', this.#onOnline);
		void this.sync();
	}

	/** The server's time now (ms), reactive: re-read a few times a second. */
	get now(): number {
		return this.#now;
	}
	/** True once an estimate exists (before that the local clock stands in). */
	get estimated(): boolean {
		return this.#estimated;
	}
	get offsetMs(): number {
		return this.#offsetMs;
	}

	/** The server's time now (ms), not reactive. */
	serverNow(): number {
		return Date.now() + this.#offsetMs;
	}

	/** Takes a few samples one after another and keeps the best. Never rejects. */
	sync(): Promise<void> {
		this.#syncing ??= this.#sample().finally(() => (this.#syncing = null));
		return this.#syncing;
	}

	destroy(): void {
		for (const timer of this.#timers) clearInterval(timer);
		window.removeEventListener('online', this.#onOnline);
	}

	#onOnline = () => void this.sync();

	async #sample(): Promise<void> {
		const samples: ClockSample[] = [];
		for (let i = 0; i < SAMPLES; i++) {
			try {
				const sentAt = Date.now();
				const response = await this.#fetch(TIME_PATH, { cache: 'no-store' });
				const receivedAt = Date.now();
				const body = ServerTimeResponse.safeParse(await response.json());
				if (body.success) samples.push({ sentAt, serverNow: body.data.now, receivedAt });
			} catch {
				break; // offline: keep the last estimate
			}
		}
		const estimate = estimateOffset(samples);
		if (!estimate) return;
		this.#offsetMs = estimate.offsetMs;
		this.#rttMs = estimate.rttMs;
		this.#estimated = true;
		this.#now = this.serverNow();
	}

	/** Half the round trip of the sample in use: how far off the estimate can be. */
	get uncertaintyMs(): number {
		return this.#rttMs / 2;
	}
}
