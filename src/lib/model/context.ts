/** The live model (model-view.svelte.ts), handed from the workshop page to the panels, the canvas marks and the fourth lane. */
import { createContext } from 'svelte';
import type { ModelView } from './model-view.svelte.ts';

export const [getModelViewOrThrow, setModelView] = createContext<ModelView>();

/** The live model, or undefined where the board is shown alone (tests, no workshop page). */
export function getModelView(): ModelView | undefined {
	try {
		return getModelViewOrThrow();
	} catch {
		return undefined;
	}
}
