/**
 * Facilitator mode end to end: a facilitator and two participants in separate browser contexts
 * (one with its clock five minutes fast), 8-second timeboxes, one countdown on every screen,
 * overtime, the next question, and a silent round that stays in one browser until the reveal.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { createNote, listNotes } from '../../src/lib/shared/board/doc.ts';
import { createRecordId } from '../../src/lib/shared/ids.ts';
import { addNote, chooseName, connectBoard, connectionStatus, createRoom, laneTexts, newUser, noteWithText, type User } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');
const SKEW_MS = 5 * 60_000;

const countdown = (page: Page) => page.getByTestId('phase-countdown');
const phaseState = (page: Page) => page.getByTestId('phase-state');
const question = (page: Page) => page.getByTestId('phase-question');

/** Seconds shown by a countdown ("0:04" → 4, "+0:02" → -2). */
async function shownSeconds(page: Page): Promise<number> {
	const text = (await countdown(page).textContent())?.trim() ?? '';
	const match = /^(\+?)(\d+):(\d\d)$/.exec(text);
	if (!match) throw new Error(`unexpected countdown "${text}"`);
	const seconds = Number(match[2]) * 60 + Number(match[3]);
	return match[1] ? -seconds : seconds;
}

/** Texts of every note on the server, as a fresh client syncing from it sees them. */
async function storedTexts(roomId: string): Promise<string[]> {
	const client = await connectBoard(roomId);
	try {
		return listNotes(client.doc).map((note) => note.text);
	} finally {
		client.destroy();
	}
}

test('one clock for everyone, overtime, next question, and a silent round revealed to all', async ({ browser }) => {
	test.setTimeout(90_000);
	const room = await createRoom('Checkout service');
	const ada = await newUser(browser);
	const bob = await newUser(browser);
	const cem = await newUser(browser);
	// Cem's computer clock is five minutes fast; his screen must still agree with everyone's.
	await cem.context.clock.install({ time: Date.now() + SKEW_MS });

	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	for (const [user, name] of [
		[bob, 'Bob'],
		[cem, 'Cem']
	] as const) {
		await user.page.goto(room.links.participant);
		await chooseName(user.page, name);
		await expect(connectionStatus(user.page)).toContainText('Live');
	}
	const everyone: User[] = [ada, bob, cem];
	const panel = ada.page.getByTestId('facilitator-panel');
	await ada.page.getByRole('button', { name: 'Facilitate' }).click();
	await expect(panel).toBeVisible();
	await expect(bob.page.getByRole('button', { name: 'Facilitate' })).toHaveCount(0);

	// 8-second timeboxes for every question, then start.
	for (const q of [1, 2, 3, 4]) {
		const field = panel.getByTestId(`timebox-${q}`);
		await field.fill('0:08');
		await field.press('Enter');
		await expect(field).toHaveValue('0:08');
	}
	for (const user of everyone) await expect(countdown(user.page)).toHaveText('0:08');
	await panel.getByTestId('timer-toggle').click();

	// Everyone sees the same question and the same countdown, the skewed clock included. The three
	// screens are checked at once: one after another, a loaded machine once took longer than the
	// timebox, and the last screen already showed overtime.
	await Promise.all(
		everyone.map(async (user) => {
			await expect(question(user.page)).toHaveText('What are we building?');
			await expect(phaseState(user.page)).toHaveText('Time left');
		})
	);
	const shown = await Promise.all(everyone.map((user) => shownSeconds(user.page)));
	expect(Math.max(...shown) - Math.min(...shown)).toBeLessThanOrEqual(1);
	expect(Math.min(...shown)).toBeGreaterThan(0);

	// Time runs out everywhere, and the clock counts overtime.
	for (const user of everyone) {
		await expect(phaseState(user.page)).toHaveText('Overtime', { timeout: 10_000 });
		await expect(countdown(user.page)).toHaveText(/^\+0:0\d$/);
	}
	await expect(ada.page.getByTestId('phase-bar')).toHaveClass(/overtime/);
	await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'facilitation-overtime.png') });

	// Next question: everyone moves on, with a fresh countdown.
	await panel.getByTestId('next-question').click();
	for (const user of everyone) {
		await expect(question(user.page)).toHaveText('What can go wrong?');
		await expect(phaseState(user.page)).toHaveText(/Time left|Overtime/);
	}

	// A reload shows the right question and time at once.
	await bob.page.reload();
	await expect(question(bob.page)).toHaveText('What can go wrong?');
	expect(Math.abs((await shownSeconds(bob.page)) - (await shownSeconds(ada.page)))).toBeLessThanOrEqual(1);

	// A silent round: Bob's threat stays in Bob's browser.
	await panel.getByTestId('start-silent-round').click();
	for (const user of everyone) await expect(user.page.getByTestId('silent-badge')).toBeVisible();
	const secret = 'Replay of the payment webhook';
	await addNote(bob.page, 'What can go wrong?', 'Threat', secret);
	await expect(bob.page.getByTestId('draft-text')).toHaveValue(secret);
	await bob.page.screenshot({ path: path.join(SCREENSHOTS, 'facilitation-silent-round.png') });
	expect(await laneTexts(bob.page, 'What can go wrong?')).not.toContain(secret);
	for (const user of [ada, cem]) await expect(user.page.getByText(secret)).toHaveCount(0);
	expect(await storedTexts(room.roomId)).not.toContain(secret);

	// Cem writes one too, then closes his browser before the reveal.
	const offlineSecret = 'Card numbers in the debug log';
	await addNote(cem.page, 'What can go wrong?', 'Threat', offlineSecret);
	await expect(cem.page.getByTestId('draft-text')).toHaveValue(offlineSecret);
	await cem.page.close();

	// Reveal: Bob's draft is published and everyone sees it; Cem's waits in his browser.
	await panel.getByTestId('reveal').click();
	for (const user of [ada, bob]) {
		await expect.poll(() => laneTexts(user.page, 'What can go wrong?')).toContain(secret);
	}
	await expect(bob.page.getByTestId('silent-drafts')).toHaveCount(0);
	expect(await storedTexts(room.roomId)).not.toContain(offlineSecret);

	// Cem comes back: his draft of the revealed round is published at once.
	cem.page = await cem.context.newPage();
	await cem.page.goto(room.links.participant);
	await expect.poll(() => laneTexts(ada.page, 'What can go wrong?')).toContain(offlineSecret);
	await expect.poll(() => laneTexts(cem.page, 'What can go wrong?')).toEqual(expect.arrayContaining([secret, offlineSecret]));
	expect(await storedTexts(room.roomId)).toEqual(expect.arrayContaining([secret, offlineSecret]));

	for (const user of everyone) expect(user.errors).toEqual([]);
	await Promise.all(everyone.map((user) => user.context.close()));
});

