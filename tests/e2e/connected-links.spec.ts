/**
 * The connected threat model on the board, across browsers: a threat written in a lane is tied
 * to diagram elements with the keyboard picker (by reference and by name), and everyone sees the
 * chips on the note and the badges on the canvas change; assets and threat agents linked from a
 * threat; duplicates that keep their links; the scope written live; a component placed on the
 * diagram; and an observer who gets no link control at all.
 */
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { getIndices, type TLGeoShape, type TLRecord } from 'tldraw';
import { canvasMap, canvasSchemaMap, createNote } from '../../src/lib/shared/board/doc.ts';
import { geoShape, newTldrawStore } from '../helpers/tldraw-shapes.ts';
import { canvasReady, shapeWithText } from './canvas-helpers.ts';
import { createRoom, joinBoard, newUser, noteWithText, seedBoard, type User } from './helpers.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results');
const AUTHOR = { author: 'Seed', authorColor: '#2563eb' } as const;
const THREAT = 'Card data read in transit';

/** The diagram, drawn in this order: E1 Payments API, E2 Orders DB, E3 Web app. */
const ELEMENTS = [
	{ id: 'shape:api', label: 'Payments API', dfd: 'process', x: 0 },
	{ id: 'shape:db', label: 'Orders DB', dfd: 'data-store', x: 320 },
	{ id: 'shape:web', label: 'Web app', dfd: 'process', x: 640 }
] as const;

/** Writes the diagram into a board document as the canvas binding stores it (tldraw's own records). */
function seedDiagram(doc: Y.Doc): void {
	const store = newTldrawStore();
	const indices = getIndices(ELEMENTS.length + 1);
	const page = { id: 'page:page', typeName: 'page', name: 'Page 1', index: indices[0], meta: {} } as unknown as TLRecord;
	const records = ELEMENTS.map((element, i) =>
		geoShape(store, {
			id: element.id as TLGeoShape['id'],
			index: indices[i + 1],
			x: element.x,
			y: 40,
			geo: 'rectangle',
			label: element.label,
			meta: { dfd: element.dfd, createdAt: 1_000 + i }
		})
	);
	store.mergeRemoteChanges(() => store.put([page, ...records]));
	for (const record of store.allRecords()) if (store.scopedTypes.document.has(record.typeName)) canvasMap(doc).set(record.id, record);
	canvasSchemaMap(doc).set('schema', store.schema.serialize());
}

type RoomLinks = Awaited<ReturnType<typeof createRoom>>['links'];

async function seededRoom(title: string): Promise<RoomLinks> {
	const room = await createRoom(title);
	await seedBoard(room.roomId, (doc) => {
		seedDiagram(doc);
		createNote(doc, { kind: 'threat', question: 2, text: THREAT, stride: ['I'], ...AUTHOR });
		createNote(doc, { kind: 'asset', question: 1, text: 'Cardholder data', ...AUTHOR });
		createNote(doc, { kind: 'component', question: 1, text: 'Fraud scoring service', ...AUTHOR });
		createNote(doc, { kind: 'agent', question: 2, text: 'Fraudster with stolen cards', motivation: 'Money', capability: 'medium', ...AUTHOR });
		createNote(doc, { kind: 'mitigation', question: 3, text: 'TLS on every hop', ...AUTHOR });
	});
	return room.links;
}

async function pair(title: string, browser: Parameters<typeof newUser>[0]): Promise<[User, User, RoomLinks]> {
	const links = await seededRoom(title);
	const [ana, ben] = await Promise.all([newUser(browser), newUser(browser)]);
	await joinBoard(ana, links.participant, 'Ana');
	await joinBoard(ben, links.participant, 'Ben');
	await Promise.all([canvasReady(ana.page), canvasReady(ben.page)]);
	return [ana, ben, links];
}

const chips = (note: Locator) => note.getByRole('list', { name: /^Diagram elements/ }).getByRole('listitem');
const badge = (page: Page, elementId: string) => page.locator(`.tb-threats[data-element-id="${elementId}"]`);

