/**
 * The threat board across browsers: concurrent notes and typing, offline edits, undo scoped to
 * one's own changes, keyboard use, drag and drop, links, votes and filters. Each person is a
 * separate browser context (own storage, own IndexedDB); no fixed sleeps, only conditions.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	addNote,
	connectionStatus,
	createRoom,
	joinBoard,
	lane,
	laneTexts,
	expectNoteText,
	newUser,
	noteText,
	noteWithText,
	notesIn,
	seedBoard,
	type User
} from './helpers.ts';
import { createNote } from '../../src/lib/shared/board/doc.ts';

const THREATS = 'What can go wrong?';
const BUILDING = 'What are we building?';
const MITIGATIONS = 'What are we going to do about it?';

async function people(browser: Parameters<typeof newUser>[0], names: string[], title: string): Promise<User[]> {
	const room = await createRoom(title);
	const users = await Promise.all(names.map(() => newUser(browser)));
	await Promise.all(users.map((user, i) => joinBoard(user, room.links.participant, names[i])));
	return users;
}

async function closeAll(users: User[]): Promise<void> {
	for (const user of users) expect(user.errors).toEqual([]);
	await Promise.all(users.map((user) => user.context.close()));
}

function textOf(page: Page, text: string) {
	return noteText(noteWithText(page, text));
}

test('three people add threats at the same moment and each sees all of them', async ({ browser }) => {
	const names = ['Ana', 'Ben', 'Chen'];
	const users = await people(browser, names, 'Concurrent threats');
	await Promise.all(users.map((user, i) => addNote(user.page, THREATS, 'Threat', `Threat by ${names[i]}`)));
	const expected = names.map((name) => `Threat by ${name}`).sort();
	for (const user of users) {
		await expect(notesIn(user.page, THREATS)).toHaveCount(3);
		await expect.poll(async () => (await laneTexts(user.page, THREATS)).sort()).toEqual(expected);
	}
	// Everyone sees the notes in the same order (order keys, not arrival order).
	const orders = await Promise.all(users.map((user) => laneTexts(user.page, THREATS)));
	expect(orders[1]).toEqual(orders[0]);
	expect(orders[2]).toEqual(orders[0]);
	await closeAll(users);
});

test('two people type into the same note at once: both keep their words and their carets', async ({ browser }) => {
	const [ana, ben] = await people(browser, ['Ana', 'Ben'], 'Same note');
	await addNote(ana.page, THREATS, 'Threat', 'Hello');
	await expectNoteText(noteWithText(ben.page, 'Hello'), 'Hello');

	await textOf(ana.page, 'Hello').click();
	await ana.page.keyboard.press('Control+End');
	await textOf(ben.page, 'Hello').click();
	await ben.page.keyboard.press('Control+Home');
	await expect(noteWithText(ana.page, 'Hello').getByTestId('editing-badge')).toContainText('Ben is editing');
	await expect(noteWithText(ben.page, 'Hello').getByTestId('editing-badge')).toContainText('Ana is editing');

	await Promise.all([ana.page.keyboard.type(' alpha', { delay: 40 }), ben.page.keyboard.type('beta ', { delay: 40 })]);
	// Each caret stayed where its owner was typing: more words land in the right places.
	await ana.page.keyboard.type(' gamma');
	await ben.page.keyboard.type('delta ');
	const expected = 'beta delta Hello alpha gamma';
	await expectNoteText(noteWithText(ana.page, 'Hello'), expected);
	await expectNoteText(noteWithText(ben.page, 'Hello'), expected);
	await closeAll([ana, ben]);
});

test('someone offline keeps editing, sees that they are offline, and the others get the edits on reconnect', async ({
	browser
}) => {
	const [ana, ben] = await people(browser, ['Ana', 'Ben'], 'Offline edits');
	await addNote(ana.page, THREATS, 'Threat', 'Shared before');
	await expect(textOf(ben.page, 'Shared before')).toBeVisible();

	await ana.context.setOffline(true);
	await expect(ana.page.getByTestId('offline-notice')).toContainText('Offline — your changes are kept and will sync');
	await expect(connectionStatus(ana.page)).toContainText('Offline');
	await addNote(ana.page, THREATS, 'Threat', 'Written offline');
	await textOf(ana.page, 'Shared before').click();
	await ana.page.keyboard.press('Control+End');
	await ana.page.keyboard.type(' and edited');
	await expect(notesIn(ana.page, THREATS)).toHaveCount(2);
	expect(await laneTexts(ben.page, THREATS)).toEqual(['Shared before']);

	await ana.context.setOffline(false);
	await expect(connectionStatus(ana.page)).toContainText('Live');
	await expect(ana.page.getByTestId('offline-notice')).toHaveCount(0);
	await expect.poll(() => laneTexts(ben.page, THREATS)).toEqual(['Shared before and edited', 'Written offline']);
	await closeAll([ana, ben]);
});

test('undo takes back your own edit and never someone else’s', async ({ browser }) => {
	const [ana, ben] = await people(browser, ['Ana', 'Ben'], 'Undo scope');
	await addNote(ana.page, THREATS, 'Threat', 'Token reuse');
	await addNote(ben.page, THREATS, 'Threat', 'Ben’s own note');
	await expect(textOf(ben.page, 'Token reuse')).toBeVisible();

	await textOf(ben.page, 'Token reuse').click();
	await ben.page.keyboard.press('Control+End');
	await ben.page.keyboard.type(' across tenants');
	await expectNoteText(noteWithText(ana.page, 'Token reuse'), 'Token reuse across tenants');

	// Ana's last change is her typing: undo removes her words and keeps Ben's.
	await textOf(ana.page, 'Token reuse').click();
	await ana.page.keyboard.press('Control+z');
	await expectNoteText(noteWithText(ana.page, 'across tenants'), ' across tenants');
	await expectNoteText(noteWithText(ben.page, 'across tenants'), ' across tenants');
	// Redo brings them back; Ben's note was never touched.
	await ana.page.keyboard.press('Control+Shift+z');
	await expectNoteText(noteWithText(ben.page, 'across tenants'), 'Token reuse across tenants');
	await expectNoteText(noteWithText(ana.page, 'Ben’s own note'), 'Ben’s own note');
	await closeAll([ana, ben]);
});

test('keyboard: create, move between positions and lanes, delete and undo', async ({ browser }) => {
	const [ana] = await people(browser, ['Ana'], 'Keyboard');
	const page = ana.page;
	await lane(page, THREATS).getByRole('button', { name: 'Threat', exact: true }).focus();
	await page.keyboard.press('Enter');
	await page.keyboard.type('First threat');
	await page.keyboard.press('Escape');
	await expect(noteWithText(page, 'First threat')).toBeFocused();
	await page.keyboard.press('n');
	await page.keyboard.type('Second threat');
	await page.keyboard.press('Escape');
	await expect.poll(() => laneTexts(page, THREATS)).toEqual(['First threat', 'Second threat']);

	await page.keyboard.press('Alt+ArrowUp');
	await expect.poll(() => laneTexts(page, THREATS)).toEqual(['Second threat', 'First threat']);
	await expect(page.getByTestId('announcer')).toContainText('position 1 of 2');
	await expect(noteWithText(page, 'Second threat')).toBeFocused();
	await page.keyboard.press('Alt+ArrowRight');
	await expect(page.getByTestId('announcer')).toContainText('Threats stay in');

	// A component may move to another lane; Alt+→ takes it from lane 1 to lane 2.
	await lane(page, BUILDING).getByRole('button', { name: 'Assumption', exact: true }).click();
	await page.keyboard.type('Keys are rotated yearly');
	await page.keyboard.press('Escape');
	await page.keyboard.press('Alt+ArrowRight');
	await expect.poll(() => laneTexts(page, THREATS)).toContain('Keys are rotated yearly');
	await expect(notesIn(page, BUILDING)).toHaveCount(0);

	// Arrow keys walk the notes; Delete deletes, the toast and Ctrl+Z bring it back.
	await noteWithText(page, 'Second threat').focus();
	await page.keyboard.press('ArrowDown');
	await expect(noteWithText(page, 'First threat')).toBeFocused();
	await page.keyboard.press('Delete');
	await expect(page.getByTestId('toast')).toContainText('Threat “First threat” deleted');
	await expect.poll(() => laneTexts(page, THREATS)).not.toContain('First threat');
	await page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();
	await expect.poll(() => laneTexts(page, THREATS)).toContain('First threat');
	await expect(noteWithText(page, 'First threat')).toBeFocused();
	await page.keyboard.press('Delete');
	await expect.poll(() => laneTexts(page, THREATS)).not.toContain('First threat');
	await page.keyboard.press('Control+z');
	await expect.poll(() => laneTexts(page, THREATS)).toContain('First threat');
	await closeAll([ana]);
});

test('undo on the delete toast brings the note back with its fields, link and votes after later actions', async ({ browser }) => {
	const [ana, ben] = await people(browser, ['Ana', 'Ben'], 'Undo delete');
	await addNote(ana.page, THREATS, 'Threat', 'Session tokens leak');
	const threat = noteWithText(ana.page, 'Session tokens leak');
	await threat.getByRole('button', { name: 'Spoofing' }).click();
	await threat.getByLabel('Likelihood').selectOption('4');
	await addNote(ana.page, MITIGATIONS, 'Mitigation', 'Rotate tokens hourly');
	await noteWithText(ana.page, 'Rotate tokens').getByRole('button', { name: 'Link threats' }).click();
	const picker = ana.page.getByRole('dialog', { name: 'Link threats' });
	await picker.getByRole('checkbox', { name: /Session tokens leak/ }).check();
	await picker.getByRole('button', { name: 'Done' }).click();
	await threat.getByRole('button', { name: /^Vote for this note/ }).click();
	await threat.getByRole('button', { name: /^Vote for this note/ }).click();
	await noteWithText(ben.page, 'Session tokens leak').focus();
	await ben.page.keyboard.press('v');
	await expect(noteWithText(ana.page, 'Session tokens leak').getByTestId('vote-count')).toHaveText('3');

	await threat.getByRole('button', { name: 'Delete note' }).click();
	await expect(ana.page.getByTestId('toast')).toContainText('Threat “Session tokens leak” deleted');
	await expect(noteWithText(ben.page, 'Session tokens leak')).toHaveCount(0);
	// Later actions: the delete is no longer the last thing Ana did.
	await addNote(ana.page, THREATS, 'Threat', 'Later threat');
	await noteWithText(ana.page, 'Rotate tokens').getByRole('button', { name: /^Vote for this note/ }).click();
	await ana.page.getByTestId('toast').getByRole('button', { name: 'Undo' }).click();

	for (const page of [ana.page, ben.page]) {
		const back = noteWithText(page, 'Session tokens leak');
		await expect(back).toHaveCount(1);
		await expect(back.getByRole('button', { name: 'Spoofing' })).toHaveAttribute('aria-pressed', 'true');
		await expect(back.getByLabel('Likelihood')).toHaveValue('4');
		await expect(back.getByRole('button', { name: /^Go to mitigation: ?Rotate tokens hourly/ })).toBeVisible();
		await expect(back.getByTestId('vote-count')).toHaveText('3');
	}
	await expect(noteWithText(ana.page, 'Session tokens leak')).toBeFocused();
	// The later actions stay (the note keeps its old place key), and Ctrl+Z takes back the restore.
	await expect.poll(async () => (await laneTexts(ana.page, THREATS)).sort()).toEqual(['Later threat', 'Session tokens leak']);
	await ana.page.keyboard.press('Control+z');
	await expect(noteWithText(ben.page, 'Session tokens leak')).toHaveCount(0);
	await expect.poll(() => laneTexts(ben.page, THREATS)).toEqual(['Later threat']);
	await closeAll([ana, ben]);
});

test('a long lane renders a window of cards: the keyboard walks it, and an editor survives scrolling away', async ({ browser }) => {
	const room = await createRoom('Long lane');
	await seedBoard(room.roomId, (doc) => {
		for (let i = 1; i <= 80; i++) createNote(doc, { kind: 'threat', question: 2, text: `Threat ${i}`, author: 'Seed', authorColor: '#2563eb' });
	});
	const ana = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	const page = ana.page;
	await expect(lane(page, THREATS).getByTestId('lane-count')).toHaveText('· 80');
	const cards = notesIn(page, THREATS);
	expect(await cards.count()).toBeLessThan(30);

	await noteWithText(page, 'Threat 1').focus();
	for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
	await expect(noteWithText(page, 'Threat 41')).toBeFocused();
	// Screen readers still hear where they are in the whole lane.
	await expect(page.locator('li', { has: noteWithText(page, 'Threat 41') })).toHaveAttribute('aria-posinset', '41');
	await expect(page.locator('li', { has: noteWithText(page, 'Threat 41') })).toHaveAttribute('aria-setsize', '80');
	expect(await cards.count()).toBeLessThan(30);

	await page.keyboard.press('Enter');
	await page.keyboard.type(' typed');
	await lane(page, THREATS).locator('.lane-body').evaluate((body) => body.scrollTo({ top: body.scrollHeight }));
	await expect(noteWithText(page, 'Threat 80')).toBeVisible();
	await page.keyboard.type(' on');
	await expect(page.locator('[data-note-id] textarea')).toBeFocused();
	await expectNoteText(noteWithText(page, 'Threat 41 typed'), 'Threat 41 typed on');
	await closeAll([ana]);
});

test('a note’s editor grows with its text, so nothing typed is hidden', async ({ browser }) => {
	const [ana] = await people(browser, ['Ana'], 'Growing note');
	await addNote(ana.page, THREATS, 'Threat', 'One line');
	const area = ana.page.locator('[data-note-id] textarea');
	const oneLine = (await area.boundingBox())?.height ?? 0;
	await ana.page.keyboard.press('Enter');
	await ana.page.keyboard.type('a second line, and a third one that is long enough to wrap in a lane');
	await expect.poll(async () => (await area.boundingBox())?.height ?? 0).toBeGreaterThan(oneLine * 2);
	// The box shows all of its text: no scrolled-away part.
	expect(await area.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1);
	await closeAll([ana]);
});

test('drag a note to another lane and to a new position', async ({ browser }) => {
	const [ana] = await people(browser, ['Ana'], 'Drag');
	const page = ana.page;
	await addNote(page, BUILDING, 'Assumption', 'WAF blocks SQLi');
	await addNote(page, MITIGATIONS, 'Mitigation', 'Rate limits');
	await page.keyboard.press('Escape');
	const grip = noteWithText(page, 'WAF blocks').locator('[draggable="true"]');
	await grip.dragTo(noteWithText(page, 'Rate limits'), { targetPosition: { x: 20, y: 5 } });
	await expect.poll(() => laneTexts(page, MITIGATIONS)).toEqual(['WAF blocks SQLi', 'Rate limits']);
	// A mitigation cannot be dropped into lane 1 (kinds keep their lane).
	await noteWithText(page, 'Rate limits').locator('[draggable="true"]').dragTo(lane(page, BUILDING));
	await expect.poll(() => laneTexts(page, MITIGATIONS)).toEqual(['WAF blocks SQLi', 'Rate limits']);
	await closeAll([ana]);
});

test('link a mitigation to a threat, jump along the link, vote within the budget', async ({ browser }) => {
	const [ana, ben] = await people(browser, ['Ana', 'Ben'], 'Links and votes');
	await addNote(ana.page, THREATS, 'Threat', 'Card testing bursts');
	await addNote(ana.page, MITIGATIONS, 'Mitigation', 'Velocity limits per card');
	await noteWithText(ana.page, 'Velocity limits').getByRole('button', { name: 'Link threats' }).click();
	const picker = ana.page.getByRole('dialog', { name: 'Link threats' });
	await picker.getByPlaceholder('Search threats…').fill('card');
	await picker.getByRole('checkbox', { name: /Card testing bursts/ }).check();
	await picker.getByRole('button', { name: 'Done' }).click();

	const chip = noteWithText(ben.page, 'Card testing').getByRole('button', { name: /^Go to mitigation: ?Velocity limits/ });
	await expect(chip).toBeVisible();
	await chip.click();
	await expect(noteWithText(ben.page, 'Velocity limits')).toBeFocused();
	await expect(noteWithText(ben.page, 'Velocity limits').getByRole('button', { name: /^Go to threat: ?Card testing bursts/ })).toBeVisible();

	// Five votes each; the sixth is refused; totals show on every screen.
	const vote = noteWithText(ana.page, 'Card testing').getByRole('button', { name: /^Vote for this note/ });
	for (let i = 1; i <= 5; i++) {
		await vote.click();
		await expect(noteWithText(ana.page, 'Card testing').getByTestId('vote-count')).toHaveText(String(i));
	}
	await vote.click();
	await expect(ana.page.getByTestId('toast')).toContainText('You have used all your votes');
	await expect(ana.page.getByTestId('votes-left')).toHaveText('0 of 5 votes left');
	await noteWithText(ben.page, 'Velocity limits').focus();
	await ben.page.keyboard.press('v');
	await expect(noteWithText(ben.page, 'Card testing').getByTestId('vote-count')).toHaveText('5');
	await expect(noteWithText(ana.page, 'Velocity limits').getByTestId('vote-count')).toHaveText('1');

	// Sorting by votes puts the most voted first; deleting a note removes its links.
	await noteWithText(ana.page, 'Velocity limits').getByRole('button', { name: 'Delete note' }).click();
	await expect(noteWithText(ben.page, 'Card testing').getByRole('button', { name: /Velocity limits/ })).toHaveCount(0);
	await expect(noteWithText(ben.page, 'Velocity limits')).toHaveCount(0);
	await closeAll([ana, ben]);
});

test('search and filters narrow the board and say how much is hidden', async ({ browser }) => {
	const [ana] = await people(browser, ['Ana'], 'Filters');
	const page = ana.page;
	await addNote(page, THREATS, 'Threat', 'Session fixation on login');
	await noteWithText(page, 'Session fixation').getByRole('button', { name: 'Spoofing' }).click();
	await addNote(page, THREATS, 'Threat', 'Log tampering');
	await addNote(page, BUILDING, 'Component', 'Login service');
	await page.keyboard.press('Escape');

	await page.getByLabel('Search notes').fill('login');
	await expect.poll(() => laneTexts(page, THREATS)).toEqual(['Session fixation on login']);
	await expect(lane(page, THREATS).getByTestId('lane-count')).toHaveText('· 1 of 2');
	await expect.poll(() => laneTexts(page, BUILDING)).toEqual(['Login service']);

	await page.getByLabel('Search notes').fill('');
	await page.getByLabel('STRIDE category').selectOption('S');
	await expect.poll(() => laneTexts(page, THREATS)).toEqual(['Session fixation on login']);
	await expect(lane(page, BUILDING).getByText('No notes match')).toBeVisible();
	await page.getByRole('button', { name: 'Clear' }).click();
	await expect(notesIn(page, THREATS)).toHaveCount(2);
	await closeAll([ana]);
});

test('a note’s colour changes for everyone, and observers can read but not write', async ({ browser }) => {
	const room = await createRoom('Colours');
	const [ana, olivia] = await Promise.all([newUser(browser), newUser(browser)]);
	await joinBoard(ana, room.links.participant, 'Ana');
	await addNote(ana.page, THREATS, 'Threat', 'Colourful threat');
	await ana.page.keyboard.press('Escape');
	await noteWithText(ana.page, 'Colourful').getByRole('button', { name: 'Change colour' }).click();
	await ana.page.getByRole('radio', { name: 'Blue' }).click();
	await expect(noteWithText(ana.page, 'Colourful')).toBeFocused();

	await joinBoard(olivia, room.links.observer, 'Olivia');
	const note = noteWithText(olivia.page, 'Colourful');
	await expect(note).toHaveAttribute('style', /--note: #bfdbfe/);
	await expect(olivia.page.getByRole('button', { name: 'Threat', exact: true })).toHaveCount(0);
	await expect(note.getByRole('button', { name: 'Spoofing' })).toBeDisabled();
	await expect(note.getByRole('textbox')).toHaveAttribute('aria-readonly', 'true');
	await noteText(note).click();
	await expect(olivia.page.locator('textarea')).toHaveCount(0);
	await closeAll([ana, olivia]);
});
