/**
 * The workshop at the screen sizes people use on calls: laptops (1280x720, 1440x900), a large
 * screen (1920x1080) and a tablet (820x1180). Checked by measurement, not only by eye: nothing in
 * a card or a lane header is cut off or sticks out of it, and a tablet opens on the board.
 * Screenshots go to test-results/ for people to look at.
 */
import { expect, test, type Page } from '@playwright/test';
import { buildFixtureBoard } from '../fixtures/export/fixture-room.ts';
import { createRoom, joinBoard, lane, newUser, seedBoard } from './helpers.ts';

/** Each lane's heading and its button in the lane switcher. */
const LANES = [
	['Parking lot', 'Parking lot'],
	['What are we building?', 'What we build'],
	['Did we do a good job?', 'Retro'],
	['What can go wrong?', 'Threats'],
	['What are we going to do about it?', 'Mitigations']
] as const;

const SIZES = [
	{ width: 1280, height: 720 },
	{ width: 1440, height: 900 },
	{ width: 1920, height: 1080 },
	{ width: 820, height: 1180 }
];

/** Everything on the board whose content does not fit its box, or that sticks out of its card or lane. */
function cutOff(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const problems: string[] = [];
		const measure = document.createElement('canvas').getContext('2d')!;
		const describe = (el: Element) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
		// Selects: the chosen option's text must fit beside the drop-down arrow (about 16 px, drawn
		// in the right padding when there is room for it there, else over the text).
		const ARROW = 16;
		for (const select of document.querySelectorAll<HTMLSelectElement>('[data-note-id] select')) {
			const style = getComputedStyle(select);
			measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
			const text = select.selectedOptions[0]?.textContent ?? '';
			const room = select.clientWidth - parseFloat(style.paddingLeft) - Math.max(parseFloat(style.paddingRight), ARROW);
			if (measure.measureText(text).width > room + 1) problems.push(`select "${text}" is cut (${Math.round(room)} px)`);
		}
		// Buttons and fields inside a card stay inside it; lane add buttons inside their lane.
		const within = (child: Element, parent: Element) => {
			const c = child.getBoundingClientRect();
			const p = parent.getBoundingClientRect();
			return c.left >= p.left - 1 && c.right <= p.right + 1;
		};
		for (const card of document.querySelectorAll('[data-note-id]')) {
			for (const control of card.querySelectorAll('button, select, input')) {
				if (!within(control, card)) problems.push(`${describe(control)} sticks out of its card`);
			}
		}
		for (const add of document.querySelectorAll('[data-add-note]')) {
			const laneEl = add.closest('section')!;
			if (!within(add, laneEl) || add.scrollWidth > add.clientWidth + 1) problems.push(`${describe(add)} is cut`);
		}
		return problems;
	});
}

for (const size of SIZES) {
	test(`at ${size.width}x${size.height} nothing on the board is cut off${size.width < 1100 ? ', and a first visit opens on the board' : ''}`, async ({ browser }) => {
		const room = await createRoom('Payments API');
		await seedBoard(room.roomId, buildFixtureBoard);
		const ana = await newUser(browser);
		await ana.page.setViewportSize(size);
		await joinBoard(ana, room.links.facilitator, 'Ana');
		await expect(lane(ana.page, 'What can go wrong?').getByTestId('lane-count')).toHaveText('· 4');
		await expect(ana.page.getByTestId('workshop-split')).toHaveAttribute('data-layout', size.width < 1100 ? 'board' : 'split');
		expect(await cutOff(ana.page)).toEqual([]);
		// Every lane is in reach without a sideways scroll: either all of them fit, or the lane
		// switcher (shown only then) brings each one fully into view.
		const switcher = ana.page.getByTestId('lane-switcher');
		const overflowing = await ana.page.locator('main.columns').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
		await expect(switcher).toHaveCount(overflowing ? 1 : 0);
		for (const [title, button] of LANES) {
			if (overflowing) {
				await switcher.getByRole('button', { name: button, exact: true }).click();
				await expect(switcher.getByRole('button', { name: button, exact: true })).toHaveAttribute('aria-pressed', 'true');
			}
			await expect(lane(ana.page, title)).toBeInViewport({ ratio: 0.99 });
		}
		await ana.page.screenshot({ path: test.info().outputPath(`workshop-${size.width}x${size.height}.png`) });

		// The facilitator panel docks beside the board: it covers no card and no lane.
		await ana.page.getByRole('button', { name: 'Facilitate' }).click();
		const panel = ana.page.getByTestId('facilitator-panel');
		await expect(panel).toBeVisible();
		const covered = await ana.page.evaluate(() => {
			const box = document.querySelector('[data-testid="facilitator-panel"]')!.getBoundingClientRect();
			// What shows of a lane or card: its box clipped to the scrolled board.
			const clip = document.querySelector('main.columns')!.getBoundingClientRect();
			return [...document.querySelectorAll('[data-note-id], section[data-column]')]
				.filter((el) => {
					const r = el.getBoundingClientRect();
					const left = Math.max(r.left, clip.left);
					const right = Math.min(r.right, clip.right);
					const top = Math.max(r.top, clip.top);
					const bottom = Math.min(r.bottom, clip.bottom);
					return left < right && top < bottom && left < box.right && right > box.left && top < box.bottom && bottom > box.top;
				})
				.map((el) => el.getAttribute('data-note-id') ?? `lane ${el.getAttribute('data-column')}`);
		});
		expect(covered).toEqual([]);
		expect(await cutOff(ana.page)).toEqual([]);
		await ana.page.screenshot({ path: test.info().outputPath(`workshop-panel-${size.width}x${size.height}.png`) });
		expect(ana.errors).toEqual([]);
		expect(ana.warnings, 'console warnings on a normal load').toEqual([]);
		await ana.context.close();
	});
}
