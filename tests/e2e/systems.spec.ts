/**
 * Systems in the browser (issue 15): create a system on the landing page, create two workshops in
 * it from the system page, and see a model's open high-risk threat in its status and in the
 * launch blockers, archive a model and restore it; the page is read at the usual screen sizes
 * (the models stacked as cards on a tablet) and works from the keyboard.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createNote } from '../../src/lib/shared/board/doc.ts';
import { connectBoard } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');
const AUTHOR = { author: 'Seed', authorColor: '#2563eb' } as const;

async function createModel(page: Page, systemUrl: string, title: string): Promise<string> {
	await page.goto(systemUrl);
	const form = page.getByRole('form', { name: 'Create a workshop in this system' });
	await form.getByLabel('Title').fill(title);
	await form.getByRole('button', { name: 'Create workshop' }).click();
	await page.waitForURL(/\/w\/[A-Za-z0-9_-]{24}$/);
	return new URL(page.url()).pathname.split('/').at(-1)!;
}

test('a system with two workshops shows each one\'s status and the launch blockers', async ({ page }) => {
	await page.goto('/');
	const create = page.getByRole('form', { name: 'Create a system' });
	await create.getByLabel('Name').fill('Web shop');
	await create.getByRole('button', { name: 'Create system' }).click();
	await page.waitForURL(/\/s\/[A-Za-z0-9_-]{24}$/);
	const systemUrl = page.url();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Web shop');
	await expect(page.getByText('Owner', { exact: true })).toBeVisible();
	await expect(page.getByText('No models yet.')).toBeVisible();

	await createModel(page, systemUrl, 'Checkout');
	const payments = await createModel(page, systemUrl, 'Payments');
	// Someone in the Payments workshop (loaded on the server now) writes two threats.
	const writer = await connectBoard(payments, undefined, 'Ada');
	createNote(writer.doc, { kind: 'threat', question: 2, text: 'Card data replayed', stride: ['S'], likelihood: 4, impact: 5, ...AUTHOR });
	createNote(writer.doc, { kind: 'threat', question: 2, text: 'Verbose errors', stride: ['I'], likelihood: 1, impact: 2, ...AUTHOR });

	await page.goto(systemUrl);
	const models = page.getByRole('region', { name: 'Models' });
	const row = (name: string) => models.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
	await expect(row('Checkout')).toContainText('0');
	await expect(row('Payments').getByRole('cell').nth(0)).toHaveText('2');
	await expect(row('Payments').getByRole('cell').nth(1)).toHaveText('1');
	const blockers = page.getByRole('region', { name: 'Launch blockers' });
	await expect(blockers.getByRole('row')).toHaveCount(2);
	await expect(blockers.getByRole('row').nth(1)).toContainText('Payments');
	await expect(blockers.getByRole('row').nth(1)).toContainText('T1 Card data replayed');
	await expect(page.getByText('1 launch blocker', { exact: false })).toBeVisible();
	writer.destroy();

	// The owner reaches each workshop from here, by keyboard too.
	await row('Payments').getByRole('link', { name: 'Payments' }).focus();
	await expect(row('Payments').getByRole('link', { name: 'Payments' })).toBeFocused();

	// Archive sits on the row's first line of text (its label centred on the name's line), and
	// Restore brings an archived model back.
	const archive = row('Checkout').getByRole('button', { name: 'Archive Checkout' });
	const [button, name] = [(await archive.boundingBox())!, (await row('Checkout').getByRole('link').boundingBox())!];
	expect(Math.abs(button.y + button.height / 2 - (name.y + name.height / 2))).toBeLessThan(2);
	page.once('dialog', (dialog) => void dialog.accept());
	await archive.click();
	await expect(row('Checkout')).toContainText('Removed');
	await row('Checkout').getByRole('button', { name: 'Restore Checkout' }).click();
	await expect(row('Checkout').getByRole('button', { name: 'Archive Checkout' })).toBeVisible();
	await expect(row('Checkout')).not.toContainText('Removed');

	for (const [width, height] of [[1280, 720], [1440, 900], [1920, 1080], [820, 1180]]) {
		await page.setViewportSize({ width, height });
		// Nothing runs off the side, and no table scrolls sideways: under 900 px the models'
		// rows are stacked cards, still rows and cells to assistive technology.
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
		expect(await models.locator('.tb-table-scroll').evaluate((box) => box.scrollWidth <= box.clientWidth)).toBe(true);
		await expect(row('Payments').getByRole('cell').nth(0)).toHaveText('2');
		await page.screenshot({ path: path.join(SCREENSHOTS, `system-page-${width}x${height}.png`), fullPage: true });
	}
});
