/**
 * Token buckets: the one rate rule of the server. A bucket refills at `perSecond` up to `burst`
 * and each request spends from it. Connections hold two (messages and bytes); the HTTP API keeps
 * one per key (room and caller, client address) in a RateLimiter with a bounded number of keys.
 */

export interface TokenBucketOptions {
	perSecond: number;
	burst: number;
	now?: () => number;
}

/** Shared default clock: a closure per bucket would cost every connection two functions. */
const performanceNow = (): number => performance.now();

export class TokenBucket {
	#tokens: number;
	#at: number;
	readonly #perSecond: number;
	readonly #burst: number;
	readonly #now: () => number;

	constructor(options: TokenBucketOptions) {
		this.#perSecond = options.perSecond;
		this.#burst = options.burst;
		this.#now = options.now ?? performanceNow;
		this.#tokens = options.burst;
		this.#at = this.#now();
	}

	/** Tokens available now (after refilling). */
	available(): number {
		const t = this.#now();
		this.#tokens = Math.min(this.#burst, this.#tokens + ((t - this.#at) / 1000) * this.#perSecond);
		this.#at = t;
		return this.#tokens;
	}

	/** Spends `cost` tokens; false (and nothing spent) when there are not enough. */
	take(cost = 1): boolean {
		if (this.available() < cost) return false;
		this.#tokens -= cost;
		return true;
	}

	/** Spends `cost` tokens from every bucket, or from none when one lacks them. */
	static takeAll(buckets: readonly TokenBucket[], costs: readonly number[]): boolean {
		for (let i = 0; i < buckets.length; i++) if (buckets[i].available() < costs[i]) return false;
		for (let i = 0; i < buckets.length; i++) buckets[i].#tokens -= costs[i];
		return true;
	}
}

export interface RateLimiterOptions extends TokenBucketOptions {
	/** Keys tracked at most; the least recently used is forgotten (it starts again full). */
	maxKeys: number;
}

/** A token bucket per key (room and caller, client address, ...). */
export class RateLimiter {
	#buckets = new Map<string, TokenBucket>();

	constructor(private readonly options: RateLimiterOptions) {}

	/** Spends one token for `key`; false when it has none left. */
	take(key: string, cost = 1): boolean {
		const bucket = this.#buckets.get(key) ?? new TokenBucket(this.options);
		this.#buckets.delete(key); // re-inserted last: Map order is our recency order
		this.#buckets.set(key, bucket);
		if (this.#buckets.size > this.options.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
		return bucket.take(cost);
	}

	/** Whether `key` has `cost` tokens, spending none: to check several limiters before taking from any. */
	has(key: string, cost = 1): boolean {
		const bucket = this.#buckets.get(key);
		return bucket === undefined ? this.options.burst >= cost : bucket.available() >= cost;
	}
}
