/**
 * The facilitator's focus on every screen (issue 18): the current question's lane is marked and
 * brought into view when the question changes, the facilitator can point everyone at another
 * lane, and a lane sorted by the facilitator is sorted so for everyone, who may step out and back.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createNote } from '../../src/lib/shared/board/doc.ts';
import { chooseName, connectionStatus, createRoom, joinBoard, lane, laneTexts, newUser, noteWithText, publishScreenshot, seedBoard } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');
const WRONG = 'What can go wrong?';
const BUILDING = 'What are we building?';

test('the facilitator’s lane, pointer and sort reach every screen; a participant can step out and back', async ({ browser }) => {
	test.setTimeout(90_000);
	const room = await createRoom('Shared focus');
	await seedBoard(room.roomId, (doc) => {
		for (const text of ['No votes', 'Two votes', 'One vote']) createNote(doc, { kind: 'threat', question: 2, text, author: 'Seed', authorColor: '#2563eb' });
	});
	const ada = await newUser(browser);
	const bo = await newUser(browser);
	await ada.page.goto(room.links.facilitator);
	await chooseName(ada.page, 'Ada');
	await expect(connectionStatus(ada.page)).toContainText('Live');
	await joinBoard(bo, room.links.participant, 'Bo');
	// An observer follows the same focus, on a laptop screen.
	const olivia = await newUser(browser);
	await olivia.page.setViewportSize({ width: 1440, height: 900 });
	await joinBoard(olivia, room.links.observer, 'Olivia');
	const nowIn = (title: string) => lane(bo.page, title).getByTestId('lane-now');

	// Nothing is marked before the workshop starts; then the current question's lane is.
	await expect(bo.page.getByTestId('lane-now')).toHaveCount(0);
	await ada.page.getByRole('button', { name: 'Facilitate' }).click();
	const panel = ada.page.getByTestId('facilitator-panel');
	await panel.getByTestId('timer-toggle').click();
	await expect(nowIn(BUILDING)).toBeVisible();
	await panel.getByTestId('next-question').click();
	await expect(nowIn(WRONG)).toBeVisible();
	await expect(bo.page.getByTestId('lane-now')).toHaveCount(1);
	await expect(lane(olivia.page, WRONG).getByTestId('lane-now')).toBeVisible();

	// The facilitator points everyone at the parking lot, which comes into view, and back.
	await panel.getByRole('button', { name: 'Hide the facilitator panel' }).click();
	await lane(ada.page, 'Parking lot').getByTestId('point-lane').click();
	await expect(nowIn('Parking lot')).toBeVisible();
	await expect(lane(bo.page, 'Parking lot')).toBeInViewport();
	await expect(nowIn(WRONG)).toHaveCount(0);
	await lane(ada.page, 'Parking lot').getByTestId('point-lane').click();
	await expect(nowIn(WRONG)).toBeVisible();

	// Bo puts his dots, then the facilitator sorts: sorted so on Bo's screen too.
	for (const text of ['Two votes', 'Two votes', 'One vote']) await noteWithText(bo.page, text).getByRole('button', { name: /^Vote for this note/ }).click();
	await expect(noteWithText(ada.page, 'Two votes').getByRole('button', { name: /^Vote for this note/ })).toHaveAccessibleName(/ 2 votes/);
	await expect(noteWithText(ada.page, 'One vote').getByRole('button', { name: /^Vote for this note/ })).toHaveAccessibleName(/ 1 vote/);
	// Sorted by the facilitator: sorted so on Bo's screen too.
	expect(await laneTexts(bo.page, WRONG)).toEqual(['No votes', 'Two votes', 'One vote']);
	await ada.page.getByLabel(`Sort ${WRONG} by`).selectOption('votes');
	await expect.poll(() => laneTexts(ada.page, WRONG)).toEqual(['Two votes', 'One vote', 'No votes']);
	await expect.poll(() => laneTexts(bo.page, WRONG)).toEqual(['Two votes', 'One vote', 'No votes']);
	await expect(bo.page.getByLabel(`Sort ${WRONG} by`)).toHaveValue('votes');
	await expect.poll(() => laneTexts(olivia.page, WRONG)).toEqual(['Two votes', 'One vote', 'No votes']);

	// Bo steps out by sorting for himself; the facilitator's screen stays as it was; Bo comes back.
	await bo.page.getByLabel(`Sort ${WRONG} by`).selectOption('manual');
	await expect.poll(() => laneTexts(bo.page, WRONG)).toEqual(['No votes', 'Two votes', 'One vote']);
	await expect.poll(() => laneTexts(ada.page, WRONG)).toEqual(['Two votes', 'One vote', 'No votes']);
	await bo.page.screenshot({ path: path.join(SCREENSHOTS, 'focus-stepped-out.png') });
	await bo.page.getByTestId('focus-rejoin').click();
	await expect.poll(() => laneTexts(bo.page, WRONG)).toEqual(['Two votes', 'One vote', 'No votes']);
	await expect(bo.page.getByTestId('focus-rejoin')).toHaveCount(0);

	publishScreenshot('focus.png', await olivia.page.screenshot({ path: path.join(SCREENSHOTS, 'focus-observer.png') }));
	for (const user of [ada, bo, olivia]) {
		expect(user.errors, 'console errors').toEqual([]);
		await user.context.close();
	}
});
