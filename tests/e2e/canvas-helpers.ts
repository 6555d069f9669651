/** Driving the tldraw canvas in e2e tests: through its DOM, the way a person does. */
import { expect, type Locator, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { getIndices, type TLGeoShape, type TLRecord } from 'tldraw';
import { geoShape, newTldrawStore } from '../helpers/tldraw-shapes.ts';
import { canvasMap, canvasSchemaMap } from '../../src/lib/shared/board/doc.ts';
import { connectBoard } from './helpers.ts';

export type PaletteKind = 'Entity' | 'Process' | 'Store' | 'Boundary';

/** Waits until the canvas is mounted and accepts edits. */
export async function canvasReady(page: Page): Promise<void> {
	await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
	await expect(page.getByRole('button', { name: 'Add Process' })).toBeEnabled();
}

export function shapes(page: Page, type: 'geo' | 'arrow' = 'geo'): Locator {
	return page.locator(`.tl-shape[data-shape-type="${type}"]`);
}

export function shapeWithText(page: Page, text: string): Locator {
	return page.locator('.tl-shape').filter({ hasText: text });
}

/** Places a DFD element from the palette and names it. */
export async function placeElement(page: Page, kind: PaletteKind, name: string): Promise<Locator> {
	await page.getByRole('button', { name: `Add ${kind}` }).click();
	await typeIntoLabel(page, name);
	const shape = shapeWithText(page, name);
	await expect(shape).toHaveCount(1);
	return shape;
}

/**
 * Writes the label being edited (waits for tldraw's text editor first) and leaves it. The text
 * goes in as one input, not key by key: for 100 ms after a label opens, tldraw moves its caret
 * (to the start once the text editor is created, then to the end), so keys typed in that window
 * land out of order ("Aardvark client" became "ardAvark client" in a full run).
 */
export async function typeIntoLabel(page: Page, text: string): Promise<void> {
	const label = page.locator('.tl-shape [contenteditable="true"]');
	await expect(label).toBeFocused();
	await label.fill(text);
	await page.keyboard.press('Escape');
}

export async function centre(locator: Locator): Promise<{ x: number; y: number }> {
	const box = await locator.boundingBox();
	if (!box) throw new Error('shape is not on screen');
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * The locator's box once it has stopped moving: the same in two readings in a row. After a
 * viewport change the panels reflow and tldraw follows its container a frame or more later, so a
 * box read at once can be where the shape no longer is.
 */
export async function settledBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
	let last = '';
	let box: Awaited<ReturnType<Locator['boundingBox']>> = null;
	await expect
		.poll(async () => {
			box = await locator.boundingBox();
			const reading = JSON.stringify(box);
			const same = box !== null && reading === last;
			last = reading;
			return same;
		})
		.toBe(true);
	return box!;
}

/** Draws a data flow (an arrow) from one shape to another and labels it. */
export async function drawFlow(page: Page, from: Locator, to: Locator, label: string): Promise<void> {
	const a = await centre(from);
	const b = await centre(to);
	await page.getByRole('button', { name: 'Draw a Flow' }).click();
	await page.mouse.move(a.x, a.y);
	await page.mouse.down();
	await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
	await page.mouse.move(b.x, b.y, { steps: 4 });
	await page.mouse.up();
	await expect(shapes(page, 'arrow')).toHaveCount(1);
	await page.keyboard.press('Enter');
	await typeIntoLabel(page, label);
}

/** The page-space transform tldraw gives a shape (changes when it moves). */
export async function transformOf(shape: Locator): Promise<string> {
	return shape.evaluate((element) => (element as HTMLElement).style.transform);
}

/**
 * Writes `count` process shapes into a room's board document from Node, exactly as the binding
 * stores them: tldraw's own records (built and validated by a real tldraw store) and schema.
 */
export function seedShapes(doc: Y.Doc, count: number): void {
	const store = newTldrawStore();
	const indices = getIndices(count + 1);
	const page = { id: 'page:page', typeName: 'page', name: 'Page 1', index: indices[0], meta: {} } as unknown as TLRecord;
	const records = Array.from({ length: count }, (_, i) =>
		geoShape(store, {
			id: `shape:seed${i}` as TLGeoShape['id'],
			index: indices[i + 1],
			x: (i % 20) * 220,
			y: Math.floor(i / 20) * 160,
			geo: i % 3 === 0 ? 'ellipse' : 'rectangle',
			label: `Service ${i}`,
			meta: { dfd: 'process' }
		})
	);
	store.mergeRemoteChanges(() => store.put([page, ...records]));
	doc.transact(() => {
		// The diagram's records only, as the canvas binding shares them (the server refuses the rest).
		for (const record of store.allRecords()) if (store.scopedTypes.document.has(record.typeName)) canvasMap(doc).set(record.id, record);
		canvasSchemaMap(doc).set('schema', store.schema.serialize());
	});
}

/**
 * Seeds `count` shapes into a room from Node and waits until a second client has every one.
 * `base` is the app's URL (the e2e server by default; the browser bench passes its own).
 */
export async function seedRoomShapes(roomId: string, count: number, base?: string): Promise<void> {
	const writer = await connectBoard(roomId, base);
	seedShapes(writer.doc, count);
	const reader = await connectBoard(roomId, base);
	try {
		await expect.poll(() => [...canvasMap(reader.doc).keys()].filter((key) => key.startsWith('shape:')).length).toBe(count);
	} finally {
		reader.destroy();
		writer.destroy();
	}
}
