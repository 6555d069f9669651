/**
 * Honest facilitation in the browser (issue 14), with a facilitator and two participants in
 * separate browser contexts: a voting round whose totals reach nobody's screen before it closes,
 * an estimation round where the picks stay private until the reveal and a wide spread is flagged,
 * and a risk decision recorded through the dialog and shown on every screen.
 */
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createNote } from '../../src/lib/shared/board/doc.ts';
import { chooseName, connectionStatus, createRoom, joinBoard, newUser, noteWithText, publishScreenshot, seedBoard, type User } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');
const WEBHOOK = 'Replay of the payment webhook';
const DEBUG_LOG = 'Card numbers in the debug log';

interface Workshop {
	room: Awaited<ReturnType<typeof createRoom>>;
	ada: User;
	bo: User;
	cem: User;
	panel: Locator;
}

/** A room with two threats, Ada facilitating (panel open), Bo and Cem joined as participants. */
async function workshop(browser: Parameters<Parameters<typeof test>[2]>[0]['browser'], title: string): Promise<Workshop> {
	const room = await createRoom(title);
	await seedBoard(room.roomId, (doc) => {
		for (const text of [WEBHOOK, DEBUG_LOG]) createNote(doc, { kind: 'threat', question: 2, text, author: 'Seed', authorColor: '#2563eb' });
	});
	const ada = await newUser(browser);
	const bo = await newUser(browser);
	const cem = await newUser(browser);
	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	await expect(connectionStatus(ada.page)).toContainText('Live');
	await joinBoard(bo, room.links.participant, 'Bo');
	await joinBoard(cem, room.links.participant, 'Cem');
	await ada.page.getByRole('button', { name: 'Facilitate' }).click();
	const panel = ada.page.getByTestId('facilitator-panel');
	await expect(panel).toBeVisible();
	// Everyone has joined with an identity once the facilitator's panel lists them as people.
	await expect(panel.getByTestId('person')).toHaveCount(2);
	return { room, ada, bo, cem, panel };
}

async function closeAll(users: User[]): Promise<void> {
	for (const user of users) {
		expect(user.errors, 'console errors').toEqual([]);
		await user.context.close();
	}
}

/** Picks likelihood and impact in the estimation card and waits for the server's confirmation. */
async function pick(page: Page, likelihood: number, impact: number): Promise<void> {
	const card = page.getByTestId('estimation-card');
	await card.getByRole('radio', { name: new RegExp(`^Likelihood ${likelihood}:`) }).check();
	await card.getByRole('radio', { name: new RegExp(`^Impact ${impact}:`) }).check();
	await card.getByTestId('send-pick').click();
	await expect(card.getByTestId('my-pick')).toHaveText(`Your pick: L${likelihood} · I${impact}`);
}