test('a participant cannot run the clock, and a locked board is read-only for participants only', async ({ browser }) => {
	const room = await createRoom('Locked review');
	const ada = await newUser(browser);
	const bob = await newUser(browser);
	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	await bob.page.goto(room.links.participant);
	await chooseName(bob.page, 'Bob');
	await expect(connectionStatus(bob.page)).toContainText('Live');

	// The server refuses a participant's command with a clear message (the UI offers none).
	const refused = await bob.page.evaluate(async (roomId) => {
		const response = await fetch(`/api/rooms/${roomId}/control`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ type: 'start' })
		});
		return { status: response.status, body: (await response.json()) as { error: { message: string } } };
	}, room.roomId);
	expect(refused.status).toBe(401);
	expect(refused.body.error.message).toMatch(/only a facilitator/i);

	const panel = ada.page.getByTestId('facilitator-panel');
	await ada.page.keyboard.press('Alt+Shift+F'); // the panel's shortcut
	await panel.getByTestId('lock-toggle').click();
	await expect(bob.page.getByTestId('lock-badge')).toBeVisible();
	await expect(bob.page.getByRole('button', { name: 'Threat', exact: true })).toHaveCount(0);
	await addNote(ada.page, 'What can go wrong?', 'Threat', 'Facilitator may still write');
	await expect.poll(() => laneTexts(bob.page, 'What can go wrong?')).toContain('Facilitator may still write');

	await panel.getByTestId('lock-toggle').click();
	await expect(bob.page.getByTestId('lock-badge')).toHaveCount(0);
	await addNote(bob.page, 'What can go wrong?', 'Threat', 'Bob writes again');
	await expect.poll(() => laneTexts(ada.page, 'What can go wrong?')).toContain('Bob writes again');
	// The refused command is the one error the browser logs (its 401 response); nothing else.
	for (const user of [ada, bob]) expect(user.errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
	await Promise.all([ada.context.close(), bob.context.close()]);
});

test('"I\'m done" reaches the facilitator, and a co-facilitator keeps the role across a reload', async ({ browser }) => {
	const room = await createRoom('Shared facilitation');
	const ada = await newUser(browser);
	const bob = await newUser(browser);
	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	await bob.page.goto(room.links.participant);
	await chooseName(bob.page, 'Bob');
	await ada.page.getByTestId('bar-timer-toggle').click();
	await expect(phaseState(bob.page)).toHaveText('Time left');

	await ada.page.getByRole('button', { name: 'Facilitate' }).click();
	const bobRow = ada.page.getByTestId('facilitator-panel').getByTestId('person').filter({ hasText: 'Bob' });
	await expect(bobRow).toContainText('nothing yet');
	await bob.page.getByTestId('done-button').click();
	await expect(bobRow).toContainText('done');
	await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'facilitation-panel.png') });

	await bobRow.getByRole('button', { name: 'Make co-facilitator' }).click();
	await expect(bob.page.getByRole('button', { name: 'Facilitate' })).toBeVisible();
	await bob.page.reload();
	await expect(bob.page.getByRole('button', { name: 'Facilitate' })).toBeVisible();
	await expect(connectionStatus(bob.page)).toContainText('Live');
	await bob.page.getByTestId('bar-timer-toggle').click(); // pause, as co-facilitator
	await expect(phaseState(ada.page)).toHaveText('Paused');
	for (const user of [ada, bob]) expect(user.errors).toEqual([]);
	await Promise.all([ada.context.close(), bob.context.close()]);
});

