/**
 * The connected threat model across browsers (issue 13): threats attached from the canvas, the
 * live coverage map and its gap cells, the facilitator's spotlight, gap-cell threats in a silent
 * round, the crossing list, and an observer who cannot link. One browser context per person.
 */
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { createNote, initBoardDoc } from '../../src/lib/shared/board/doc.ts';
import { writeCanvasRecords } from '../../src/lib/shared/export/canvas-records.ts';
import { documentRecords, flow, geoShape } from '../fixtures/export/canvas.ts';
import { canvasReady, centre, shapeWithText } from './canvas-helpers.ts';
import { chooseName, connectionStatus, createRoom, lane, laneTexts, newUser, noteWithText, publishScreenshot, seedBoard, type User } from './helpers.ts';

const WRONG = 'What can go wrong?';
const ADA = { author: 'Ada', authorColor: '#2563eb' };

/** Browser (outside) -> Payments API -> Orders DB (inside "Data centre"), and a webhook with a loose end. */
function buildBoard(doc: Y.Doc): void {
	initBoardDoc(doc, { title: 'Checkout', createdAt: Date.now() });
	writeCanvasRecords(doc, [
		...documentRecords(),
		geoShape('shape:dc', 'Data centre', { x: 360, y: -60, w: 640, h: 480 }, 'trust-boundary'),
		geoShape('shape:browser', 'Browser', { x: 0, y: 100 }, 'external-entity'),
		geoShape('shape:api', 'Payments API', { x: 440, y: 100 }, 'process'),
		geoShape('shape:db', 'Orders DB', { x: 780, y: 260 }, 'data-store'),
		...flow('shape:f-card', 'Card details', 'shape:browser', 'shape:api'),
		...flow('shape:f-orders', 'Order rows', 'shape:api', 'shape:db'),
		...flow('shape:f-hook', 'Webhook', 'shape:api', null)
	]);
	createNote(doc, { kind: 'threat', question: 2, text: 'Order rows tampered in transit', stride: ['T'], ...ADA, createdAt: 1 });
	createNote(doc, { kind: 'threat', question: 2, text: 'Card data logged in clear', stride: ['I'], ...ADA, createdAt: 2 });
}

async function open(user: User, path: string, name: string): Promise<void> {
	await user.page.goto(path);
	await chooseName(user.page, name);
	await expect(connectionStatus(user.page)).toContainText('Live');
}

/** A seeded room with Ana (facilitator) and Ben (participant), each in their own browser context. */
async function facilitatorAndParticipant(browser: Browser): Promise<{ ana: User; ben: User }> {
	const room = await createRoom('Checkout');
	await seedBoard(room.roomId, buildBoard);
	const ana = await newUser(browser);
	const ben = await newUser(browser);
	await open(ana, room.links.facilitator, 'Ana');
	await open(ben, room.links.participant, 'Ben');
	return { ana, ben };
}

/** Screenshots at the two laptop sizes; the larger one goes to docs/ as `<name>.png` (UPDATE_DOCS_SCREENSHOTS=1). */
async function screenshots(page: Page, name: string): Promise<void> {
	for (const size of [
		{ width: 1280, height: 720 },
		{ width: 1440, height: 900 }
	]) {
		await page.setViewportSize(size);
		const png = await page.screenshot({ path: test.info().outputPath(`${name}-${size.width}x${size.height}.png`) });
		if (size.width === 1440) publishScreenshot(`${name}.png`, png);
	}
}

function mapOf(page: Page): Locator {
	return page.getByTestId('coverage-map');
}
function mapCell(page: Page, elementId: string, letter: string): Locator {
	return mapOf(page).locator(`tr[data-row-id="${elementId}"] td[data-letter="${letter}"]`);
}
async function openMap(page: Page, tab: 'Coverage' | 'Crossings' = 'Coverage'): Promise<void> {
	if ((await page.getByTestId('model-panel').count()) === 0) await page.getByTestId('model-toggle').click();
	await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
}
async function clickShape(page: Page, text: string, modifiers: Array<'Shift'> = []): Promise<void> {
	const { x, y } = await centre(shapeWithText(page, text).first());
	for (const key of modifiers) await page.keyboard.down(key);
	await page.mouse.click(x, y);
	for (const key of modifiers) await page.keyboard.up(key);
}