test('an estimation round: private picks, a flagged spread at the reveal, the agreed values on the card', async ({ browser }) => {
	test.setTimeout(90_000);
	const { room, ada, bo, cem, panel } = await workshop(browser, 'Estimation round');
	// An observer, on a larger screen: sees the round, but no control it could not use.
	const olivia = await newUser(browser);
	await olivia.page.setViewportSize({ width: 1440, height: 900 });
	await joinBoard(olivia, room.links.observer, 'Olivia');
	await expect(noteWithText(bo.page, WEBHOOK).getByTestId('estimate-threat')).toHaveCount(0);
	await noteWithText(ada.page, WEBHOOK).getByTestId('estimate-threat').click();
	const estimation = panel.getByTestId('estimation-panel');
	await expect(estimation.getByTestId('estimation-threat')).toHaveText(`“${WEBHOOK}”`);
	for (const user of [bo, cem]) {
		await expect(user.page.getByTestId('estimation-card')).toContainText(WEBHOOK);
		await expect(noteWithText(user.page, WEBHOOK).getByTestId('being-estimated')).toBeVisible();
	}
	await expect(estimation.getByTestId('estimation-progress')).toHaveText('0 of 3 have picked');
	await expect(olivia.page.getByTestId('estimation-card')).toContainText(WEBHOOK);
	await expect(olivia.page.getByTestId('pick-progress')).toContainText('0 of 3 have picked');
	await expect(olivia.page.getByTestId('estimation-picker')).toHaveCount(0);
	await expect(olivia.page.getByTestId('estimate-threat')).toHaveCount(0);

	// Bo and Cem pick far apart; each sees only their own pick, and the count.
	await pick(bo.page, 1, 1);
	await pick(cem.page, 5, 5);
	await expect(estimation.getByTestId('estimation-progress')).toHaveText('2 of 3 have picked');
	await expect(bo.page.getByTestId('pick-progress')).toContainText('2 of 3 have picked');
	await expect(bo.page.getByTestId('estimation-card')).not.toContainText('L5');
	await expect(cem.page.getByTestId('estimation-card')).not.toContainText('L1');
	await expect(estimation.getByTestId('estimation-picks')).toHaveCount(0);
	await bo.page.screenshot({ path: path.join(SCREENSHOTS, 'estimation-picker.png') });
	await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'estimation-panel-picking.png') });

	// The reveal shows every pick at once and flags the spread, on every screen.
	await estimation.getByTestId('reveal-estimates').click();
	await expect(estimation.getByTestId('wide-spread')).toBeVisible();
	const picks = estimation.getByTestId('estimation-picks');
	await expect(picks.getByRole('row', { name: /Bo/ })).toHaveText(/Bo\s*1\s*1/);
	await expect(picks.getByRole('row', { name: /Cem/ })).toHaveText(/Cem\s*5\s*5/);
	await expect(estimation.getByTestId('estimation-range')).toHaveText(/Range\s*1–5\s*1–5/);
	await expect(bo.page.getByTestId('revealed-spread')).toContainText('likelihood 1–5, impact 1–5 from 2 people');
	await expect(cem.page.getByTestId('estimation-card')).toContainText('Wide spread');
	await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'estimation-panel-revealed.png') });
	await expect(olivia.page.getByTestId('revealed-spread')).toContainText('from 2 people');
	await olivia.page.screenshot({ path: path.join(SCREENSHOTS, 'estimation-observer-1440.png') });
	await ada.page.setViewportSize({ width: 1440, height: 900 });
	await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'estimation-panel-revealed-1440.png') });

	// The agreed values start at the median; the facilitator records 3 and 4 after the discussion.
	await expect(estimation.getByTestId('agreed-likelihood')).toHaveValue('3');
	await expect(estimation.getByTestId('agreed-impact')).toHaveValue('3');
	await estimation.getByTestId('agreed-impact').selectOption('4');
	await estimation.getByTestId('record-estimate').click();
	for (const user of [ada, bo, cem]) {
		const recorded = noteWithText(user.page, WEBHOOK).getByTestId('risk-estimate');
		await expect(recorded).toContainText('Agreed L3 · I4');
		await expect(recorded).toContainText('picks L 1–5, I 1–5 from 2 people');
		await expect(recorded).toContainText('wide spread discussed');
		await expect(user.page.getByTestId('estimation-card')).toHaveCount(0);
	}
	await expect(noteWithText(cem.page, WEBHOOK).getByRole('combobox', { name: 'Likelihood' })).toHaveValue('3');
	await noteWithText(cem.page, WEBHOOK).screenshot({ path: path.join(SCREENSHOTS, 'estimation-recorded-card.png') });
	await closeAll([ada, bo, cem, olivia]);
});

const voteButton = (page: Page, text: string) => noteWithText(page, text).getByRole('button', { name: /^Vote for this note/ });
const voteCount = (page: Page, text: string) => noteWithText(page, text).getByTestId('vote-count');

