/** Latency samples and summaries. Samples are milliseconds kept in a growable Float64Array. */

export class Samples {
	#data: Float64Array;
	#length = 0;

	constructor(initialCapacity = 1024) {
		this.#data = new Float64Array(Math.max(16, initialCapacity));
	}

	get length(): number {
		return this.#length;
	}

	push(value: number): void {
		if (this.#length === this.#data.length) {
			const grown = new Float64Array(this.#data.length * 2);
			grown.set(this.#data);
			this.#data = grown;
		}
		this.#data[this.#length++] = value;
	}

	/** A sorted copy; the samples themselves are left as they are. */
	sorted(): Float64Array {
		return this.#data.slice(0, this.#length).sort();
	}
}

export interface Summary {
	count: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentile of sorted values (q in 0..1). */
export function percentile(sorted: Float64Array | number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil(q * sorted.length) - 1;
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function round(value: number, digits = 2): number {
	if (!Number.isFinite(value)) return value;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** p50/p95/p99/max/mean in ms, rounded; null when there is nothing to summarise. */
export function summarize(values: Samples | number[]): Summary | null {
	const sorted = values instanceof Samples ? values.sorted() : Float64Array.from(values).sort();
	if (sorted.length === 0) return null;
	let sum = 0;
	for (const v of sorted) sum += v;
	return {
		count: sorted.length,
		p50: round(percentile(sorted, 0.5)),
		p95: round(percentile(sorted, 0.95)),
		p99: round(percentile(sorted, 0.99)),
		max: round(sorted[sorted.length - 1]),
		mean: round(sum / sorted.length)
	};
}

export function median(values: number[]): number {
	return percentile(Float64Array.from(values).sort(), 0.5);
}
