/**
 * Runs at most `size` tasks at once; the others wait their turn, first come first served. The
 * room registry runs compactions through one (see COMPACTIONS_AT_ONCE in room-manager.ts).
 */
export class TaskSlots {
	#running = 0;
	#waiting: Array<() => void> = [];

	constructor(readonly size: number) {
		if (!Number.isInteger(size) || size < 1) throw new RangeError(`task slots need a size of at least 1, not ${size}`);
	}

	get running(): number {
		return this.#running;
	}

	get waiting(): number {
		return this.#waiting.length;
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.#running >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
		else this.#running++;
		try {
			return await task();
		} finally {
			// The slot passes straight to the next in line, so a newcomer cannot take it first.
			const next = this.#waiting.shift();
			if (next) next();
			else this.#running--;
		}
	}
}
