/** The open board for the components below Board.svelte (the getter throws when unset). */
import { createContext } from 'svelte';
import type { Board } from './board.svelte.ts';

export const [requireBoard, setBoard] = createContext<Board>();