test('a hidden voting round: every screen shows its own dots and how many have voted, the totals only at close', async ({ browser }) => {
	test.setTimeout(90_000);
	const { ada, bo, cem, panel } = await workshop(browser, 'Hidden votes');
	await panel.getByLabel('Hide totals until closed').check();
	await panel.getByTestId('open-voting').click();
	for (const user of [ada, bo, cem]) await expect(user.page.getByTestId('voting-progress')).toHaveText('0 of 3 have voted');

	await voteButton(bo.page, WEBHOOK).click();
	await expect(voteCount(bo.page, WEBHOOK)).toHaveText('1');
	await voteButton(bo.page, WEBHOOK).click();
	await expect(voteCount(bo.page, WEBHOOK)).toHaveText('2');
	await voteButton(cem.page, WEBHOOK).click();
	await expect(voteCount(cem.page, WEBHOOK)).toHaveText('1');
	await voteButton(cem.page, DEBUG_LOG).click();
	await expect(voteCount(cem.page, DEBUG_LOG)).toHaveText('1');

	// Everyone learns how many have voted; nobody's screen shows anyone else's dots.
	for (const user of [ada, bo, cem]) await expect(user.page.getByTestId('voting-progress')).toHaveText('2 of 3 have voted');
	await expect(panel.getByTestId('panel-voting-progress')).toContainText('2 of 3 have voted');
	await expect(voteCount(bo.page, DEBUG_LOG)).toHaveText('0');
	await expect(voteCount(ada.page, WEBHOOK)).toHaveText('0');
	for (const user of [bo, cem]) {
		await expect(voteButton(user.page, WEBHOOK)).toHaveAttribute('aria-label', /Totals hidden until voting closes/);
		const text = await user.page.locator('body').innerText();
		expect(text).not.toMatch(/\b3 votes\b/);
		expect(await voteCount(user.page, WEBHOOK).textContent()).not.toBe('3');
	}

	// The facilitator alone sees the totals so far, ranked, while the round runs.
	const adaResults = ada.page.getByTestId('voting-results');
	await expect(adaResults).toContainText('only you see them');
	await expect(adaResults.getByTestId('ranked-note')).toHaveText([/^1\.[\s●]*3\s*Threat\s*Replay of the payment webhook/, /^2\.[\s●]*1\s*Threat\s*Card numbers/]);
	for (const user of [bo, cem]) await expect(user.page.getByTestId('voting-results')).toHaveCount(0);

	// Closing the round puts the totals on every board, and the results on every screen.
	await panel.getByTestId('close-voting').click();
	for (const user of [ada, bo, cem]) {
		await expect(voteCount(user.page, WEBHOOK)).toHaveText('3');
		await expect(voteCount(user.page, DEBUG_LOG)).toHaveText('1');
		await expect(user.page.getByTestId('voting-progress')).toHaveCount(0);
		const results = user.page.getByTestId('voting-results');
		await expect(results).toContainText('Voting results');
		await expect(results.getByTestId('ranked-note').first()).toContainText(WEBHOOK);
		await expect(results.getByTestId('ranked-note')).toHaveCount(2);
	}
	publishScreenshot('voting-results.png', await bo.page.screenshot({ path: path.join(SCREENSHOTS, 'voting-results.png') }));
	await bo.page.getByTestId('voting-results').getByRole('button', { name: 'Hide' }).click();
	await expect(bo.page.getByTestId('voting-results')).toHaveCount(0);
	await expect(cem.page.getByTestId('voting-results')).toBeVisible();

	// The top-voted threats go up for estimation as a queue, most votes first.
	await panel.getByTestId('estimate-top-voted').click();
	const estimation = panel.getByTestId('estimation-panel');
	await expect(estimation.getByTestId('estimation-threat')).toHaveText(`“${WEBHOOK}”`);
	await expect(estimation).toContainText('1 more threat in the queue');
	await estimation.getByTestId('end-estimation').click();
	await expect(bo.page.getByTestId('estimation-card')).toHaveCount(0);

	// Re-opened, with Cem left out: the totals hide again, and Cem gets no vote button to press.
	await panel.getByTestId('reopen-voting').click();
	await expect(voteCount(bo.page, WEBHOOK)).toHaveText('2');
	await panel.getByTestId('who-votes').getByText('Who votes').click();
	await panel.getByTestId('who-votes').getByRole('checkbox', { name: 'Cem' }).uncheck();
	await expect(cem.page.getByTestId('not-voting')).toBeVisible();
	await expect(voteButton(cem.page, WEBHOOK)).toBeDisabled();
	await expect(bo.page.getByTestId('voting-progress')).toHaveText('1 of 2 has voted');
	await closeAll([ada, bo, cem]);
});

