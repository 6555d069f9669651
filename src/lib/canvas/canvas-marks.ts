/**
 * Marks drawn over the diagram for everyone, derived locally from the board document (never
 * written into tldraw's records): crossing and incomplete flows, and the spotlit element.
 * Plain (no tldraw), so the page can build them without loading the island.
 */
export interface CanvasMarks {
	/** Flows crossing at least one trust boundary → how many they cross. */
	crossing: ReadonlyMap<string, number>;
	/** Flows with a loose end. */
	incomplete: ReadonlySet<string>;
	spotlight: string | null;
}

export const NO_MARKS: CanvasMarks = Object.freeze({ crossing: new Map<string, number>(), incomplete: new Set<string>(), spotlight: null });
