/**
 * Iterations in the browser (issue 15): the facilitator freezes iteration 1 from the panel, the
 * team changes a threat's status and adds an element, and a participant in another browser opens
 * "Changes since iteration 1" and jumps from it to the threat; the frozen iteration downloads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createNote } from '../../src/lib/shared/board/doc.ts';
import { canvasReady, placeElement } from './canvas-helpers.ts';
import { chooseName, connectionStatus, createRoom, joinBoard, newUser, noteWithText, seedBoard } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');
const AUTHOR = { author: 'Seed', authorColor: '#2563eb' } as const;
const THREAT = 'Replay of a captured checkout request';

function iterationsDialog(page: Page) {
	return page.getByTestId('iterations-dialog');
}

test('iteration 2: a status change and a new element show in the other browser\'s diff', async ({ browser }) => {
	const room = await createRoom('Checkout');
	await seedBoard(room.roomId, (doc) => {
		createNote(doc, { kind: 'threat', question: 2, text: THREAT, stride: ['S'], likelihood: 3, impact: 4, ...AUTHOR });
		createNote(doc, { kind: 'mitigation', question: 3, text: 'Idempotency keys', ...AUTHOR });
	});
	const [ada, ben] = await Promise.all([newUser(browser), newUser(browser)]);
	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	await expect(connectionStatus(ada.page)).toContainText('Live');
	await joinBoard(ben, room.links.participant, 'Ben');

	// The facilitator starts iteration 2 from the panel, after a confirmation.
	await ada.page.getByRole('button', { name: 'Facilitate' }).click();
	const panel = ada.page.getByTestId('iteration-panel');
	await expect(panel.getByRole('heading')).toHaveText('Iteration 1');
	await panel.getByTestId('start-iteration').click();
	const confirm = ada.page.getByRole('dialog', { name: 'Start iteration 2?' });
	await expect(confirm).toBeVisible();
	await ada.page.screenshot({ path: path.join(SCREENSHOTS, 'iterations-confirm-1280.png') });
	await confirm.getByTestId('confirm-start-iteration').click();
	await expect(confirm).toBeHidden();
	await expect(panel.getByRole('heading')).toHaveText('Iteration 2');
	await expect(panel.getByTestId('start-iteration')).toHaveText('Start iteration 3');
	await ada.page.getByRole('button', { name: 'Hide the facilitator panel' }).click();

	// Work goes on in the same room: Ben marks the threat mitigated, Ada adds an element.
	await noteWithText(ben.page, THREAT).getByLabel('Threat status').selectOption('mitigated');
	await canvasReady(ada.page);
	await placeElement(ada.page, 'Store', 'Payment queue');

	// Ben opens the changes since iteration 1 (a second browser: read from the server).
	await ben.page.getByTestId('iterations-button').click();
	const dialog = iterationsDialog(ben.page);
	await expect(dialog.getByTestId('current-iteration')).toHaveText('This is iteration 2.');
	await expect(dialog.getByTestId('iteration-row')).toHaveCount(1);
	await expect(dialog.getByTestId('iteration-row')).toContainText('by Ada · 1 threat, 1 mitigation, 0 elements, 0 flows');
	const changes = dialog.getByTestId('change');
	await expect(changes).toHaveCount(2);
	await expect(changes.filter({ hasText: 'Payment queue' })).toHaveAttribute('data-change', 'added');
	await expect(changes.filter({ hasText: 'Payment queue' })).toContainText(/E1 Payment queue\s*Data store/);
	const statusChange = changes.filter({ hasText: THREAT });
	await expect(statusChange).toHaveAttribute('data-change', 'changed');
	await expect(statusChange).toContainText('status: Open → Mitigated');
	await expect(ben.page.getByRole('button', { name: 'Start iteration 3' })).toHaveCount(0);
	for (const [width, height] of [
		[1280, 720],
		[1440, 900],
		[820, 1180]
	] as const) {
		await ben.page.setViewportSize({ width, height });
		await ben.page.screenshot({ path: path.join(SCREENSHOTS, `iterations-changes-${width}.png`) });
	}

	// The frozen iteration downloads as it was: the threat still open.
	const download = ben.page.waitForEvent('download');
	await dialog.getByRole('button', { name: 'md', exact: true }).click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(/^threat-model-checkout-\d{4}-\d\d-\d\d-iteration-1\.md$/);
	const report = fs.readFileSync(await file.path(), 'utf8');
	expect(report).toContain('- **T1** Replay of a captured checkout request (risk 12, Open)');

	// "Show" jumps to the threat on the board.
	await statusChange.getByRole('button', { name: 'Show' }).click();
	await expect(dialog).toBeHidden();
	await expect(noteWithText(ben.page, THREAT)).toBeFocused();

	for (const user of [ada, ben]) expect(user.errors).toEqual([]);
	await Promise.all([ada.context.close(), ben.context.close()]);
});
