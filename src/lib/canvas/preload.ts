/**
 * The tldraw island, imported once. The workshop page's load starts it early (the chunk is the
 * page's biggest download) and Canvas.svelte awaits the same promise.
 */
import type * as Island from './react/mount.tsx';

let island: Promise<typeof Island> | undefined;

export function preloadCanvas(): Promise<typeof Island> {
	island ??= import('./react/mount.tsx');
	// A failed download must not stay cached: the next attempt (a remount) tries again.
	island.catch(() => (island = undefined));
	return island;
}
