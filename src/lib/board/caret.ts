/**
 * Keeping a textarea's caret where the person left it while other people's edits arrive.
 *
 * A Y.Text event's delta describes the change against the text before it (retain / insert /
 * delete ops); mapping an index through it gives where that spot is now. An insertion exactly at
 * the caret stays after the caret: when two people type at the same spot, each keeps typing
 * after their own words instead of into the other's.
 */

/** The subset of a Yjs delta op a plain text uses (embeds count as one character). */
export interface DeltaOp {
	insert?: string | object;
	delete?: number;
	retain?: number;
}

export interface Selection {
	start: number;
	end: number;
}

/** Where `index` (in the text before the change) is in the text after it. */
export function mapIndex(index: number, delta: readonly DeltaOp[]): number {
	let before = 0; // position in the old text
	let shift = 0; // how far old positions at `before` have moved
	for (const op of delta) {
		if (before > index) break;
		if (op.retain !== undefined) {
			before += op.retain;
		} else if (op.insert !== undefined) {
			const length = typeof op.insert === 'string' ? op.insert.length : 1;
			if (before < index) shift += length;
		} else if (op.delete !== undefined) {
			if (index >= before + op.delete) shift -= op.delete;
			else if (index > before) shift -= index - before;
			before += op.delete;
		}
	}
	return index + shift;
}

export function mapSelection(selection: Selection, deltas: readonly (readonly DeltaOp[])[]): Selection {
	let { start, end } = selection;
	for (const delta of deltas) {
		start = mapIndex(start, delta);
		end = mapIndex(end, delta);
	}
	return { start, end: Math.max(start, end) };
}

/** The one contiguous change that turns `before` into `after` (common prefix and suffix kept). */
export interface TextChange {
	index: number;
	remove: number;
	insert: string;
}

export function diffText(before: string, after: string): TextChange {
	let start = 0;
	const max = Math.min(before.length, after.length);
	while (start < max && before[start] === after[start]) start++;
	let end = 0;
	while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
	return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/**
 * Replays a local change made against an old text onto the current one, whose differences from
 * the old text are `deltas` (edits that arrived meanwhile, e.g. during an IME composition).
 */
export function rebaseChange(change: TextChange, deltas: readonly (readonly DeltaOp[])[], current: string): string {
	const { start, end } = mapSelection({ start: change.index, end: change.index + change.remove }, deltas);
	return current.slice(0, start) + change.insert + current.slice(end);
}
