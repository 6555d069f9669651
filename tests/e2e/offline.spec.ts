/**
 * What the workshop does when the server is not there or says no: the board opens from this
 * device's IndexedDB copy, and final refusals (close codes 4400-4499) are explained.
 * Sync sockets are intercepted with page.routeWebSocket, so no server has to misbehave.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { chooseName, connectionStatus, createRoom, newUser } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');

test('a reload with neither the API nor sync reachable shows the board from the local copy', async ({ browser }) => {
	const room = await createRoom('Kept on this device');
	const { context, page } = await newUser(browser);
	await page.goto(room.links.participant);
	await chooseName(page, 'Nora');
	await expect(connectionStatus(page)).toContainText('Live');

	// Cut the server off, and forget the title everywhere except in the IndexedDB board copy.
	await page.route('**/api/rooms/**', (route) => route.abort('internetdisconnected'));
	await page.routeWebSocket(/\/sync\//, (ws) => ws.close({ code: 1013, reason: 'test: unavailable' }));
	await page.evaluate(() => localStorage.removeItem('threatboard.recentWorkshops'));
	await page.reload();

	await expect(connectionStatus(page)).toContainText('Offline');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kept on this device');
	await page.screenshot({ path: path.join(SCREENSHOTS, 'offline.png') });
	await context.close();
});

test('a sync refusal with close code 4404 shows the not-found page', async ({ browser }) => {
	const room = await createRoom('Deleted meanwhile');
	const { context, page } = await newUser(browser);
	await page.routeWebSocket(/\/sync\//, (ws) => ws.close({ code: 4404, reason: 'room not found' }));
	await page.goto(room.links.participant);
	await expect(page.getByRole('heading', { name: 'Workshop not found' })).toBeVisible();
	await context.close();
});

test('another final refusal is explained, with a way to retry', async ({ browser }) => {
	const room = await createRoom('Refused');
	const { context, page } = await newUser(browser);
	await page.routeWebSocket(/\/sync\//, (ws) => ws.close({ code: 4400, reason: 'malformed sync path' }));
	await page.goto(room.links.participant);
	await chooseName(page, 'Rita');
	await expect(page.getByRole('alert')).toContainText('malformed sync path (code 4400)');
	await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
	await expect(connectionStatus(page)).toContainText('Disconnected');
	await page.screenshot({ path: path.join(SCREENSHOTS, 'refused.png') });
	await context.close();
});
