/**
 * Typing through an input method (IME), e.g. Japanese: the text is composed in steps
 * (に → にほ → にほん → 日本) and only the committed text is the person's input. Driven with the
 * DevTools protocol's IME commands, which the page receives as real composition events.
 * Nothing of a composition in progress may reach the others, and an edit someone else makes in
 * the same note meanwhile must survive next to the committed text, with nothing doubled.
 */
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { addNote, createRoom, expectNoteText, joinBoard, newUser, noteText, noteWithText } from './helpers.ts';

const THREATS = 'What can go wrong?';

async function compose(cdp: CDPSession, text: string): Promise<void> {
	await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
}

function compositionEvents(page: Page): Promise<void> {
	return page.evaluate(() => {
		const w = window as unknown as { __composition: string[] };
		w.__composition = [];
		for (const type of ['compositionstart', 'compositionend'] as const) {
			document.addEventListener(type, (event) => w.__composition.push(`${type}:${event.data}`), true);
		}
	});
}

test('an IME composition reaches the others once, when committed, and keeps a concurrent edit', async ({ browser }) => {
	const room = await createRoom('IME');
	const [ana, ben] = await Promise.all([newUser(browser), newUser(browser)]);
	await joinBoard(ana, room.links.participant, 'Ana');
	await joinBoard(ben, room.links.participant, 'Ben');
	await addNote(ana.page, THREATS, 'Threat', 'Tokyo office: ');
	await expectNoteText(noteWithText(ben.page, 'Tokyo office'), 'Tokyo office: ');

	// Ana's caret is at the end of the note; Ben's at its start.
	await noteText(noteWithText(ana.page, 'Tokyo office')).click();
	await ana.page.keyboard.press('Control+End');
	await noteText(noteWithText(ben.page, 'Tokyo office')).click();
	await ben.page.keyboard.press('Control+Home');
	await expect(noteWithText(ana.page, 'Tokyo office').getByTestId('editing-badge')).toContainText('Ben is editing');

	await compositionEvents(ana.page);
	const cdp = await ana.context.newCDPSession(ana.page);
	await compose(cdp, 'に');
	await compose(cdp, 'にほ');
	// Ben types while Ana is still composing.
	await ben.page.keyboard.type('Big ');
	await compose(cdp, 'にほん');
	await compose(cdp, '日本');
	const area = ana.page.locator('[data-note-id] textarea');
	await expect(area).toHaveValue(/日本$/);
	// Mid-composition nothing of it has been shared: Ben sees only his own words, and Ana's
	// textarea is left alone (replacing its value would cancel the composition).
	await expectNoteText(noteWithText(ben.page, 'Tokyo office'), 'Big Tokyo office: ');
	await expect(area).toHaveValue('Tokyo office: 日本');

	await cdp.send('Input.insertText', { text: '日本' });
	const expected = 'Big Tokyo office: 日本';
	await expectNoteText(noteWithText(ben.page, 'Tokyo office'), expected);
	await expectNoteText(noteWithText(ana.page, 'Tokyo office'), expected);
	await expect(area).toHaveValue(expected);
	expect(await ana.page.evaluate(() => (window as unknown as { __composition: string[] }).__composition)).toEqual([
		'compositionstart:',
		'compositionend:日本'
	]);

	// Typing on after the composition continues at Ana's caret, after the committed text.
	await ana.page.keyboard.type(' HQ');
	await expectNoteText(noteWithText(ben.page, 'Tokyo office'), `${expected} HQ`);
	await cdp.detach();
	for (const user of [ana, ben]) expect(user.errors).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});
