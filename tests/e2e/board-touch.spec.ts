/**
 * Dragging notes with a finger: a touch screen (a context with hasTouch) drives the grip with
 * real touch input through the DevTools protocol, which the page receives as pointer events of
 * type "touch", as on a tablet.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { addNote, baseUrl, createRoom, joinBoard, laneTexts, noteWithText, type User } from './helpers.ts';

const BUILDING = 'What are we building?';
const THREATS = 'What can go wrong?';
const MITIGATIONS = 'What are we going to do about it?';

async function touchUser(browser: Parameters<Parameters<typeof test>[2]>[0]['browser']): Promise<User> {
	const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 720 }, hasTouch: true });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	return { context, page, errors, warnings: [] };
}

async function center(locator: Locator): Promise<{ x: number; y: number }> {
	const box = await locator.boundingBox();
	if (!box) throw new Error('not visible');
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A point `fraction` of the way down a card, kept inside the part of its lane that is on screen. */
async function pointIn(note: Locator, fraction: number): Promise<{ x: number; y: number }> {
	return note.evaluate((card, f) => {
		const rect = card.getBoundingClientRect();
		const body = card.closest('.lane-body')!.getBoundingClientRect();
		const y = Math.min(Math.max(rect.top + rect.height * f, body.top + 2), body.bottom - 2);
		return { x: rect.left + 40, y };
	}, fraction);
}

/** Presses the note's grip with a finger, slides to `to` in small steps, and lifts. */
async function touchDrag(page: Page, note: Locator, to: { x: number; y: number }): Promise<void> {
	const cdp = await page.context().newCDPSession(page);
	await note.scrollIntoViewIfNeeded();
	const from = await center(note.locator('.grip'));
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [from] });
	const steps = 8;
	for (let i = 1; i <= steps; i++) {
		const point = { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps };
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point] });
	}
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	await cdp.detach();
}

test('notes are dragged with a finger: reordered in a lane and moved to another lane', async ({ browser }) => {
	const room = await createRoom('Touch drag');
	const ana = await touchUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	const page = ana.page;
	expect(await page.evaluate(() => matchMedia('(any-pointer: coarse)').matches)).toBe(true);
	for (const text of ['Payments API', 'Card vault', 'Webhook relay']) await addNote(page, BUILDING, 'Component', text);
	await addNote(page, THREATS, 'Threat', 'Forged webhooks');
	await addNote(page, MITIGATIONS, 'Mitigation', 'Signed webhooks');
	await page.keyboard.press('Escape');
	await expect.poll(() => laneTexts(page, BUILDING)).toEqual(['Payments API', 'Card vault', 'Webhook relay']);

	// Reorder: the first component goes below the last one.
	await noteWithText(page, 'Payments API').scrollIntoViewIfNeeded();
	const seen = page.evaluate(
		() => new Promise<string>((resolve) => document.addEventListener('pointerdown', (e) => resolve(e.pointerType), { once: true }))
	);
	await touchDrag(page, noteWithText(page, 'Payments API'), await pointIn(noteWithText(page, 'Webhook relay'), 0.8));
	expect(await seen).toBe('touch');
	await expect.poll(() => laneTexts(page, BUILDING)).toEqual(['Card vault', 'Webhook relay', 'Payments API']);

	// Across lanes: a component goes above the mitigation in lane 3.
	await touchDrag(page, noteWithText(page, 'Card vault'), await pointIn(noteWithText(page, 'Signed webhooks'), 0.1));
	await expect.poll(() => laneTexts(page, MITIGATIONS)).toEqual(['Card vault', 'Signed webhooks']);
	await expect.poll(() => laneTexts(page, BUILDING)).toEqual(['Webhook relay', 'Payments API']);

	// Kinds keep their lanes: a threat dropped on lane 3 stays where it was.
	await touchDrag(page, noteWithText(page, 'Forged webhooks'), await pointIn(noteWithText(page, 'Signed webhooks'), 0.5));
	await expect.poll(() => laneTexts(page, MITIGATIONS)).toEqual(['Card vault', 'Signed webhooks']);
	await expect.poll(() => laneTexts(page, THREATS)).toEqual(['Forged webhooks']);
	await expect(page.locator('.note.dragging')).toHaveCount(0);
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});
