/** The open workshop's facilitation state for the components below the workshop page. */
import { createContext } from 'svelte';
import type { Facilitation } from './facilitation.svelte.ts';

export const [requireFacilitation, setFacilitation] = createContext<Facilitation>();