async function closeAll(users: User[]): Promise<void> {
	for (const user of users) expect(user.errors).toEqual([]);
	await Promise.all(users.map((user) => user.context.close()));
}

test('a lane threat is linked to two elements with the keyboard, and the other browser sees chips and badges change', async ({ browser }) => {
	const [ana, ben] = await pair('Connected', browser);
	const threat = noteWithText(ana.page, THREAT);

	// From the card, L opens the picker on the diagram tab, with the caret in its search.
	await threat.focus();
	await ana.page.keyboard.press('l');
	const picker = ana.page.getByRole('dialog', { name: 'Link diagram elements' });
	const search = picker.getByRole('combobox');
	await expect(search).toBeFocused();
	const options = picker.getByRole('option');
	await expect(options).toHaveText([/E1\s*Payments API/, /E2\s*Orders DB/, /E3\s*Web app/]);

	// By reference: E2, Enter.
	await ana.page.keyboard.type('E2');
	await expect(options).toHaveCount(1);
	await ana.page.keyboard.press('Enter');
	await expect(picker.getByRole('option', { name: /Orders DB/ })).toHaveAttribute('aria-selected', 'true');
	// By name, choosing with the arrow keys: Escape clears the search, not the dialog.
	await ana.page.keyboard.press('Escape');
	await expect(search).toHaveValue('');
	await expect(picker).toBeVisible();
	await ana.page.keyboard.type('ap');
	await expect(options).toHaveCount(2);
	await expect(options.first()).toContainText('Payments API');
	await ana.page.keyboard.press('ArrowDown');
	await expect(search).toHaveAttribute('aria-activedescendant', await options.nth(1).getAttribute('id') ?? 'missing');
	await ana.page.keyboard.press('Enter');
	await expect(picker.getByRole('option', { name: /Web app/ })).toHaveAttribute('aria-selected', 'true');
	await expect(picker.getByRole('option', { name: /Payments API/ })).toHaveAttribute('aria-selected', 'false');
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'connected-element-picker-1280.png') });
	await ana.page.keyboard.press('Escape');
	await ana.page.keyboard.press('Escape');
	await expect(picker).toBeHidden();
	await expect(threat).toBeFocused();

	// Ben sees the threat's elements, with their references, and a badge on each of them.
	const seen = noteWithText(ben.page, THREAT);
	await expect(chips(seen)).toHaveText([/E2\s*Orders DB/, /E3\s*Web app/]);
	await expect(badge(ben.page, 'shape:db')).toHaveText('1');
	await expect(badge(ben.page, 'shape:web')).toHaveText('1');
	await expect(badge(ben.page, 'shape:api')).toHaveCount(0);

	// Ana unlinks E2 from the picker; Ben's chip and badge go.
	await threat.getByRole('button', { name: 'Link diagram elements' }).click();
	await expect(search).toBeFocused();
	await ana.page.keyboard.type('e2');
	await ana.page.keyboard.press('Enter');
	await expect(picker.getByRole('option', { name: /Orders DB/ })).toHaveAttribute('aria-selected', 'false');
	await picker.getByRole('button', { name: 'Done' }).click();
	await expect(chips(seen)).toHaveText([/E3\s*Web app/]);
	await expect(badge(ben.page, 'shape:db')).toHaveCount(0);

	// Ben detaches the last one from its chip at the same time as Ana links the API: both stand.
	await Promise.all([
		seen.getByRole('button', { name: 'Detach from Web app' }).click(),
		(async () => {
			await threat.getByRole('button', { name: 'Link diagram elements' }).click();
			await ana.page.keyboard.type('E1');
			await ana.page.keyboard.press('Enter');
			await picker.getByRole('button', { name: 'Done' }).click();
		})()
	]);
	for (const user of [ana, ben]) {
		await expect(chips(noteWithText(user.page, THREAT))).toHaveText([/E1\s*Payments API/]);
		await expect(badge(user.page, 'shape:api')).toHaveText('1');
		await expect(badge(user.page, 'shape:web')).toHaveCount(0);
	}

	// At 1440x900, the threat with its chip and the picker, looked at for overlaps.
	await ana.page.setViewportSize({ width: 1440, height: 900 });
	await threat.getByRole('button', { name: 'Link diagram elements' }).click();
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'connected-element-picker-1440.png') });
	await picker.getByRole('button', { name: 'Done' }).click();
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'connected-board-1440.png') });
	await closeAll([ana, ben]);
});

