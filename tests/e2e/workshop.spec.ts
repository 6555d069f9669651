/**
 * The first end-to-end pipe: create a workshop in the UI, join it from other browsers, see each
 * other present, survive a reload, watch read-only, and land on a friendly page for bad links.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
	awarenessClientIds,
	baseUrl,
	chooseName,
	connectionStatus,
	copyLink,
	createRoom,
	nameDialog,
	newUser,
	presenceChip,
	peopleList,
	publishScreenshot
} from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-results');

test('create a workshop, join it from two other browsers, and come back after a reload', async ({ browser }) => {
	const alice = await newUser(browser);
	const sentAwareness: number[][] = [];
	alice.page.on('websocket', (ws) =>
		ws.on('framesent', ({ payload }) => {
			const ids = typeof payload === 'string' ? undefined : awarenessClientIds(payload);
			if (ids) sentAwareness.push(ids);
		})
	);

	// A creates the workshop through the landing page.
	await alice.page.goto('/');
	await alice.page.getByLabel('Title').fill('Payments API – threat model');
	await alice.page.getByRole('button', { name: 'Create workshop' }).click();
	await expect(alice.page).toHaveURL(/\/w\/[A-Za-z0-9_-]{24}$/);
	const roomPath = new URL(alice.page.url()).pathname;
	await expect(nameDialog(alice.page)).toBeVisible();
	await alice.page.screenshot({ path: path.join(SCREENSHOTS, 'name-dialog.png') });
	await chooseName(alice.page, 'Alice Martin', 'Blue');
	await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText('Payments API – threat model');
	await expect(connectionStatus(alice.page)).toContainText('Live');
	await expect(presenceChip(alice.page, 'Alice Martin')).toContainText('(you)');
	await expect(alice.page.getByRole('heading', { name: 'What can go wrong?' })).toBeVisible();

	// The creator holds the facilitator key: all three links, and the copy button says "Copied".
	const participantLink = await copyLink(alice.page, 'participant link');
	expect(participantLink).toBe(`${baseUrl()}${roomPath}`);
	const facilitatorLink = await copyLink(alice.page, 'facilitator link');
	expect(facilitatorLink).toMatch(new RegExp(`${roomPath}#facilitator=[A-Za-z0-9_-]{43}$`));
	const observerLink = await copyLink(alice.page, 'observer link');
	expect(observerLink).toMatch(/\/w\/[A-Za-z0-9_-]{43}$/);

	// B joins through the participant link, in its own browser context.
	const bob = await newUser(browser);
	await bob.page.goto(participantLink);
	await chooseName(bob.page, 'Bob Okafor', 'Pink');
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText('Payments API – threat model');
	await expect(presenceChip(bob.page, 'Bob')).toContainText('(you)');
	await expect(presenceChip(bob.page, 'Alice Martin')).toBeVisible();
	await expect(presenceChip(alice.page, 'Bob')).toBeVisible();
	await expect(bob.page.getByRole('button', { name: 'Copy participant link' })).toBeVisible();
	await expect(bob.page.getByRole('button', { name: 'Copy facilitator link' })).toHaveCount(0);

	// After a reload B is back without being asked again, with the title; A sees B once, not twice.
	await bob.page.reload();
	await expect(connectionStatus(bob.page)).toContainText('Live');
	await expect(nameDialog(bob.page)).toBeHidden();
	await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText('Payments API – threat model');
	await expect(presenceChip(bob.page, 'Bob')).toContainText('(you)');
	await expect(presenceChip(bob.page, 'Alice Martin')).toBeVisible();
	await expect(presenceChip(alice.page, 'Bob')).toHaveCount(1);

	// An observer link opens the board view only.
	const olivia = await newUser(browser);
	await olivia.page.goto(observerLink);
	await chooseName(olivia.page, 'Olivia Chen', 'Green');
	await expect(olivia.page.getByText('View only', { exact: true })).toBeVisible();
	await expect(olivia.page.getByRole('heading', { level: 1 })).toHaveText('Payments API – threat model');
	await expect(olivia.page.getByRole('button', { name: 'Copy participant link' })).toHaveCount(0);
	await expect(presenceChip(alice.page, 'Olivia')).toContainText('view only');
	await expect(peopleList(alice.page).getByRole('listitem')).toHaveCount(3);

	// Our client sends its own awareness entry only, never other people's back to the server.
	expect(sentAwareness.length).toBeGreaterThan(0);
	for (const ids of sentAwareness) expect(ids).toHaveLength(1);
	expect(new Set(sentAwareness.flat()).size).toBe(1);

	for (const user of [alice, bob, olivia]) expect(user.errors).toEqual([]);

	// The README screenshot: the workshop with three people present, as the facilitator sees it.
	await alice.page.mouse.move(0, 0);
	const shot = await alice.page.screenshot({ path: path.join(SCREENSHOTS, 'workshop.png') });
	publishScreenshot('screenshot.png', shot);

	await Promise.all([alice.context.close(), bob.context.close(), olivia.context.close()]);
});

test('an unknown or malformed workshop id shows the not-found page', async ({ browser }) => {
	const { context, page } = await newUser(browser);
	await page.goto('/w/AAAAAAAAAAAAAAAAAAAAAAAA');
	await expect(page.getByRole('heading', { name: 'Workshop not found' })).toBeVisible();
	await page.screenshot({ path: path.join(SCREENSHOTS, 'not-found.png') });

	await page.goto('/w/not-a-workshop');
	await expect(page.getByRole('heading', { name: 'Workshop not found' })).toBeVisible();
	await page.getByRole('link', { name: 'Go to the start page' }).click();
	await expect(page.getByRole('heading', { name: 'Create a workshop' })).toBeVisible();
	await context.close();
});

test('a facilitator link keeps its key on the device and out of the address bar', async ({ browser }) => {
	const room = await createRoom('Key handling');
	const { context, page } = await newUser(browser);
	await page.goto(room.links.facilitator);
	await chooseName(page, 'Fran');
	await expect(page).toHaveURL(`${baseUrl()}${room.links.participant}`);
	await expect(connectionStatus(page)).toContainText('Live');
	await expect(page.getByText('Facilitator', { exact: true })).toBeVisible();
	expect(await copyLink(page, 'facilitator link')).toBe(`${baseUrl()}${room.links.facilitator}`);

	// Reopening the plain link later still finds the key.
	await page.goto(room.links.participant);
	await expect(connectionStatus(page)).toContainText('Live');
	await expect(page.getByRole('button', { name: 'Copy facilitator link' })).toBeVisible();
	await context.close();
});

test('a refused facilitator key says so and lets you continue as a participant', async ({ browser }) => {
	const room = await createRoom('Wrong key');
	const { context, page } = await newUser(browser);
	await page.goto(`${room.links.participant}#facilitator=${'x'.repeat(43)}`);
	await chooseName(page, 'Mallory');
	await expect(page.getByRole('alert')).toContainText('was not accepted');
	await page.getByRole('button', { name: 'Continue as participant' }).click();
	await expect(connectionStatus(page)).toContainText('Live');
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Copy facilitator link' })).toHaveCount(0);
	await context.close();
});

test('the start page joins by pasted link and keeps a forgettable list of recent workshops', async ({ browser }) => {
	const first = await createRoom('Mobile app – login flow');
	const second = await createRoom('Internal admin console');
	const { context, page } = await newUser(browser);

	await page.goto('/');
	await expect(page.getByText('Workshops you create or join on this device will appear here.')).toBeVisible();

	for (const room of [first, second]) {
		await page.goto('/');
		await page.getByLabel('Workshop link').fill(`${baseUrl()}${room.links.participant}`);
		await page.getByRole('button', { name: 'Join workshop' }).click();
		await expect(page).toHaveURL(`${baseUrl()}${room.links.participant}`);
		if (await nameDialog(page).isVisible()) await chooseName(page, 'Sam');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(room.title);
	}

	await page.goto('/');
	const recent = page.getByTestId('recent-workshop');
	await expect(recent).toHaveCount(2);
	await expect(recent.first()).toContainText('Internal admin console');

	await page.getByLabel('Workshop link').fill('https://example.com/not/a/workshop');
	await page.getByRole('button', { name: 'Join workshop' }).click();
	await expect(page.getByRole('alert')).toContainText('not a Threatboard workshop link');
	await page.getByLabel('Workshop link').fill('');
	await page.getByLabel('Workshop link').blur();
	await page.mouse.move(0, 0);
	await page.screenshot({ path: path.join(SCREENSHOTS, 'landing.png') });

	// Forgetting removes the entry and the board's offline copy (its IndexedDB database).
	const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
	expect(await databases()).toContain(`threatboard.board.${second.roomId}`);
	await page.getByRole('button', { name: 'Forget Internal admin console' }).click();
	await expect(recent).toHaveCount(1);
	await expect.poll(databases).not.toContain(`threatboard.board.${second.roomId}`);
	expect(await databases()).toContain(`threatboard.board.${first.roomId}`);
	await expect(recent.first()).toContainText('Mobile app – login flow');
	await page.reload();
	await expect(recent).toHaveCount(1);
	await context.close();
});

test('a rename made while the server cannot be reached reaches the workshop once it can', async ({ browser }) => {
	const room = await createRoom('Renaming');
	const { context, page } = await newUser(browser);
	await page.goto(`/w/${room.roomId}`);
	await chooseName(page, 'Bo');
	// The names the workshop keeps (its export), as every other screen and the report read them.
	const kept = async () => {
		const exported = (await (await fetch(`${baseUrl()}/api/rooms/${room.roomId}/export.json`)).json()) as { control?: { people?: Array<{ name: string }> } };
		return (exported.control?.people ?? []).map((person) => person.name);
	};
	await expect.poll(kept).toEqual(['Bo']);

	// The first two tries fail as if offline; the rename was sent once and lost before.
	let tries = 0;
	await page.route('**/participants/me', (route) => (++tries <= 2 ? route.abort('internetdisconnected') : route.continue()));
	await page.getByRole('button', { name: 'Bo: change your name or colour' }).click();
	await nameDialog(page).getByLabel('Display name').fill('Bob');
	await nameDialog(page).getByRole('button', { name: 'Save' }).click();
	await expect(nameDialog(page)).toBeHidden();
	await expect.poll(kept, { timeout: 15_000 }).toEqual(['Bob']);
	expect(tries).toBe(3);
	await context.close();
});

