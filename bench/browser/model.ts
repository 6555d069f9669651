/**
 * The connected model in the built app (issue 13's target): a threat attached to a canvas element
 * in browser A (a checkbox in the canvas's threat chooser) until browser B shows it in all three
 * places: the threat badge on the element, the coverage map's cell, and the element chip on the
 * threat's card. Detaching is measured the same way (the three disappear). Both pages stamp epoch
 * milliseconds (performance.timeOrigin + performance.now(), one host clock); B stamps the first
 * animation frame after the DOM showed the change, i.e. the frame that paints it.
 * 30 changes (15 links, 15 unlinks) per repetition.
 */
import * as Y from 'yjs';
import { createNote, initBoardDoc } from '../../src/lib/shared/board/doc.ts';
import { writeCanvasRecords } from '../../src/lib/shared/export/canvas-records.ts';
import { documentRecords, geoShape } from '../../tests/fixtures/export/canvas.ts';
import { canvasReady, centre, shapeWithText } from '../../tests/e2e/canvas-helpers.ts';
import { createRoom, joinBoard, newUser, seedBoard } from '../../tests/e2e/helpers.ts';
import { expect, type BrowserRun } from './harness.ts';

const CHANGES = 30;
const ELEMENT = 'shape:api';
const THREAT_TEXT = 'Order rows tampered in transit';

export interface ModelRepetition {
	/** Link or unlink in A -> painted in B, per place (ms). */
	badgeMs: number[];
	mapCellMs: number[];
	threatElementsMs: number[];
	/** The last of the three. */
	allMs: number[];
}

function build(doc: Y.Doc): void {
	initBoardDoc(doc, { title: 'Model latency', createdAt: Date.now() });
	writeCanvasRecords(doc, [
		...documentRecords(),
		geoShape(ELEMENT, 'Payments API', { x: 0, y: 0 }, 'process'),
		geoShape('shape:db', 'Orders DB', { x: 300, y: 0 }, 'data-store')
	]);
	createNote(doc, { kind: 'threat', question: 2, text: THREAT_TEXT, stride: ['T'], author: 'Ada', authorColor: '#2563eb' });
}

/** Installed in B: resolves with when each place first painted the expected state. */
function watchInPage([elementId, linked]: readonly [string, boolean]): Promise<Record<'badge' | 'cell' | 'chip', number>> {
	const now = () => performance.timeOrigin + performance.now();
	const seen: Partial<Record<'badge' | 'cell' | 'chip', number>> = {};
	const shows = {
		badge: () => document.querySelector(`.tb-threats[data-element-id="${elementId}"]`) !== null,
		cell: () => document.querySelector(`tr[data-row-id="${elementId}"] td[data-letter="T"]`)?.getAttribute('data-cell') === 'covered',
		chip: () => [...document.querySelectorAll('[data-note-id] button')].some((b) => (b.textContent ?? '').includes('Show on the diagram'))
	};
	return new Promise((resolve) => {
		const check = () => {
			for (const place of ['badge', 'cell', 'chip'] as const) {
				if (seen[place] === undefined && shows[place]() === linked) {
					seen[place] = -1;
					// The next frame is the one that paints it.
					requestAnimationFrame(() => {
						seen[place] = now();
						if (Object.values(seen).length === 3 && Object.values(seen).every((t) => t! > 0)) {
							observer.disconnect();
							resolve(seen as Record<'badge' | 'cell' | 'chip', number>);
						}
					});
				}
			}
		};
		const observer = new MutationObserver(check);
		observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
		check();
	});
}

export async function runModel(run: BrowserRun): Promise<ModelRepetition> {
	const room = await createRoom('Model latency', run.base);
	await seedBoard(room.roomId, build, { base: run.base, dataDir: run.dataDir });
	const ana = await newUser(run.browser, run.base);
	const ben = await newUser(run.browser, run.base);
	await joinBoard(ana, room.links.participant, 'Ana');
	await joinBoard(ben, room.links.participant, 'Ben');
	await Promise.all([canvasReady(ana.page), canvasReady(ben.page)]);
	await ben.page.getByTestId('model-toggle').click();
	await expect(ben.page.getByTestId('coverage-map')).toBeVisible();

	const { x, y } = await centre(shapeWithText(ana.page, 'Payments API'));
	await ana.page.mouse.click(x, y);
	await ana.page.getByRole('toolbar', { name: 'Selected shape' }).getByRole('button', { name: 'Attach threat…' }).click();
	const checkbox = ana.page.getByTestId('threat-chooser').getByRole('checkbox', { name: new RegExp(THREAT_TEXT) });

	const result: ModelRepetition = { badgeMs: [], mapCellMs: [], threatElementsMs: [], allMs: [] };
	run.progress(`link -> visible in another browser, ${CHANGES} changes`);
	for (let i = 0; i < CHANGES; i++) {
		const linked = i % 2 === 0;
		const painted = ben.page.evaluate(watchInPage, [ELEMENT, linked] as const);
		const sent = await checkbox.evaluate((box) => {
			const at = performance.timeOrigin + performance.now();
			(box as HTMLInputElement).click();
			return at;
		});
		const seen = await painted;
		result.badgeMs.push(seen.badge - sent);
		result.mapCellMs.push(seen.cell - sent);
		result.threatElementsMs.push(seen.chip - sent);
		result.allMs.push(Math.max(seen.badge, seen.cell, seen.chip) - sent);
		await expect(checkbox).toBeChecked({ checked: linked });
	}
	await Promise.all([ana.context.close(), ben.context.close()]);
	return result;
}