test('the board follows a voting round as the facilitator runs it: budget, hidden totals, closing', async ({ browser }) => {
	const room = await createRoom('Voting round');
	const ada = await newUser(browser);
	const bob = await newUser(browser);
	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	await bob.page.goto(room.links.participant);
	await chooseName(bob.page, 'Bob');
	await addNote(ada.page, 'What can go wrong?', 'Threat', 'Replayed webhooks');
	const count = (user: User) => noteWithText(user.page, 'Replayed webhooks').getByTestId('vote-count');
	const vote = (user: User) => noteWithText(user.page, 'Replayed webhooks').getByRole('button', { name: /^Vote for this note/ });
	await expect(bob.page.getByTestId('votes-left')).toHaveText('5 of 5 votes left');

	const panel = ada.page.getByTestId('facilitator-panel');
	await ada.page.getByRole('button', { name: 'Facilitate' }).click();
	const budget = panel.getByLabel('Dots each');
	await budget.fill('2');
	await budget.blur();
	await expect(bob.page.getByTestId('votes-left')).toHaveText('2 of 2 votes left');
	await panel.getByLabel('Hide totals until closed').check();
	await panel.getByRole('button', { name: 'Open a voting round' }).click();
	// Bob votes once his board says the round is on, as a person would: a dot clicked in the
	// instant before goes on the board as an open vote (the server takes it, VOTE_GRACE_MS).
	await expect(bob.page.getByTestId('voting-badge')).toHaveText('Voting open · 2 dots each · totals hidden');

	// While the round is open everyone sees their own dots only.
	await vote(bob).click();
	await expect(count(bob)).toHaveText('1');
	await vote(bob).click();
	await expect(bob.page.getByTestId('votes-left')).toHaveText('0 of 2 votes left');
	await vote(ada).click();
	await expect(count(ada)).toHaveText('1');
	await expect(count(bob)).toHaveText('2');

	// A smaller budget counts fewer of Bob's dots, with no vote changing: 1 + 1, not 1 + 2.
	await budget.fill('1');
	await budget.blur();
	await expect(bob.page.getByTestId('votes-left')).toHaveText('0 of 1 votes left');
	await panel.getByRole('button', { name: 'Close voting' }).click();
	await expect(bob.page.getByTestId('votes-left')).toHaveText('Voting closed');
	await expect(vote(bob)).toBeDisabled();
	for (const user of [ada, bob]) await expect(count(user)).toHaveText('2');

	for (const user of [ada, bob]) expect(user.errors).toEqual([]);
	await Promise.all([ada.context.close(), bob.context.close()]);
});

test('a change the server refuses, kept on the device, no longer locks that browser out', async ({ browser }) => {
	const room = await createRoom('Refused change');
	const bob = await newUser(browser);
	await bob.page.goto(room.links.participant);
	await chooseName(bob.page, 'Bob');
	await expect(connectionStatus(bob.page)).toContainText('Live');

	// Bob's copy of the board on this device comes to hold a note written in someone else's name
	// (a tampered or buggy copy): the server refuses it at every connection (4406).
	const forged = new Y.Doc();
	createNote(forged, { kind: 'threat', question: 2, text: 'Written in another name', author: 'Mallory', authorColor: '#dc2626', authorId: createRecordId() });
	const update = Array.from(Y.encodeStateAsUpdate(forged));
	await bob.page.evaluate(
		async ({ name, update }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			await new Promise<void>((resolve, reject) => {
				const tx = db.transaction('updates', 'readwrite');
				tx.objectStore('updates').add(new Uint8Array(update));
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error);
			});
			db.close();
		},
		{ name: `threatboard.board.${room.roomId}`, update }
	);
	const banner = bob.page.getByRole('alert').filter({ hasText: 'The server closed the connection' });
	for (let reload = 0; reload < 2; reload++) {
		await bob.page.reload();
		await expect(banner).toContainText('writes a note as someone else (code 4406)');
	}
	// The board says it is not syncing, not that it will (the server refuses; only the banner helps).
	await expect(bob.page.getByTestId('offline-notice')).toHaveText('Not syncing — your changes are kept on this device');
	await bob.page.screenshot({ path: path.join(SCREENSHOTS, 'refused-change-banner.png') });
	await bob.page.setViewportSize({ width: 1440, height: 900 });
	await bob.page.screenshot({ path: path.join(SCREENSHOTS, 'refused-change-banner-1440.png') });

	// The way out: this device's copy is dropped, and the board comes back from the server.
	await banner.getByRole('button', { name: 'Reload without unsent changes' }).click();
	await expect(connectionStatus(bob.page)).toContainText('Live');
	await expect(banner).toHaveCount(0);
	expect(await laneTexts(bob.page, 'What can go wrong?')).not.toContain('Written in another name');
	await bob.page.reload();
	await expect(connectionStatus(bob.page)).toContainText('Live');
	await expect(banner).toHaveCount(0);
	await bob.context.close();
});
