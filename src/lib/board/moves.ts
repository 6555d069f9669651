/**
 * Where a note goes when it is moved by keyboard or dropped: which column, and which order key
 * neighbours it lands between. Pure; the caller turns the neighbours into a key.
 */
import { compareOrderKeys, orderKeyBetween } from '#shared/board/ordering';
import type { NoteKind, QuestionNumber } from '#shared/board/schema';
import { QUESTION_NUMBERS, lanesForKind } from './lanes.ts';

export type MoveDirection = 'up' | 'down' | 'left' | 'right';

export interface Placed {
	id: string;
	order: string;
}

/** The neighbours a note lands between when inserted at `index` of `column` (without itself). */
export function neighboursAt(column: readonly Placed[], index: number, movingId: string): [Placed | null, Placed | null] {
	const others = column.filter((note) => note.id !== movingId);
	const at = Math.max(0, Math.min(index, others.length));
	return [others[at - 1] ?? null, others[at] ?? null];
}

/**
 * An order key between two neighbours. Neighbours with equal or inverted keys (a peer wrote a
 * duplicate) leave no room between them: the note then goes right after `before`.
 */
export function orderKeyBetweenNotes(before: Placed | null, after: Placed | null): string {
	const low = before?.order ?? null;
	const high = after?.order ?? null;
	if (low !== null && high !== null && compareOrderKeys(low, high) >= 0) return orderKeyBetween(low, null);
	return orderKeyBetween(low, high);
}

export interface KeyboardMove {
	question: QuestionNumber;
	/** Index in the target column (after the move). */
	index: number;
}

export interface MoveSubject {
	id: string;
	kind: NoteKind;
	question: QuestionNumber;
}

/**
 * Alt+arrow moves. Up/down swap with the neighbour in the same column (null at either end);
 * left/right go to the nearest lane this kind may sit in, at the same position or the end.
 * For a question note, left/right change the lane it was raised in and keep its place.
 */
export function keyboardMove(
	note: MoveSubject,
	direction: MoveDirection,
	columnIndex: number,
	columnLength: number,
	targetColumnLength: (question: QuestionNumber) => number
): KeyboardMove | null {
	if (direction === 'up' || direction === 'down') {
		const index = columnIndex + (direction === 'up' ? -1 : 1);
		return index < 0 || index >= columnLength ? null : { question: note.question, index };
	}
	const step = direction === 'left' ? -1 : 1;
	const allowed = lanesForKind(note.kind);
	for (let q = note.question + step; q >= 1 && q <= QUESTION_NUMBERS.length; q += step) {
		const question = q as QuestionNumber;
		if (!allowed.includes(question)) continue;
		if (note.kind === 'question') return { question, index: columnIndex };
		return { question, index: Math.min(columnIndex, targetColumnLength(question)) };
	}
	return null;
}
