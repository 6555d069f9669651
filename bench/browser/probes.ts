/**
 * The instrumentation that runs inside the pages, unchanged from the perf specs it replaces
 * (tests/e2e/board-perf.spec.ts and canvas-perf.spec.ts, removed in the commit that added this
 * bench), so that figures compare with the ones the project reported before. Each function is
 * serialised into the page: it may use nothing from this module's scope.
 */
import type { Page } from '@playwright/test';

/** Epoch milliseconds in a page: one host clock for every page, sub-millisecond resolution. */
export const epochNow = () => performance.timeOrigin + performance.now();

export interface KeySample {
	inputDelay: number;
	handler: number;
	render: number;
	keyToPaint: number;
}

/**
 * Runs in the page, on the focused textarea: times each keystroke (see board.ts) and counts DOM
 * mutations. The window capture listener runs before any of the app's; the input listener is
 * added after the board's, so its microtask runs after the board's handler and Svelte's flush.
 */
export function instrumentKeystrokes(textarea: Element): void {
	const w = window as unknown as { __keys: KeySample[]; __mutations: number };
	w.__keys = [];
	w.__mutations = 0;
	new MutationObserver((records) => (w.__mutations += records.length)).observe(document.body, {
		subtree: true,
		childList: true,
		attributes: true,
		characterData: true
	});
	let current: { timeStamp: number; start: number; handled?: number } | null = null;
	window.addEventListener(
		'keydown',
		(event) => {
			if (event.target !== textarea || event.key.length !== 1) return;
			const key = { timeStamp: event.timeStamp, start: performance.now(), handled: undefined as number | undefined };
			current = key;
			requestAnimationFrame(() => {
				const frameStart = performance.now();
				const channel = new MessageChannel();
				channel.port1.onmessage = () => {
					const painted = performance.now();
					if (key.handled === undefined) return;
					w.__keys.push({
						inputDelay: key.start - key.timeStamp,
						handler: key.handled - key.start,
						render: painted - frameStart,
						keyToPaint: painted - key.timeStamp
					});
				};
				channel.port2.postMessage(null);
			});
		},
		{ capture: true }
	);
	textarea.addEventListener('input', () => {
		const key = current;
		if (key) queueMicrotask(() => (key.handled = performance.now()));
	});
}

export interface InteractiveProbe {
	synced: number;
	interactive: number;
	rendered: number;
}

/**
 * Installed before the app runs (addInitScript): waits for the synced mark, then checks every
 * frame until every lane is painted with its first notes and a note's textarea has taken focus
 * and a typed character; stamps the frame after that one (the one that shows it on screen).
 */
export async function probeBoardInteractive(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const result: { synced?: number; interactive?: number; rendered?: number } = {};
		(window as unknown as { __interactive: typeof result }).__interactive = result;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) if (entry.name === 'threatboard:synced' && result.synced === undefined) result.synced = entry.startTime;
		}).observe({ type: 'mark', buffered: true });
		const lanesPainted = () => {
			const lanes = [...document.querySelectorAll('[data-column]')];
			return lanes.length === 5 && lanes.every((lane) => lane.querySelector('[data-note-id]'));
		};
		// Focusing a note's text swaps in its editor; once that has focus, type a character.
		const acceptsInput = () => {
			const active = document.activeElement;
			if (active instanceof HTMLTextAreaElement && active.closest('[data-note-id]')) {
				active.setRangeText('!', active.value.length, active.value.length, 'end');
				active.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: '!' }));
				return true;
			}
			const view = document.querySelector<HTMLElement>('[data-note-id] [role="textbox"]');
			if (view && view.getAttribute('aria-readonly') !== 'true') view.focus();
			return false;
		};
		const check = () => {
			if (result.synced !== undefined) {
				// The frame after the one in which the condition held shows it on screen.
				if (lanesPainted() && acceptsInput()) {
					requestAnimationFrame(() => {
						result.interactive = performance.now();
						result.rendered = document.querySelectorAll('[data-note-id]').length;
					});
					return;
				}
			}
			requestAnimationFrame(check);
		};
		requestAnimationFrame(check);
	});
}