test('a threat names the assets it endangers and the agents behind it; a duplicate keeps every link', async ({ browser }) => {
	const [ana, ben] = await pair('Assets and agents', browser);
	const threat = noteWithText(ana.page, THREAT);

	await threat.getByRole('button', { name: 'Link mitigations, assets and agents' }).click();
	// The dialog is named after its tab.
	const picker = ana.page.getByRole('dialog');
	await expect(ana.page.getByRole('dialog', { name: 'Link mitigations' })).toBeVisible();
	await picker.getByRole('checkbox', { name: /TLS on every hop/ }).check();
	await picker.getByRole('tab', { name: 'Assets' }).click();
	await expect(ana.page.getByRole('dialog', { name: 'Link assets' })).toBeVisible();
	await picker.getByRole('checkbox', { name: /Cardholder data/ }).check();
	// The tabs take arrow keys: Right goes on to the threat agents.
	await picker.getByRole('tab', { name: 'Assets' }).press('ArrowRight');
	await expect(picker.getByRole('tab', { name: 'Threat agents' })).toBeFocused();
	await expect(picker.getByRole('tab', { name: 'Threat agents' })).toHaveAttribute('aria-selected', 'true');
	await picker.getByRole('checkbox', { name: /Fraudster/ }).check();
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'connected-agent-picker-1280.png') });
	await picker.getByRole('button', { name: 'Done' }).click();

	// Ben sees the links from both ends, and the agent's motivation and capability.
	const seen = noteWithText(ben.page, THREAT);
	await expect(seen.getByRole('list', { name: /^Endangers/ })).toContainText('Cardholder data');
	await expect(seen.getByRole('list', { name: /^Threat agents/ })).toContainText('Fraudster with stolen cards');
	await expect(seen.getByRole('list', { name: /^Mitigated by/ })).toContainText('TLS on every hop');
	await expect(noteWithText(ben.page, 'Cardholder data').getByRole('list', { name: /^Endangered by/ })).toContainText(THREAT);
	const agent = noteWithText(ben.page, 'Fraudster with stolen cards');
	await expect(agent.getByRole('list', { name: /^Behind/ })).toContainText(THREAT);
	await expect(agent.getByRole('textbox', { name: 'Motivation' })).toHaveValue('Money');
	await expect(agent.getByRole('combobox', { name: 'Capability' })).toHaveValue('medium');

	// Ben changes the agent's motivation and capability; Ana sees both.
	await agent.getByRole('textbox', { name: 'Motivation' }).fill('Resale of card numbers');
	await agent.getByRole('textbox', { name: 'Motivation' }).press('Enter');
	await agent.getByRole('combobox', { name: 'Capability' }).selectOption('high');
	const anaAgent = noteWithText(ana.page, 'Fraudster with stolen cards');
	await expect(anaAgent.getByRole('textbox', { name: 'Motivation' })).toHaveValue('Resale of card numbers');
	await expect(anaAgent.getByRole('combobox', { name: 'Capability' })).toHaveValue('high');

	// Ben unlinks the asset from the threat's chip; Ana's asset no longer lists the threat.
	await seen.getByRole('list', { name: /^Endangers/ }).getByRole('button', { name: /^Unlink/ }).click();
	await expect(noteWithText(ana.page, 'Cardholder data').getByRole('list', { name: /^Endangered by/ })).toHaveCount(0);

	// A duplicate of the threat (tied to E3 first) keeps its element, mitigation and agent.
	await threat.getByRole('button', { name: 'Link diagram elements' }).click();
	await ana.page.keyboard.type('E3');
	await ana.page.keyboard.press('Enter');
	await ana.page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
	await threat.getByRole('button', { name: 'Duplicate threat' }).click();
	await expect(ana.page.locator('textarea:focus')).toHaveCount(1);
	await ana.page.keyboard.press('End');
	await ana.page.keyboard.type(' (replay)');
	await ana.page.keyboard.press('Escape');
	const copy = noteWithText(ben.page, `${THREAT} (replay)`);
	await expect(chips(copy)).toHaveText([/E3\s*Web app/]);
	await expect(copy.getByRole('list', { name: /^Mitigated by/ })).toContainText('TLS on every hop');
	await expect(copy.getByRole('list', { name: /^Threat agents/ })).toContainText('Fraudster with stolen cards');
	await expect(badge(ben.page, 'shape:web')).toHaveText('2');
	await ben.page.screenshot({ path: path.join(SCREENSHOTS, 'connected-links-1280.png') });
	await closeAll([ana, ben]);
});