test('a risk accepted through the decision dialog shows who decided, why and until when on every screen', async ({ browser }) => {
	test.setTimeout(90_000);
	const { ada, bo, cem, panel } = await workshop(browser, 'Risk decisions');
	// Bo is the product owner: the facilitator says so, and everyone sees it beside his name.
	await panel.getByTestId('person').filter({ hasText: 'Bo' }).getByTestId('workshop-role-select').selectOption('product-owner');
	await expect(cem.page.getByTestId('presence-chip').filter({ hasText: 'Bo' })).toContainText('Product owner');

	await noteWithText(bo.page, WEBHOOK).getByLabel('Threat status').selectOption('accepted');
	const dialog = bo.page.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByLabel('Decided by').selectOption({ label: 'Bo (Product owner)' });
	await dialog.getByLabel('Why').fill('Signed webhooks land next quarter; replay window is 5 minutes');
	await dialog.getByLabel('Review by').fill('2027-03-31');
	await dialog.getByRole('button', { name: 'Record decision' }).click();
	await expect(dialog).toBeHidden();

	for (const user of [ada, cem]) {
		const decision = noteWithText(user.page, WEBHOOK).getByTestId('risk-decision');
		await expect(decision).toContainText('Accepted by Bo');
		await expect(decision).toContainText('review by 2027-03-31');
		await expect(decision).toContainText('Signed webhooks land next quarter; replay window is 5 minutes');
		await expect(noteWithText(user.page, WEBHOOK).getByLabel('Threat status')).toHaveValue('accepted');
	}

	// The facilitator removes Cem (two clicks): Cem's screen says so, the others no longer see Cem.
	const cemRow = panel.getByTestId('person').filter({ hasText: 'Cem' });
	await cemRow.getByTestId('remove-participant').click();
	await expect(cemRow.getByTestId('remove-participant')).toHaveText('Confirm removal');
	publishScreenshot('remove-participant-confirm.png', await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'remove-participant-confirm.png') }));
	await cemRow.getByTestId('remove-participant').click();
	await expect(cem.page.getByRole('alert')).toContainText('A facilitator removed you from this workshop');
	publishScreenshot('removed-participant.png', await cem.page.screenshot({ path: path.join(SCREENSHOTS, 'removed-participant.png') }));
	await expect(panel.getByTestId('person').filter({ hasText: 'Cem' })).toHaveCount(0);
	await expect(bo.page.getByTestId('presence-chip').filter({ hasText: 'Cem' })).toHaveCount(0);
	await expect(connectionStatus(cem.page)).not.toContainText('Live');

	// Someone who has left can be removed too: Bo closes his tab, and is listed as not here.
	await bo.page.close();
	const away = panel.getByTestId('people-away');
	await expect(panel).toContainText('Nobody else is here right now.');
	await away.getByText('Not here now').click();
	await expect(away.getByTestId('person-away')).toHaveText([/Bo/]);
	await away.getByTestId('remove-participant').click();
	publishScreenshot('remove-participant-away.png', await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'remove-participant-away.png') }));
	await away.getByTestId('remove-participant').click();
	await expect(panel.getByTestId('people-away')).toHaveCount(0);
	await closeAll([ada, bo, cem]);
});

test('the closing poll: answers hidden until the reveal, then everyone sees them', async ({ browser }) => {
	test.setTimeout(90_000);
	const { ada, bo, cem, panel } = await workshop(browser, 'Closing poll');
	await panel.getByTestId('open-poll').click();

	async function answer(page: Page, confidence: number, better: string) {
		const card = page.getByTestId('poll-card');
		await card.getByRole('radio', { name: new RegExp(`^Confidence ${confidence}:`) }).check();
		await card.getByTestId('poll-better').fill(better);
		await card.getByTestId('send-answer').click();
		await expect(card.getByTestId('my-answer')).toHaveText(`Sent: ${confidence} of 5`);
	}
	await answer(bo.page, 4, 'More time for question 3');
	await answer(cem.page, 2, 'Invite someone from operations');
	await expect(panel.getByTestId('panel-poll-progress')).toHaveText('2 of 3 have answered');
	await expect(bo.page.getByTestId('poll-progress')).toContainText('2 of 3 have answered');
	for (const user of [ada, bo]) await expect(user.page.locator('body')).not.toContainText('Invite someone from operations');
	await bo.page.screenshot({ path: path.join(SCREENSHOTS, 'closing-poll.png') });

	await panel.getByTestId('reveal-poll').click();
	for (const user of [ada, bo, cem]) {
		const answers = user.page.getByTestId('poll-answers');
		await expect(answers).toContainText('More time for question 3');
		await expect(answers).toContainText('Invite someone from operations');
		await expect(user.page.getByTestId('poll-summary')).toHaveText('Confidence 3.0 of 5 from 2 people.');
	}
	await bo.page.screenshot({ path: path.join(SCREENSHOTS, 'closing-poll-revealed.png') });
	await panel.getByTestId('close-poll').click();
	for (const user of [ada, bo, cem]) await expect(user.page.getByTestId('poll-card')).toHaveCount(0);
	await closeAll([ada, bo, cem]);
});
