/**
 * The MAX_DOC_BYTES budget of one document. Encoding a document to measure it costs as much as
 * the document is large, so the size is estimated: the bytes of every update it took in (an
 * upper bound: merged, a document is smaller than the sum of its updates). Only when that
 * estimate would cross the cap is the document measured exactly, and only if it has grown by a
 * meaningful amount since the last measurement, so a client near the cap cannot make the server
 * re-encode a large document for every small update it sends.
 */

/** Growth (in bytes, at least) between two exact measurements: 1/64 of the cap, 64 KiB minimum. */
const MIN_REMEASURE_BYTES = 64 * 1024;

export class DocSizeBudget {
	#estimate = 0;
	/** The estimate right after the last exact measurement; -Infinity before the first. */
	#measured = -Infinity;

	constructor(
		readonly maxBytes: number,
		/** The exact encoded size of the document now. */
		private readonly measure: () => number
	) {}

	get estimate(): number {
		return this.#estimate;
	}

	/** Counts bytes the document took in. */
	grew(bytes: number): void {
		this.#estimate += bytes;
	}

	/** Sets the size from an exact figure (e.g. a snapshot just encoded). */
	measured(bytes: number): void {
		this.#estimate = bytes;
		this.#measured = bytes;
	}

	/** True if an update of this many bytes may be applied without passing the cap. */
	allows(incomingBytes: number): boolean {
		if (this.#estimate + incomingBytes <= this.maxBytes) return true;
		const slack = Math.max(MIN_REMEASURE_BYTES, this.maxBytes / 64);
		if (this.#estimate - this.#measured < slack) return false;
		this.measured(this.measure());
		return this.#estimate + incomingBytes <= this.maxBytes;
	}
}
