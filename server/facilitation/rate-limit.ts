/** Token buckets per key with a bounded number of keys, for the command endpoint. */

export interface RateLimiterOptions {
	perSecond: number;
	burst: number;
	/** Keys tracked at most; the least recently used is forgotten (it starts again full). */
	maxKeys: number;
	now?: () => number;
}

export class RateLimiter {
	#buckets = new Map<string, { tokens: number; at: number }>();
	readonly #options: Required<RateLimiterOptions>;

	constructor(options: RateLimiterOptions) {
		this.#options = { now: () => performance.now(), ...options };
	}

	/** Spends one token for `key`; false when it has none left. */
	take(key: string): boolean {
		const { perSecond, burst, maxKeys, now } = this.#options;
		const t = now();
		const bucket = this.#buckets.get(key) ?? { tokens: burst, at: t };
		this.#buckets.delete(key); // re-inserted last: Map order is our recency order
		bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
		bucket.at = t;
		const allowed = bucket.tokens >= 1;
		if (allowed) bucket.tokens -= 1;
		this.#buckets.set(key, bucket);
		if (this.#buckets.size > maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
		return allowed;
	}
}
