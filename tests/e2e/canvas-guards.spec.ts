/**
 * A guard for the canvas that does not depend on the machine's speed: in a room with 300 shapes,
 * a shape moved in another browser re-renders that shape and no other. The Yjs binding hands
 * tldraw only the records that changed (store.mergeRemoteChanges); a binding that put every
 * record back on each change would touch all 300. How fast the canvas opens and how soon a
 * shape shows elsewhere is measured by the browser bench (`npm run bench:browser`,
 * bench/browser/canvas.ts). That a shape reaches another browser at all is tested in
 * canvas.spec.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import { canvasMap } from '../../src/lib/shared/board/doc.ts';
import { IDENTITY_KEY } from '../../src/lib/workshop/storage-keys.ts';
import { canvasReady, seedRoomShapes, shapes } from './canvas-helpers.ts';
import { connectBoard, createRoom, newUser } from './helpers.ts';

test.use({ trace: 'off' });

const SHAPES = 300;

/** Records the ids of the shapes whose elements change (attributes, text or children). */
async function watchTouchedShapes(page: Page): Promise<() => Promise<string[]>> {
	await page.evaluate(() => {
		const touched = new Set<string>();
		(window as unknown as { __touched: Set<string> }).__touched = touched;
		new MutationObserver((records) => {
			for (const record of records) {
				const node = record.target instanceof Element ? record.target : record.target.parentElement;
				const id = node?.closest<HTMLElement>('.tl-shape')?.dataset.shapeId;
				if (id) touched.add(id);
			}
		}).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
	});
	return () => page.evaluate(() => [...(window as unknown as { __touched: Set<string> }).__touched].sort());
}

test('a shape moved in another browser re-renders that shape only, among 300', async ({ browser }) => {
	const room = await createRoom('Guards: 300 shapes');
	await seedRoomShapes(room.roomId, SHAPES);
	const viewer = await newUser(browser);
	await viewer.context.addInitScript(
		([key, value]) => localStorage.setItem(key, value),
		[IDENTITY_KEY, JSON.stringify({ name: 'Viewer', color: '#2563eb' })] as const
	);
	await viewer.page.goto(room.links.participant);
	await canvasReady(viewer.page);
	await expect(shapes(viewer.page)).toHaveCount(SHAPES);
	// Settled first: tldraw's panels render a frame after the shapes, and labels are laid out
	// again once the fonts have loaded.
	await expect(viewer.page.locator('.tlui-main-toolbar__inner')).toBeVisible();
	await viewer.page.evaluate(() => document.fonts.ready.then(() => undefined));
	const touched = await watchTouchedShapes(viewer.page);

	const other = await connectBoard(room.roomId);
	try {
		// Seeded shapes sit on a grid from the origin: the first ones are in view, 200+ are not.
		const moved = ['shape:seed0', 'shape:seed1', 'shape:seed2', 'shape:seed200', 'shape:seed201'];
		for (const id of moved) {
			const record = canvasMap(other.doc).get(id) as { x: number };
			const x = record.x + 7;
			canvasMap(other.doc).set(id, { ...record, x });
			// One move at a time, each awaited: tldraw writes the page transform as a matrix.
			await expect
				.poll(() => viewer.page.locator(`[data-shape-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform))
				.toContain(`, ${x}, `);
		}
		// Measured: exactly the moved shapes. (tldraw's own text measurer changes too; it is not
		// a shape.)
		expect(await touched()).toEqual([...moved].sort());
	} finally {
		other.destroy();
	}
	expect(viewer.errors).toEqual([]);
	await viewer.context.close();
});
