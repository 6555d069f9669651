/**
 * What the board's components get from above: the open board (the getter throws when unset),
 * and the policy the workshop hands to the board (./policy.ts; absent when the board is shown
 * without facilitation).
 */
import { createContext } from 'svelte';
import type { Board } from './board.svelte.ts';
import type { BoardPolicy } from './policy.ts';

export const [requireBoard, setBoard] = createContext<Board>();

/** setBoardPolicy: set by the page that composes the workshop (it hands the board what it may do now). */
export const [requireBoardPolicy, setBoardPolicy, hasBoardPolicy] = createContext<BoardPolicy>();

/** The policy set above this component, or undefined (the board then uses DEFAULT_BOARD_POLICY). */
export function getBoardPolicy(): BoardPolicy | undefined {
	return hasBoardPolicy() ? requireBoardPolicy() : undefined;
}
