/** The open workshop's session for the components below the workshop page (the getter throws when unset). */
import { createContext } from 'svelte';
import type { BoardSession } from './board-session.svelte.ts';

export const [requireBoardSession, setBoardSession] = createContext<BoardSession>();
