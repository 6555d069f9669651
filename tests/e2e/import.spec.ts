/**
 * Importing a threat model from the landing page: drop a Threat Dragon file on the import card,
 * see the preview (counts and what will not be carried over) before anything is sent, create the
 * workshop, and land in it as its facilitator with the threats on the board and the diagram on
 * the canvas. Also the file picker, a refused file, and screenshots at two sizes.
 */
import { expect, test, type JSHandle, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { canvasReady } from './canvas-helpers.ts';
import { chooseName, connectionStatus, newUser, noteWithText } from './helpers.ts';
import { samplePath } from '../helpers/interop-samples.ts';
import { largeThreatDragonText } from '../helpers/large-model.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');

/** A drop's data as a browser makes it: a DataTransfer carrying the file. */
async function fileTransfer(page: Page, file: string): Promise<JSHandle<DataTransfer>> {
	const content = fs.readFileSync(file, 'utf8');
	return page.evaluateHandle(
		({ name, content }) => {
			const data = new DataTransfer();
			data.items.add(new File([content], name, { type: 'application/json' }));
			return data;
		},
		{ name: path.basename(file), content }
	);
}

/** Drops a file on the import card the way a browser does: a drop event carrying the file. */
async function dropFile(page: Page, file: string | JSHandle<DataTransfer>): Promise<void> {
	const transfer = typeof file === 'string' ? await fileTransfer(page, file) : file;
	const card = page.getByRole('region', { name: 'Import a threat model' });
	await card.dispatchEvent('dragover', { dataTransfer: transfer });
	await card.dispatchEvent('drop', { dataTransfer: transfer });
}

test('drop a Threat Dragon model, check the preview, create the workshop and open it as its facilitator', async ({ browser }) => {
	const ana = await newUser(browser);
	const { page } = ana;
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'Choose a file…' })).toBeEnabled();
	await dropFile(page, samplePath('threat-dragon/v2-threat-model.json'));

	const preview = page.getByTestId('import-preview');
	await expect(preview.getByRole('heading', { name: 'Demo Threat Model' })).toBeFocused();
	await expect(preview).toContainText('OWASP Threat Dragon v2 model');
	const counts = preview.getByRole('list', { name: 'What the workshop will hold' });
	for (const text of ['1 diagram', '7 elements', '10 data flows', '3 trust boundaries', '14 threats', '11 mitigations']) {
		await expect(counts).toContainText(text);
	}
	// Nothing has been created yet: the preview was built in this browser.
	await page.screenshot({ path: path.join(SCREENSHOTS, 'import-preview-1280.png'), fullPage: true });

	await preview.getByRole('button', { name: 'Create workshop' }).click();
	await expect(page).toHaveURL(/\/w\/[A-Za-z0-9_-]{24}$/);
	await chooseName(page, 'Ana');
	await expect(connectionStatus(page)).toContainText('Live');
	// The creator facilitates, exactly as after "Create a workshop".
	await expect(page.getByRole('button', { name: 'Facilitate' })).toBeVisible();
	await expect(noteWithText(page, 'Accessing DB credentials')).toBeVisible();
	await canvasReady(page);
	await expect(page.locator('.tl-shape[data-shape-type="geo"]', { has: page.getByText('Worker Config', { exact: true }) })).toHaveCount(1);
	await expect(page.locator('.tl-shape[data-shape-type="arrow"]')).toHaveCount(10);
	await page.screenshot({ path: path.join(SCREENSHOTS, 'import-workshop-1280.png') });
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});

