/**
 * Counts DOM changes in a page with a MutationObserver: one record per attribute, text or
 * child-list change, the same count the browser bench reports per keystroke. For guards that
 * must not depend on the machine's speed.
 */
import type { Page } from '@playwright/test';

export interface MutationCounter {
	/** The records counted since the counter started or was last taken; restarts from 0. */
	take(): Promise<number>;
}

/** Starts counting in `page` (under `selector`, the whole body by default). */
export async function countMutations(page: Page, selector = 'body'): Promise<MutationCounter> {
	const key = `__mutations${Math.random().toString(36).slice(2)}`;
	await page.evaluate(
		([selector, key]) => {
			const root = document.querySelector(selector);
			if (!root) throw new Error(`nothing matches ${selector}`);
			const w = window as unknown as Record<string, { count: number; observer: MutationObserver }>;
			const state = { count: 0, observer: new MutationObserver((records) => (state.count += records.length)) };
			w[key] = state;
			state.observer.observe(root, {
				subtree: true,
				childList: true,
				attributes: true,
				characterData: true
			});
		},
		[selector, key] as const
	);
	return {
		take: () =>
			page.evaluate((key) => {
				const state = (window as unknown as Record<string, { count: number; observer: MutationObserver }>)[key];
				// Records not yet handed to the callback count too.
				const counted = state.count + state.observer.takeRecords().length;
				state.count = 0;
				return counted;
			}, key)
	};
}
