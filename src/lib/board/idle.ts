/** Runs work when the page is idle (Safari has no requestIdleCallback: a short timeout there). */
const IDLE_TIMEOUT_MS = 250;

export function whenIdle(run: () => void): number {
	return typeof requestIdleCallback === 'function'
		? requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS })
		: window.setTimeout(run, 16);
}

export function cancelIdle(handle: number): void {
	if (typeof cancelIdleCallback === 'function') cancelIdleCallback(handle);
	else clearTimeout(handle);
}