test("a name that only looks like another participant's is refused with the reason, and another is taken", async ({ browser }) => {
	const room = await createRoom('Look-alikes');
	const alice = await newUser(browser);
	await alice.page.goto(`/w/${room.roomId}`);
	await chooseName(alice.page, 'Alice');
	await expect(presenceChip(alice.page, 'Alice')).toBeVisible();

	const other = await newUser(browser);
	await other.page.goto(`/w/${room.roomId}`);
	const dialog = nameDialog(other.page);
	await expect(dialog).toBeVisible({ timeout: 30_000 });
	await dialog.getByLabel('Display name').fill('\u0410lice'); // a Cyrillic А
	await dialog.getByRole('button', { name: 'Join workshop' }).click();
	// The workshop refuses it: the dialog opens again, saying why.
	await expect(dialog.getByText(/looks like the name of someone else in this workshop/)).toBeVisible();
	await expect(dialog.getByLabel('Display name')).toHaveAttribute('aria-invalid', 'true');
	await other.page.screenshot({ path: path.join(SCREENSHOTS, 'name-look-alike.png') });
	// The refused name is not kept: nobody sees it among the people here.
	await expect(peopleList(alice.page).getByRole('listitem')).toHaveCount(1);
	await dialog.getByLabel('Display name').fill('Alicia');
	await dialog.getByRole('button', { name: 'Join workshop' }).click();
	await expect(dialog).toBeHidden();
	const kept = async () => {
		const exported = (await (await fetch(`${baseUrl()}/api/rooms/${room.roomId}/export.json`)).json()) as { control?: { people?: Array<{ name: string }> } };
		return (exported.control?.people ?? []).map((person) => person.name).sort();
	};
	await expect.poll(kept).toEqual(['Alice', 'Alicia']);
	await alice.context.close();
	await other.context.close();
});
