/** Helpers for the workshop e2e tests: one browser context per person, seeding through the API. */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { CreateRoomResponse } from '../../src/lib/shared/api.ts';

export function baseUrl(): string {
	const url = process.env.THREATBOARD_E2E_BASE_URL;
	if (!url) throw new Error('THREATBOARD_E2E_BASE_URL is not set: the global setup did not run');
	return url;
}

export interface User {
	context: BrowserContext;
	page: Page;
	/** Uncaught exceptions and console errors of this person's page, for tests that expect none. */
	errors: string[];
}

/** A separate browser context per person: own storage, own IndexedDB, no shared BroadcastChannel. */
export async function newUser(browser: Browser, base = baseUrl()): Promise<User> {
	const context = await browser.newContext({
		baseURL: base,
		viewport: { width: 1280, height: 720 },
		permissions: ['clipboard-read', 'clipboard-write']
	});
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	return { context, page, errors };
}

/** Seeds a room through the HTTP API (for tests where creating it through the UI is not the point). */
export async function createRoom(title: string, base = baseUrl()): Promise<CreateRoomResponse> {
	const response = await fetch(`${base}/api/rooms`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ title })
	});
	expect(response.status).toBe(201);
	return (await response.json()) as CreateRoomResponse;
}

export function nameDialog(page: Page): Locator {
	return page.getByRole('dialog');
}

/** Answers the first-visit name dialog (optionally picking a colour by its name, e.g. "Violet"). */
export async function chooseName(page: Page, name: string, color?: string): Promise<void> {
	const dialog = nameDialog(page);
	await expect(dialog).toBeVisible();
	await dialog.getByLabel('Display name').fill(name);
	if (color) await dialog.getByRole('radio', { name: color }).check();
	await dialog.getByRole('button', { name: 'Join workshop' }).click();
	await expect(dialog).toBeHidden();
}

export function peopleList(page: Page): Locator {
	return page.getByRole('list', { name: /People in this workshop/ });
}

export function presenceChip(page: Page, name: string): Locator {
	return peopleList(page).getByRole('listitem').filter({ hasText: name });
}

export function connectionStatus(page: Page): Locator {
	return page.getByRole('status').filter({ hasText: /Live|Connecting|Offline|Disconnected/ });
}

/** Clicks a copy button, checks the visible "Copied" feedback, and returns what reached the clipboard. */
export async function copyLink(page: Page, label: string): Promise<string> {
	const button = page.getByRole('button', { name: `Copy ${label}` });
	await button.click();
	await expect(button).toContainText('Copied');
	return page.evaluate(() => navigator.clipboard.readText());
}

/** Reads a y-websocket awareness frame: how many client entries it carries, and their ids. */
export function awarenessClientIds(frame: Buffer): number[] | undefined {
	let pos = 0;
	const readVarUint = () => {
		let value = 0;
		let shift = 0;
		for (;;) {
			const byte = frame[pos++];
			value += (byte & 0x7f) * 2 ** shift;
			shift += 7;
			if (byte < 0x80) return value;
		}
	};
	if (readVarUint() !== 1) return undefined; // not an awareness message
	readVarUint(); // length of the awareness update
	const count = readVarUint();
	const ids: number[] = [];
	for (let i = 0; i < count; i++) {
		ids.push(readVarUint());
		readVarUint(); // clock
		const length = readVarUint();
		pos += length; // state JSON
	}
	return ids;
}
