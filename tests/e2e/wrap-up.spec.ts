/**
 * The end of a workshop: a threat whose mitigations are all done is offered "Mitigated", ending
 * shows everyone the summary with the exports, an observer is offered no control they cannot
 * use, and restarting an ended workshop asks the facilitator first.
 */
import { expect, test } from '@playwright/test';
import { createNote } from '../../src/lib/shared/board/doc.ts';
import { addLink } from '../../src/lib/shared/board/links.ts';
import { controlPath } from '../../src/lib/shared/control/commands.ts';
import { baseUrl, createRoom, joinBoard, newUser, noteWithText, seedBoard } from './helpers.ts';

async function command(roomId: string, key: string, body: object): Promise<void> {
	const res = await fetch(`${baseUrl()}${controlPath(roomId)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body)
	});
	expect(res.status, await res.clone().text()).toBe(200);
}

test('mitigations done, the summary at the end for everyone, and a restart that asks first', async ({ browser }) => {
	const room = await createRoom('Checkout wrap-up');
	await seedBoard(room.roomId, (doc) => {
		const who = { author: 'Seed', authorColor: '#2563eb' };
		const threat = createNote(doc, { kind: 'threat', question: 2, text: 'Replayed checkout request', likelihood: 4, impact: 4, ...who });
		const done = createNote(doc, { kind: 'mitigation', question: 3, text: 'Idempotency keys', status: 'done', ...who });
		addLink(doc, { kind: 'mitigates', a: threat, b: done });
		createNote(doc, { kind: 'threat', question: 2, text: 'PSP rate limit exhausted', likelihood: 5, impact: 4, ...who });
	});
	const ana = await newUser(browser);
	const ben = await newUser(browser);
	const olivia = await newUser(browser);
	await joinBoard(ana, room.links.facilitator, 'Ana');
	await joinBoard(ben, room.links.participant, 'Ben');
	await joinBoard(olivia, room.links.observer, 'Olivia');

	// Every mitigation of the replay threat is done: offered, not applied, and one click applies it.
	const replay = (page: typeof ana.page) => noteWithText(page, 'Replayed checkout request');
	await expect(replay(ben.page).getByTestId('all-mitigations-done')).toContainText('Every mitigation is done');
	await expect(replay(olivia.page).getByTestId('all-mitigations-done')).toHaveCount(0);
	await replay(ben.page).getByRole('button', { name: 'Mark mitigated' }).click();
	await expect(replay(ana.page).getByLabel('Threat status')).toHaveValue('mitigated');
	await expect(replay(ana.page).getByTestId('all-mitigations-done')).toHaveCount(0);

	// An observer reads; no votes to spend and nothing to undo are offered.
	await expect(olivia.page.getByTestId('votes-left')).toHaveCount(0);
	await expect(olivia.page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
	await expect(ben.page.getByTestId('votes-left')).toBeVisible();

	// The facilitator ends the workshop: everyone sees the summary.
	await command(room.roomId, room.facilitatorKey, { type: 'start', name: 'Ana' });
	// Everyone has seen the workshop running before it ends (the summary opens on an end seen happening).
	for (const user of [ana, ben, olivia]) await expect(user.page.getByTestId('phase-state')).toHaveText('Time left');
	await command(room.roomId, room.facilitatorKey, { type: 'end' });
	for (const [who, user] of [['Ana', ana], ['Ben', ben], ['Olivia', olivia]] as const) {
		const summary = user.page.getByTestId('wrap-up');
		await expect(summary, `${who} sees the summary`).toBeVisible();
		await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Workshop ended: the summary');
		await expect(summary.getByTestId('wrap-up-threats')).toHaveText('2');
		await expect(summary.getByTestId('wrap-up-risks')).toContainText('PSP rate limit exhausted');
		await expect(summary.getByTestId('wrap-up-risks')).not.toContainText('Replayed checkout request');
		await expect(summary.getByRole('button', { name: 'Markdown report' })).toBeVisible();
	}
	await ben.page.screenshot({ path: test.info().outputPath('wrap-up.png') });
	const download = ben.page.waitForEvent('download');
	await ben.page.getByRole('button', { name: 'Markdown report' }).click();
	expect((await download).suggestedFilename()).toMatch(/^threat-model-checkout-wrap-up-\d{4}-\d{2}-\d{2}\.md$/);
	await ben.page.getByRole('button', { name: 'Close' }).click();
	await expect(ben.page.getByTestId('wrap-up')).toBeHidden();
	await ben.page.getByTestId('summary-button').click();
	await expect(ben.page.getByTestId('wrap-up')).toBeVisible();

	// Restart asks first; keeping it ended changes nothing.
	await ana.page.getByTestId('wrap-up').getByRole('button', { name: 'Close' }).click();
	await ana.page.getByTestId('bar-timer-toggle').click();
	const confirm = ana.page.getByRole('dialog', { name: 'Restart the workshop?' });
	await expect(confirm).toBeVisible();
	await confirm.getByRole('button', { name: 'Keep it ended' }).click();
	await expect(confirm).toBeHidden();
	await expect(ben.page.getByTestId('phase-state')).toHaveText('Workshop ended');
	await ana.page.getByTestId('bar-timer-toggle').click();
	await ana.page.getByTestId('confirm-restart').click();
	await expect(ben.page.getByTestId('phase-state')).not.toHaveText('Workshop ended');
	await expect(ben.page.getByTestId('wrap-up')).toBeHidden();

	expect([...ana.errors, ...ben.errors, ...olivia.errors]).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close(), olivia.context.close()]);
});
