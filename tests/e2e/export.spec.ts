/**
 * The Export menu: in a workshop with notes, a data-flow diagram on the canvas (seeded as tldraw
 * records through a Node client) and phases run by the facilitator (through the control API),
 * each format (Markdown, JSON, CSV, Threat Dragon, threat-composer) downloads a file generated
 * in the browser that contains them, also offline. The seeded board carries an accepted risk with
 * its recorded decision and an estimate (written as an operator restores a room: a client could
 * not record them itself), which the Markdown, CSV and JSON show.
 */
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { controlPath } from '../../src/lib/shared/control/commands.ts';
import { parseRoomExport } from '../../src/lib/shared/export/json.ts';
import { buildFixtureBoard } from '../fixtures/export/fixture-room.ts';
import { baseUrl, connectionStatus, createRoom, joinBoard, newUser, publishScreenshot, seedBoard } from './helpers.ts';

/** The facilitator runs all four questions and ends the workshop (seconds apart). */
async function runPhases(roomId: string, facilitatorKey: string): Promise<void> {
	for (const command of [{ type: 'start', name: 'Dana' }, { type: 'next' }, { type: 'next' }, { type: 'next' }, { type: 'end' }]) {
		const res = await fetch(`${baseUrl()}${controlPath(roomId)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${facilitatorKey}` },
			body: JSON.stringify(command)
		});
		expect(res.status, `${command.type}: ${await res.clone().text()}`).toBe(200);
	}
}

async function exportAs(page: Page, item: RegExp): Promise<{ name: string; text: string }> {
	await page.getByRole('button', { name: 'Export' }).click();
	const download = page.waitForEvent('download');
	await page.getByRole('menuitem', { name: item }).click();
	const file = await download;
	const path = await file.path();
	return { name: file.suggestedFilename(), text: fs.readFileSync(path, 'utf8') };
}