test('a lane threat attached to two shapes on the canvas shows in the other browser: badges, map cells, the threat’s elements', async ({ browser }) => {
	const { ana, ben } = await facilitatorAndParticipant(browser);
	await canvasReady(ana.page);
	await openMap(ben.page);
	await expect(mapCell(ben.page, 'shape:api', 'T')).toHaveAttribute('data-cell', 'gap');
	await expect(mapCell(ben.page, 'shape:db', 'T')).toHaveAttribute('data-cell', 'gap');
	await expect(mapCell(ben.page, 'shape:browser', 'T')).toHaveAttribute('data-cell', 'na');

	await clickShape(ana.page, 'Payments API');
	await clickShape(ana.page, 'Orders DB', ['Shift']);
	await ana.page.getByRole('toolbar', { name: 'Selected shape' }).getByRole('button', { name: 'Attach threat…' }).click();
	const chooser = ana.page.getByTestId('threat-chooser');
	await chooser.getByLabel('Search threats').fill('tampered');
	await chooser.getByRole('checkbox', { name: /Order rows tampered/ }).check();
	await chooser.getByRole('button', { name: 'Done' }).click();

	await expect(mapCell(ben.page, 'shape:api', 'T').getByRole('button')).toHaveText('1');
	await expect(mapCell(ben.page, 'shape:db', 'T').getByRole('button')).toHaveText('1');
	await expect(ben.page.locator('.tb-threats[data-element-id="shape:api"]')).toHaveText('1');
	const note = noteWithText(ben.page, 'Order rows tampered in transit');
	await expect(note.getByRole('button', { name: /Show on the diagram.*Payments API/ })).toBeVisible();
	await expect(note.getByRole('button', { name: /Show on the diagram.*Orders DB/ })).toBeVisible();

	// A threat card dragged from its lane onto a shape is attached to it.
	await noteWithText(ana.page, 'Card data logged in clear').locator('.grip').dragTo(shapeWithText(ana.page, 'Browser').first());
	await expect(noteWithText(ben.page, 'Card data logged in clear').getByRole('button', { name: /Show on the diagram.*Browser/ })).toBeVisible();
	await expect(ben.page.locator('.tb-threats[data-element-id="shape:browser"]')).toHaveText('1');

	// The cell lists its threats.
	await mapCell(ben.page, 'shape:db', 'T').getByRole('button').click();
	await expect(ben.page.getByTestId('cell-threats')).toContainText('T1 Order rows tampered in transit');
	// A threat listed under a cell goes to its card on the board.
	await ben.page.getByTestId('cell-threats').getByTestId('cell-threat').first().click();
	await expect(ben.page.locator('[data-note-id]:focus')).toContainText('Order rows tampered in transit');

	// Several shapes selected: one new threat linked to all of them.
	await ana.page.getByRole('toolbar', { name: 'Selected shape' }).getByRole('button', { name: 'New threat for 2' }).click();
	await ana.page.keyboard.type('Shared session cache poisoned');
	await ana.page.keyboard.press('Escape');
	const shared = noteWithText(ben.page, 'Shared session cache poisoned');
	await expect(shared.getByRole('button', { name: /Show on the diagram/ })).toHaveCount(2);
	await expect(ben.page.locator('.tb-threats[data-element-id="shape:db"]')).toHaveText('2');

	await screenshots(ben.page, 'coverage-map');
	expect([...ana.errors, ...ben.errors]).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('a gap cell adds a threat for its element and letter; crossings are listed with their gaps', async ({ browser }) => {
	const { ana, ben } = await facilitatorAndParticipant(browser);
	await openMap(ana.page);
	await openMap(ben.page);

	const gap = mapCell(ben.page, 'shape:browser', 'S').getByRole('button', { name: /Gap: no Spoofing threat for E2 Browser/ });
	await gap.focus();
	await ben.page.keyboard.press('Enter');
	await expect(ben.page.locator('textarea:focus')).toHaveCount(1);
	await ben.page.keyboard.type('Phished login replayed');
	await ben.page.keyboard.press('Escape');
	await expect(mapCell(ana.page, 'shape:browser', 'S').getByRole('button')).toHaveText('1');
	const note = noteWithText(ana.page, 'Phished login replayed');
	await expect(note.getByRole('button', { name: /Show on the diagram.*Browser/ })).toBeVisible();
	await expect(note.getByRole('button', { name: 'Spoofing', exact: true })).toHaveAttribute('aria-pressed', 'true');

	// Crossings: the card flow and the webhook cross the data centre; neither has a threat yet.
	await openMap(ana.page, 'Crossings');
	const list = ana.page.getByTestId('crossing-list');
	await expect(list.locator('[data-flow-id]')).toHaveCount(2);
	const card = list.locator('[data-flow-id="shape:f-card"]');
	await expect(card).toContainText('E2 Browser → E1 Payments API');
	await expect(card).toContainText('Crosses B1 Data centre');
	await expect(card.getByTestId('crossing-gap')).toBeVisible();
	await expect(list.locator('[data-flow-id="shape:f-hook"]').getByTestId('incomplete-flag')).toBeVisible();
	await expect(ana.page.locator('.tb-crossing[data-flow-id="shape:f-card"]')).toBeVisible();
	await expect(ana.page.locator('.tb-incomplete[data-flow-id="shape:f-hook"]')).toBeVisible();
	// The fourth lane counts the same gaps.
	await expect(ana.page.getByTestId('coverage-figures').locator('[data-figure="crossingFlowsWithoutThreat"] dd')).toHaveText('2 of 2');

	await card.getByRole('button', { name: 'Add a threat for F1' }).click();
	await ana.page.keyboard.type('Card details sniffed');
	await ana.page.keyboard.press('Escape');
	await expect(card.getByTestId('crossing-gap')).toHaveCount(0);
	await expect(card).toContainText('Card details sniffed');
	await expect(ana.page.getByTestId('coverage-figures').locator('[data-figure="crossingFlowsWithoutThreat"] dd')).toHaveText('1 of 2');
	await ana.page.getByRole('radiogroup', { name: 'Layout' }).getByText('Board', { exact: true }).click();
	await ana.page.getByTestId('model-toggle').click();
	await ana.page.screenshot({ path: test.info().outputPath('fourth-lane-1280x720.png') });
	await ana.page.getByTestId('model-toggle').click();
	await ana.page.getByRole('radiogroup', { name: 'Layout' }).getByText('Both', { exact: true }).click();

	await screenshots(ana.page, 'crossings');
	expect([...ana.errors, ...ben.errors]).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('the spotlight frames the element and filters the board on every screen, new threats link to it, until cleared', async ({ browser }) => {
	const { ana, ben } = await facilitatorAndParticipant(browser);
	await canvasReady(ben.page);
	await openMap(ana.page);
	// The tampering threat concerns the orders DB; the other one nothing.
	await mapCell(ana.page, 'shape:db', 'T').getByRole('button').click();
	await ana.page.keyboard.type('Injected order rows');
	await ana.page.keyboard.press('Escape');
	await expect.poll(() => laneTexts(ben.page, WRONG)).toHaveLength(3);

	await mapOf(ana.page).getByRole('button', { name: 'Spotlight E3 Orders DB' }).click();
	await expect(ben.page.getByTestId('spotlight-badge')).toHaveText('Spotlight: Orders DB');
	await expect(ben.page.locator('.tb-spotlight[data-spotlit-id="shape:db"]')).toBeVisible();
	// Framed: the spotlit shape is in the middle part of Ben's canvas.
	const host = (await ben.page.getByTestId('canvas-host').boundingBox())!;
	const db = await centre(shapeWithText(ben.page, 'Orders DB'));
	expect(Math.abs(db.x - (host.x + host.width / 2))).toBeLessThan(host.width / 4);
	await expect.poll(() => laneTexts(ben.page, WRONG)).toEqual(['Injected order rows']);
	await ben.page.screenshot({ path: test.info().outputPath('spotlight-1280x720.png') });

	// A new threat while spotlit is about the spotlit element.
	await lane(ben.page, WRONG).getByRole('button', { name: 'Threat', exact: true }).click();
	await ben.page.keyboard.type('Backup copies readable');
	await ben.page.keyboard.press('Escape');
	await expect(noteWithText(ana.page, 'Backup copies readable').getByRole('button', { name: /Show on the diagram.*Orders DB/ })).toBeVisible();

	// Ben steps out and back; then Ana clears it for everyone.
	await ben.page.getByRole('button', { name: 'Show everything' }).click();
	await expect.poll(() => laneTexts(ben.page, WRONG)).toHaveLength(4);
	await ben.page.getByTestId('spotlight-rejoin').click();
	await expect.poll(() => laneTexts(ben.page, WRONG)).toHaveLength(2);
	await ana.page.getByRole('button', { name: 'Clear spotlight' }).first().click();
	await expect(ben.page.getByTestId('spotlight-badge')).toHaveCount(0);
	await expect(ben.page.locator('.tb-spotlight')).toHaveCount(0);
	await expect.poll(() => laneTexts(ben.page, WRONG)).toHaveLength(4);
	expect([...ana.errors, ...ben.errors]).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('in a silent round a gap-cell threat stays a private draft and is published at reveal with its element and letter', async ({ browser }) => {
	const { ana, ben } = await facilitatorAndParticipant(browser);
	await ana.page.keyboard.press('Alt+Shift+F');
	await ana.page.getByTestId('start-silent-round').click();
	await expect(ben.page.getByTestId('silent-badge')).toBeVisible();

	await openMap(ben.page);
	await mapCell(ben.page, 'shape:api', 'E').getByRole('button').click();
	const drafts = ben.page.getByTestId('silent-drafts');
	await expect(drafts.locator('textarea:focus')).toHaveCount(1);
	await ben.page.keyboard.type('Debug endpoint grants admin');
	await expect(drafts).toContainText('E1 Payments API · E');
	// Private: neither board has it, the map still shows the gap.
	await expect(mapCell(ben.page, 'shape:api', 'E')).toHaveAttribute('data-cell', 'gap');
	expect(await laneTexts(ana.page, WRONG)).not.toContain('Debug endpoint grants admin');

	await ana.page.getByTestId('reveal').click();
	const published = noteWithText(ana.page, 'Debug endpoint grants admin');
	await expect(published.getByRole('button', { name: /Show on the diagram.*Payments API/ })).toBeVisible();
	await expect(published.getByRole('button', { name: 'Elevation of privilege', exact: true })).toHaveAttribute('aria-pressed', 'true');
	await expect(mapCell(ben.page, 'shape:api', 'E').getByRole('button')).toHaveText('1');
	expect([...ana.errors, ...ben.errors]).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('an observer sees the map and the marks but cannot link, add or spotlight', async ({ browser }) => {
	const room = await createRoom('Checkout');
	await seedBoard(room.roomId, buildBoard);
	const olga = await newUser(browser);
	await open(olga, room.links.observer, 'Olga');
	await expect(olga.page.getByTestId('canvas-host')).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
	await clickShape(olga.page, 'Payments API');
	await expect(olga.page.getByTestId('selection-bar')).toHaveCount(0);
	await openMap(olga.page);
	await expect(mapCell(olga.page, 'shape:api', 'S')).toHaveAttribute('data-cell', 'gap');
	await expect(mapCell(olga.page, 'shape:api', 'S').getByRole('button')).toHaveCount(0);
	await expect(mapOf(olga.page).getByRole('button', { name: /^Spotlight/ })).toHaveCount(0);
	await expect(olga.page.locator('.tb-crossing[data-flow-id="shape:f-card"]')).toBeVisible();
	expect(olga.errors).toEqual([]);
	await olga.context.close();
});
