/**
 * The canvas in the built app (issue 4's targets). One repetition of this group:
 *
 * (a) shape-to-visible: a shape placed in browser A (palette button) until its element exists in
 *     browser B's DOM. Both pages stamp epoch milliseconds with performance.timeOrigin +
 *     performance.now() (one host clock). 25 shapes, each named before the next.
 * (b) open-to-interactive with 300 shapes: from navigation start to the first frame in which the
 *     canvas is mounted, bound to the room's 300 shapes, accepts edits and has painted shapes.
 *     tldraw's own panels (toolbar, menus) render one frame later; the time to the first frame
 *     with its toolbar is reported beside it ("panels"), with the app's performance marks.
 *     5 loads, each a new person (a fresh context).
 */
import { IDENTITY_KEY } from '../../src/lib/workshop/storage-keys.ts';
import { canvasReady, seedRoomShapes, shapes, typeIntoLabel } from '../../tests/e2e/canvas-helpers.ts';
import { createRoom, joinBoard, newUser } from '../../tests/e2e/helpers.ts';
import { expect, type BrowserRun } from './harness.ts';
import { readPageMarks, readShapeStamps, waitCanvasInteractive, waitTldrawPanels, watchNewShapes } from './probes.ts';

const PLACED_SHAPES = 25;
const ROOM_SHAPES = 300;
const LOADS = 5;
const LOAD_TIMEOUT_MS = 30_000;

export interface CanvasRepetition {
	shapeToVisibleMs: number[];
	loads: Array<{ navigationToInteractiveMs: number; navigationToPanelsMs: number; marks: Record<string, number> }>;
}

export async function runCanvas(run: BrowserRun): Promise<CanvasRepetition> {
	run.progress(`(a) shape-to-visible, ${PLACED_SHAPES} shapes`);
	const shapeToVisibleMs = await measureShapeToVisible(run);
	run.progress(`(b) navigation-to-interactive, ${ROOM_SHAPES} shapes, ${LOADS} loads`);
	const room = await createRoom('Canvas 300', run.base);
	await seedRoomShapes(room.roomId, ROOM_SHAPES, run.base);
	const loads = [];
	for (let i = 0; i < LOADS; i++) loads.push(await measureLoad(run, room.links.participant, i));
	return { shapeToVisibleMs, loads };
}

async function measureShapeToVisible(run: BrowserRun): Promise<number[]> {
	const room = await createRoom('Canvas latency', run.base);
	const ana = await newUser(run.browser, run.base);
	const ben = await newUser(run.browser, run.base);
	await joinBoard(ana, room.links.participant, 'Ana');
	await joinBoard(ben, room.links.participant, 'Ben');
	await Promise.all([canvasReady(ana.page), canvasReady(ben.page)]);
	await watchNewShapes(ben.page);
	const latencies: number[] = [];
	for (let i = 0; i < PLACED_SHAPES; i++) {
		const sent = await ana.page.evaluate(() => {
			const button = document.querySelector<HTMLButtonElement>('button[title="Add a process"]')!;
			const at = performance.timeOrigin + performance.now();
			button.click();
			return at;
		});
		await expect.poll(async () => (await readShapeStamps(ben.page)).length).toBe(i + 1);
		latencies.push((await readShapeStamps(ben.page))[i] - sent);
		await typeIntoLabel(ana.page, `P${i}`);
	}
	await expect(shapes(ben.page)).toHaveCount(PLACED_SHAPES);
	await Promise.all([ana.context.close(), ben.context.close()]);
	return latencies;
}

async function measureLoad(run: BrowserRun, roomPath: string, index: number): Promise<CanvasRepetition['loads'][number]> {
	const user = await newUser(run.browser, run.base);
	await user.context.addInitScript(
		([key, value]) => localStorage.setItem(key, value),
		[IDENTITY_KEY, JSON.stringify({ name: `Viewer ${index}`, color: '#2563eb' })] as const
	);
	await user.page.goto(roomPath);
	const navigationToInteractiveMs = await waitCanvasInteractive(user.page, ROOM_SHAPES, LOAD_TIMEOUT_MS);
	const navigationToPanelsMs = await waitTldrawPanels(user.page, LOAD_TIMEOUT_MS);
	const marks = await readPageMarks(user.page);
	await user.context.close();
	return { navigationToInteractiveMs, navigationToPanelsMs, marks };
}