test('Export downloads Markdown, JSON, CSV, Threat Dragon and threat-composer files with the notes, the diagram, the phases and the risk decisions', async ({ browser }) => {
	const room = await createRoom('Payments API');
	await seedBoard(room.roomId, buildFixtureBoard);
	await runPhases(room.roomId, room.facilitatorKey);

	const user = await newUser(browser);
	await joinBoard(user, room.links.participant, 'Erin');
	const { page } = user;
	await expect(page.getByRole('heading', { name: 'Payments API' })).toBeVisible();
	// The control document has reached this tab once the phase bar shows the end.
	await expect(page.getByTestId('phase-state')).toHaveText('Workshop ended');

	const markdown = await exportAs(page, /Markdown report/);
	const today = new Date().toISOString().slice(0, 10);
	expect(markdown.name).toBe(`threat-model-payments-api-${today}.md`);
	expect(markdown.text).toContain('# Threat model: Payments API');
	expect(markdown.text).toContain('| **T3** | Checkout flood exhausts the PSP rate limit | D | E5 Card processor (PSP) | 4 | 4 | 16 | 4 | Open |');
	expect(markdown.text).toContain('- Do refunds go through the same API?');
	expect(markdown.text).toContain('```mermaid\nflowchart LR\n');
	expect(markdown.text).toContain('e4[("Orders DB")]');
	expect(markdown.text).toContain('e3 -->|"Card details (HTTPS)"| e1');
	// The phases the facilitator ran are in the report, with the facilitator's name.
	expect(markdown.text).toContain('**Facilitator:** Dana');
	expect(markdown.text).toContain('**Workshop:** Ended');
	expect(markdown.text).toMatch(/\| 1\. What are we building\? \| 10:00 \| 0:\d\d \| within \|/);
	expect(markdown.text).toMatch(/\| 4\. Did we do a good job\? \| 5:00 \| 0:\d\d \| within \|/);
	// The accepted risk with who decided, why and until when (overdue since 2026-03-02), in question
	// 3's section; the decider is named as recorded (the seeded board's people never joined this room).
	const whatWeDo = markdown.text.split('## 3. What are we going to do about it?')[1].split('## 4.')[0];
	expect(whatWeDo).toContain('### Risk decisions');
	expect(whatWeDo).toContain(
		'| **T4** | Customer disputes a charge and we cannot prove it | Accepted | Björn | Disputes cost less than signed receipts would; the PSP keeps its own records for 18 months. | 2026-03-02 (**overdue**) |'
	);
	// The estimate agreed in a round, with the spread of the picks flagged wide.
	expect(markdown.text).toMatch(/\| \*\*T1\*\* \| Attacker replays a captured checkout request \| 3 \| 4 \| 2–4 \| 3–5 \| 4: [^|]+ \| \*\*Wide\*\* \|/);

	const json = await exportAs(page, /JSON/);
	expect(json.name).toMatch(/\.json$/);
	const parsed = parseRoomExport(json.text);
	expect(parsed.ok).toBe(true);
	if (parsed.ok) {
		expect(parsed.snapshot.notes).toHaveLength(15);
		expect(parsed.snapshot.control?.phases.map((p) => p.question)).toEqual([1, 2, 3, 4]);
		expect(parsed.snapshot.canvas.records.some((r) => r.id === 'shape:orders-db')).toBe(true);
		const accepted = parsed.snapshot.notes.find((n) => n.kind === 'threat' && n.status === 'accepted');
		expect(accepted?.kind === 'threat' && accepted.decision).toMatchObject({ deciderName: 'Björn', reviewBy: '2026-03-02', deciderId: expect.stringMatching(/^person-\d{4}$/) });
	}

	const csv = await exportAs(page, /CSV/);
	expect(csv.name).toMatch(/\.csv$/);
	expect(csv.text.split('\r\n')[1]).toMatch(/^"T3","Checkout flood exhausts the PSP rate limit"/);
	expect(csv.text.split('\r\n')[0]).toMatch(/,"Decision","Decided by","Rationale","Review by","Estimate spread","Estimated by","Assets","Threat agents","Trust boundaries crossed"$/);
	expect(csv.text).toContain('"Accepted","Björn","Disputes cost less than signed receipts would; the PSP keeps its own records for 18 months.","2026-03-02"');

	// The interchange formats (docs/INTEROP.md; their schemas are checked in the unit tests).
	const dragon = await exportAs(page, /Threat Dragon/);
	expect(dragon.name).toBe(`threat-model-payments-api-${today}.td.json`);
	const model = JSON.parse(dragon.text) as { summary: { title: string }; detail: { diagrams: Array<{ cells: Array<{ shape: string; data?: { threats?: unknown[] } }> }> } };
	expect(model.summary.title).toBe('Payments API');
	const cells = model.detail.diagrams.flatMap((diagram) => diagram.cells);
	expect(cells.filter((cell) => cell.shape === 'flow')).toHaveLength(5);
	expect(cells.flatMap((cell) => cell.data?.threats ?? []).length).toBeGreaterThanOrEqual(4);
	const composer = await exportAs(page, /threat-composer/);
	expect(composer.name).toBe(`threat-model-payments-api-${today}.tc.json`);
	const workspace = JSON.parse(composer.text) as { schema: number; threats: Array<{ statement: string }> };
	expect(workspace.schema).toBe(1);
	expect(workspace.threats.map((threat) => threat.statement)).toContain('Checkout flood exhausts the PSP rate limit');

	// Offline, the export still comes from this tab's copy.
	await user.context.setOffline(true);
	await expect(connectionStatus(page)).not.toContainText('Live');
	const offline = await exportAs(page, /Markdown report/);
	expect(offline.text).toContain('Checkout flood exhausts the PSP rate limit');
	await user.context.setOffline(false);

	expect(user.errors).toEqual([]);
	await user.context.close();
});

test('the Export menu works from the keyboard and says what it downloaded', async ({ browser }) => {
	const room = await createRoom('Keyboard export');
	const user = await newUser(browser);
	await joinBoard(user, room.links.participant, 'Kim');
	const { page } = user;

	const button = page.getByRole('button', { name: 'Export' });
	await button.focus();
	await page.keyboard.press('ArrowDown');
	const items = page.getByRole('menuitem');
	await expect(items).toHaveCount(5);
	await expect(items.first()).toBeFocused();
	await expect(button).toHaveAttribute('aria-expanded', 'true');
	const png = await page.screenshot();
	fs.mkdirSync('test-results', { recursive: true });
	fs.writeFileSync('test-results/export-menu.png', png);
	publishScreenshot('export-menu.png', png);

	await page.keyboard.press('End');
	await expect(items.last()).toBeFocused();
	await page.keyboard.press('ArrowDown'); // wraps around
	await expect(items.first()).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(items).toHaveCount(0);
	await expect(button).toBeFocused();

	await page.keyboard.press('Enter');
	await expect(items.first()).toBeFocused();
	await page.keyboard.press('ArrowDown');
	const download = page.waitForEvent('download');
	await page.keyboard.press('Enter');
	expect((await download).suggestedFilename()).toMatch(/^threat-model-keyboard-export-\d{4}-\d{2}-\d{2}\.json$/);
	await expect(page.getByRole('status').filter({ hasText: /^Downloaded / })).toHaveText(/Downloaded threat-model-keyboard-export-.*\.json/);
	await expect(button).toBeFocused();

	expect(user.errors).toEqual([]);
	await user.context.close();
});