test('the scope is written live, a component goes onto the diagram in one step, and an observer gets no link control', async ({ browser }) => {
	const [ana, ben, links] = await pair('Scope and observer', browser);

	// The scope, in the first lane, live for Ben.
	const scope = ana.page.getByRole('textbox', { name: 'Scope' });
	await scope.click();
	await ana.page.keyboard.type('Checkout and payments.');
	await ana.page.keyboard.press('Enter');
	await ana.page.keyboard.type('Out: the mobile app.');
	await expect(ben.page.getByRole('textbox', { name: 'Scope' })).toHaveValue('Checkout and payments.\nOut: the mobile app.');

	// A component note placed on the diagram as a process, named after it and tied to it.
	const component = noteWithText(ana.page, 'Fraud scoring service');
	await component.getByRole('button', { name: 'Link diagram elements' }).click();
	await ana.page.getByRole('button', { name: 'Place on the diagram as a process' }).click();
	await expect(ana.page.getByRole('option', { name: /E4\s*Fraud scoring service/ })).toHaveAttribute('aria-selected', 'true');
	await ana.page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
	await expect(shapeWithText(ben.page, 'Fraud scoring service')).toHaveCount(1);
	await expect(chips(noteWithText(ben.page, 'Fraud scoring service'))).toHaveText([/E4\s*Fraud scoring service/]);

	// An asset is tied to the element that holds it.
	const asset = noteWithText(ben.page, 'Cardholder data');
	await asset.getByRole('button', { name: 'Link diagram elements' }).click();
	await ben.page.keyboard.type('orders');
	await ben.page.keyboard.press('Enter');
	await ben.page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
	await expect(chips(noteWithText(ana.page, 'Cardholder data'))).toHaveText([/E2\s*Orders DB/]);
	// An asset is not a threat: no threat badge on the element.
	await expect(badge(ana.page, 'shape:db')).toHaveCount(0);

	// The threat tied to E1, for the observer to see.
	const threat = noteWithText(ana.page, THREAT);
	await threat.getByRole('button', { name: 'Link diagram elements' }).click();
	await ana.page.keyboard.type('E1');
	await ana.page.keyboard.press('Enter');
	await ana.page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

	// The observer reads everything and has no control to link, unlink or duplicate.
	const olivia = await newUser(browser);
	await olivia.page.setViewportSize({ width: 1440, height: 900 });
	await joinBoard(olivia, links.observer, 'Olivia');
	const seen = noteWithText(olivia.page, THREAT);
	await expect(chips(seen)).toHaveText([/E1\s*Payments API/]);
	await expect(olivia.page.getByTestId('scope-text')).toHaveText('Checkout and payments.\nOut: the mobile app.');
	await expect(olivia.page.getByRole('textbox', { name: 'Scope' })).toHaveCount(0);
	for (const name of ['Link diagram elements', 'Link mitigations, assets and agents', 'Link threats', 'Duplicate threat', 'Detach from Payments API']) {
		await expect(olivia.page.getByRole('button', { name })).toHaveCount(0);
	}
	// The card's L key opens nothing either.
	await seen.focus();
	await olivia.page.keyboard.press('l');
	await expect(seen).toBeFocused();
	await expect(olivia.page.getByRole('dialog')).toHaveCount(0);
	await olivia.page.screenshot({ path: path.join(SCREENSHOTS, 'connected-observer-1440.png') });
	await closeAll([ana, ben, olivia]);
});