test('pick a threat-composer file with the keyboard and read what will not be carried over', async ({ browser }) => {
	const ben = await newUser(browser);
	const { page } = ben;
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto('/');
	const choose = page.getByRole('button', { name: 'Choose a file…' });
	await expect(choose).toBeEnabled();
	// Listening first, then a round trip to the browser (the focus) before the key: Playwright
	// turns the file chooser's interception on without waiting for it, and once a chooser opened
	// before it was on (the test then waited out its timeout for the event).
	const chooser = page.waitForEvent('filechooser');
	await choose.focus();
	await page.keyboard.press('Enter');
	await (await chooser).setFiles(samplePath('threat-composer/ThreatComposer.tc.json'));

	const preview = page.getByTestId('import-preview');
	await expect(preview.getByRole('heading', { name: 'Threat composer' })).toBeVisible();
	await expect(preview).toContainText('20 threats');
	await expect(preview).toContainText('18 mitigations');
	await expect(preview).toContainText('4 threat agents');
	const notCarried = preview.locator('details');
	await notCarried.locator('summary').press('Enter');
	await expect(notCarried).toContainText('links from assumptions to threats and mitigations are not kept');
	await expect(notCarried).toContainText('assumptionLinks.0');
	await page.screenshot({ path: path.join(SCREENSHOTS, 'import-report-1440.png'), fullPage: true });

	await preview.getByRole('button', { name: 'Choose another file' }).click();
	await expect(preview).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Choose a file…' })).toBeVisible();

	// Again, and this time create it: the threats, their agents and assets are on the board.
	const again = page.waitForEvent('filechooser');
	await page.getByRole('button', { name: 'Choose a file…' }).click();
	await (await again).setFiles(samplePath('threat-composer/ThreatComposer.tc.json'));
	await preview.getByRole('button', { name: 'Create workshop' }).click();
	await chooseName(page, 'Ben');
	await expect(connectionStatus(page)).toContainText('Live');
	await expect(noteWithText(page, 'A threat actor who is in a person-in-the-middle position')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Facilitate' })).toBeVisible();
	await page.screenshot({ path: path.join(SCREENSHOTS, 'import-workshop-1440.png') });
	expect(ben.errors).toEqual([]);
	await ben.context.close();
});

test('a file that is not a threat model is refused with where it breaks, and nothing is created', async ({ browser }) => {
	const cleo = await newUser(browser);
	const { page } = cleo;
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'Choose a file…' })).toBeEnabled();
	const broken = path.join(SCREENSHOTS, 'broken-model.json');
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	fs.writeFileSync(broken, JSON.stringify({ summary: { title: 'x' }, detail: { diagrams: 'not a list' } }));
	await dropFile(page, broken);
	const alert = page.getByRole('region', { name: 'Import a threat model' }).getByRole('alert');
	await expect(alert).toContainText('broken-model.json: invalid Threat Dragon model');
	await expect(alert).toContainText('at detail.diagrams');
	await expect(page.getByTestId('import-preview')).toHaveCount(0);
	await page.screenshot({ path: path.join(SCREENSHOTS, 'import-error-1280.png') });
	await cleo.context.close();
});

test('a 7 MB model is previewed in a worker: the page never freezes while it converts', async ({ browser }) => {
	const dana = await newUser(browser);
	const { page } = dana;
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'Choose a file…' })).toBeEnabled();
	const large = path.join(SCREENSHOTS, 'large-model.json');
	fs.mkdirSync(SCREENSHOTS, { recursive: true });
	fs.writeFileSync(large, largeThreatDragonText());
	const transfer = await fileTransfer(page, large);
	// The page's longest task from here on (the file is already in the page).
	await page.evaluate(() => {
		const record = window as unknown as { longestTaskMs: number };
		record.longestTaskMs = 0;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) record.longestTaskMs = Math.max(record.longestTaskMs, entry.duration);
		}).observe({ type: 'longtask' });
	});
	await dropFile(page, transfer);
	const card = page.getByRole('region', { name: 'Import a threat model' });
	await expect(card).toContainText('Reading the file…');
	const preview = page.getByTestId('import-preview');
	await expect(preview.getByRole('heading')).toBeVisible({ timeout: 30_000 });
	for (const text of ['4 diagrams', '1,200 elements', '2,400 threats']) await expect(preview).toContainText(text);
	// On the page's own thread this conversion held it 0.9-3.5 s; in the worker, what is left is
	// handing over the file and taking the report back.
	const longest = await page.evaluate(() => (window as unknown as { longestTaskMs: number }).longestTaskMs);
	console.log(`longest main-thread task while a 7.2 MB model was previewed: ${longest.toFixed(0)} ms`);
	expect(longest).toBeLessThan(300);
	expect(dana.errors).toEqual([]);
	await dana.context.close();
});
