/**
 * Guards for the 500-note board that do not depend on the machine's speed: how many cards the
 * page holds (windowed lanes) and how many DOM changes a keystroke and a remote edit cause in
 * the board, counted with a MutationObserver (one record per attribute, text or child-list
 * change). Only the board is observed: the canvas beside it renders tldraw's panels whenever
 * its chunk has loaded, which on a slow machine falls inside the counted window. A regression
 * that re-renders a lane or the board on each change multiplies these counts; a slow machine
 * does not change them (checked with Chromium's CPU throttled 6x). How fast the board is, is
 * measured by the browser bench (`npm run bench:browser`, bench/browser/board.ts).
 *
 * Each bound is the count measured when this spec was written plus a small margin, stated beside
 * it. A note reaching another browser at all is tested in board.spec.ts; the landing page not
 * loading tldraw in canvas.spec.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import { listNotes, readNote } from '../../src/lib/shared/board/doc.ts';
import { setNoteText } from '../../src/lib/shared/board/note-text.ts';
import { castVote } from '../../src/lib/shared/board/votes.ts';
import { BIG_BOARD_THREATS, seedBigBoard } from './big-board.ts';
import { connectBoard, createRoom, joinBoard, newUser, type User } from './helpers.ts';
import { countMutations } from './mutation-count.ts';

test.describe.configure({ mode: 'serial' });
// Tracing snapshots the whole DOM around every action: slow on a 500-note board, and no help here.
test.use({ trace: 'off' });

/** The board: toolbar, lanes and parking lot (not the canvas beside it). */
const BOARD = '.board';

let room: Awaited<ReturnType<typeof createRoom>>;
let lastThreat = '';

test.beforeAll(async () => {
	room = await createRoom('Guards: 500 notes');
	({ lastThreat } = await seedBigBoard(room.roomId));
});

async function openBigBoard(browser: Parameters<typeof newUser>[0]): Promise<User> {
	const user = await newUser(browser);
	await joinBoard(user, room.links.participant, 'Ana');
	await expect(user.page.locator('[data-column="2"]').getByTestId('lane-count')).toHaveText(`· ${BIG_BOARD_THREATS}`);
	// Every lane shows its first cards: only then is the number of cards in the page telling.
	await expect
		.poll(() => user.page.locator('[data-column]').evaluateAll((lanes) => lanes.filter((lane) => lane.querySelector('[data-note-id]')).length))
		.toBe(5);
	return user;
}

function replicaOf(page: Page, id: string): Promise<string> {
	return page.locator(`[data-note-id="${id}"] [data-replica]`).evaluate((el) => (el as HTMLElement).dataset.replica ?? '');
}

test('a 500-note board holds a window of cards, and the end of a long lane is reachable', async ({ browser }) => {
	const ana = await openBigBoard(browser);
	const page = ana.page;
	// Measured: 27 cards in the page at 1280x720 (5 or 6 per lane); 34 leaves room for another
	// font's line heights. Without windowing it would be 500.
	expect(await page.locator('[data-note-id]').count()).toBeLessThanOrEqual(34);

	const threats = page.locator('[data-column="2"] .lane-body');
	await expect
		.poll(
			async () => {
				await threats.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
				return page.locator(`[data-note-id="${lastThreat}"]`).isVisible();
			},
			{ intervals: [50] }
		)
		.toBe(true);
	// Measured: 5 cards in the threats lane scrolled to its end (of 150); at most 10.
	expect(await page.locator('[data-column="2"] [data-note-id]').count()).toBeLessThanOrEqual(10);
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});

test('a keystroke on a 500-note board changes only the note typed into', async ({ browser }) => {
	const ana = await openBigBoard(browser);
	const page = ana.page;
	await page.locator('[data-note-id]').first().getByTestId('note-text').click();
	await expect(page.locator('[data-note-id] textarea')).toBeFocused();
	const counter = await countMutations(page, BOARD);
	const typed = ' typed key by key';
	await page.keyboard.type(typed);
	await expect(page.locator('[data-note-id] textarea')).toHaveValue(/ typed key by key/);
	const mutations = await counter.take();
	// Measured: 2 per key (the note's mirrored text and its data-replica attribute) and 2 or 3
	// once (Undo and Redo become enabled; the lane's spacer may be resized): 36 for 17 keys.
	// One attribute more per rendered card and key would make it about 500.
	expect(mutations).toBeLessThanOrEqual(2 * typed.length + 5);
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});

test('a remote edit changes only the note edited, and nothing for notes out of view', async ({ browser }) => {
	const ana = await openBigBoard(browser);
	const page = ana.page;
	const other = await connectBoard(room.roomId, undefined, 'Remote voter');
	try {
		const all = listNotes(other.doc);
		const onScreen = [all.find((note) => note.question === 3)?.id ?? '', all.filter((note) => note.question === 2)[1]?.id ?? ''];
		const offScreen = all.filter((note) => note.question === 2).slice(60, 80).map((note) => note.id);
		const append = (id: string, suffix: string) => {
			const next = `${readNote(other.doc, id)?.text ?? ''}${suffix}`;
			setNoteText(other.doc, id, next);
			return next;
		};

		// One edit at a time, each awaited, so that none is batched with the next.
		const EDITS = 10;
		const counter = await countMutations(page, BOARD);
		for (let i = 0; i < EDITS; i++) {
			const id = onScreen[i % 2];
			const next = append(id, 'x');
			await expect.poll(() => replicaOf(page, id)).toBe(next);
		}
		// Measured: 3 per edit (the card's text, its mirror and the mirror's data-replica); 4
		// leaves room for a line wrap resizing the card. A re-rendered lane would add dozens.
		expect(await counter.take()).toBeLessThanOrEqual(4 * EDITS);

		// Edits and votes on notes below the fold, then one visible edit that marks their arrival
		// (updates from one client arrive in order).
		for (const [i, id] of offScreen.entries()) {
			append(id, 'y');
			if (i % 4 === 0) castVote(other.doc, other.participantId ?? '', id, 5);
		}
		const marker = append(onScreen[0], 'z');
		await expect.poll(() => replicaOf(page, onScreen[0])).toBe(marker);
		// Measured: the marker's 3 and nothing for the 20 off-screen edits and 5 votes.
		expect(await counter.take()).toBeLessThanOrEqual(3);
		expect(ana.errors).toEqual([]);
	} finally {
		other.destroy();
	}
	await ana.context.close();
});