export function readBoardInteractive(page: Page): Promise<Partial<InteractiveProbe>> {
	return page.evaluate(() => (window as unknown as { __interactive: Partial<InteractiveProbe> }).__interactive);
}

/**
 * Stamps, in the page, the first frame in which each new note of lane 2 shows: as a card, or
 * (once the lane is longer than its rendered window) in the lane's count. Keyed by that count.
 */
export async function watchLaneCount(page: Page): Promise<void> {
	await page.evaluate((now) => {
		const seen: Record<number, number> = {};
		(window as unknown as { __seen: typeof seen }).__seen = seen;
		const stamp = new Function(`return (${now})()`) as () => number;
		const count = document.querySelector('[data-column="2"] [data-testid="lane-count"]') as HTMLElement;
		new MutationObserver(() => {
			const n = Number(/\d+/.exec(count.textContent ?? '')?.[0]);
			requestAnimationFrame(() => (seen[n] ??= stamp()));
		}).observe(count, { childList: true, characterData: true, subtree: true });
	}, epochNow.toString());
}

export function readLaneCountSeen(page: Page, count: number): Promise<number | undefined> {
	return page.evaluate((n) => (window as unknown as { __seen: Record<number, number> }).__seen[n], count);
}

/** Records, in the page, when each new shape element first appears (epoch ms). */
export async function watchNewShapes(page: Page): Promise<void> {
	await page.evaluate(() => {
		const seen = new Set<string>();
		const stamps: number[] = [];
		(window as unknown as { __shapeStamps: number[] }).__shapeStamps = stamps;
		for (const el of document.querySelectorAll('[data-shape-id]')) seen.add((el as HTMLElement).dataset.shapeId!);
		new MutationObserver(() => {
			for (const el of document.querySelectorAll('[data-shape-id]')) {
				const id = (el as HTMLElement).dataset.shapeId!;
				if (seen.has(id)) continue;
				seen.add(id);
				stamps.push(performance.timeOrigin + performance.now());
			}
		}).observe(document.body, { childList: true, subtree: true });
	});
}

export function readShapeStamps(page: Page): Promise<number[]> {
	return page.evaluate(() => (window as unknown as { __shapeStamps: number[] }).__shapeStamps);
}

/**
 * Polled once per animation frame: the first frame in which the canvas is mounted, bound to the
 * room's `shapes` shapes, accepts edits and has painted them. Returns performance.now() then.
 */
export async function waitCanvasInteractive(page: Page, shapes: number, timeoutMs: number): Promise<number> {
	const handle = await page.waitForFunction(
		(count) => {
			const ready = document.querySelector('[data-testid="canvas-host"]')?.getAttribute('data-ready') === 'true';
			const painted = document.querySelectorAll('.tl-shape[data-shape-type="geo"]').length >= count;
			const editable = document.querySelector<HTMLButtonElement>('button[title="Add a process"]')?.disabled === false;
			return ready && painted && editable ? performance.now() : false;
		},
		shapes,
		{ timeout: timeoutMs, polling: 'raf' }
	);
	return (await handle.jsonValue()) as number;
}

/** The first frame with tldraw's own toolbar (its panels render a frame after the canvas). */
export async function waitTldrawPanels(page: Page, timeoutMs: number): Promise<number> {
	const handle = await page.waitForFunction(
		() => (document.querySelector('.tlui-main-toolbar__inner') ? performance.now() : false),
		undefined,
		{ timeout: timeoutMs, polling: 'raf' }
	);
	return (await handle.jsonValue()) as number;
}

/** The app's own performance marks (threatboard:*) and DOMContentLoaded, ms from navigation. */
export function readPageMarks(page: Page): Promise<Record<string, number>> {
	return page.evaluate(() => {
		const marks = Object.fromEntries(
			performance
				.getEntriesByType('mark')
				.filter((mark) => mark.name.startsWith('threatboard:'))
				.map((mark) => [mark.name.replace('threatboard:', ''), Math.round(mark.startTime)])
		);
		const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		return { domContentLoaded: Math.round(entry.domContentLoadedEventEnd), ...marks };
	});
}
