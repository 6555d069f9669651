/**
 * Performance of the board in the built app, measured with the Performance API inside the pages
 * and printed as JSON (console.log) and as one summary line per target. Assertions are generous
 * sanity bounds only: this runs on a busy 2-core machine, and the numbers to compare with the
 * targets are the printed ones.
 *
 * (a) create-to-visible: a note created in browser A, until it shows in browser B (the first
 *     frame after its lane's count went up; the card itself is below the fold). Both
 *     pages stamp epoch milliseconds with performance.timeOrigin + performance.now(): one host
 *     clock, sub-millisecond resolution.
 * (b) sync-to-interactive on a 500-note board: from the "synced" mark (the server's state has
 *     been applied) to the first frame in which every lane is painted with its first notes and a
 *     note's textarea has taken focus and a typed character. Lanes are windowed (only what is
 *     scrolled into view is in the page); the test also scrolls a lane to its end to check that
 *     every note is reachable while the page still holds only a window of cards.
 * (c) per-keystroke cost on that board while another person types into notes, visible ones and
 *     off-screen ones, and votes. For each key, from its keydown's timestamp:
 *       inputDelay  until the page starts handling it (time spent finishing other tasks),
 *       handler     the key's own task: input handlers, the Yjs transaction, Svelte's flush,
 *       render      the main-thread work of the frame that shows the character (style, layout,
 *                   paint), from that frame's start to the first task after it,
 *       work        inputDelay + handler + render: what the target "under 16 ms per keystroke"
 *                   is about (the work fits in one frame, so every key shows in the next one),
 *       keyToPaint  until that frame is done, which also includes waiting for the display's next
 *                   frame (0 to 16.7 ms at 60 Hz, whatever the code does).
 *     CPU-independent counts come from the DevTools protocol and a MutationObserver: script
 *     time, layouts, style recalculations and DOM mutations per keystroke and per remote edit.
 */
import { expect, test, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { createNote, listNotes, readNote } from '../../src/lib/shared/board/doc.ts';
import { castVote } from '../../src/lib/shared/board/votes.ts';
import { setNoteText } from '../../src/lib/shared/board/note-text.ts';
import type { NoteKind, QuestionNumber } from '../../src/lib/shared/board/schema.ts';
import { connectBoard, createRoom, joinBoard, lane, newUser, seedBoard } from './helpers.ts';
import { summary } from './perf-stats.ts';

test.describe.configure({ mode: 'serial' });
// Tracing snapshots the whole DOM around every action: on a 500-note board that alone keeps the
// main thread busy for seconds and would be measured as the app's cost.
test.use({ trace: 'off' });

const round = (n: number) => Math.round(n * 100) / 100;

const epochNow = () => performance.timeOrigin + performance.now();

interface KeySample {
	inputDelay: number;
	handler: number;
	render: number;
	keyToPaint: number;
}

/**
 * Runs in the page, on the focused textarea: times each keystroke (see (c) above) and counts DOM
 * mutations. The window capture listener runs before any of the app's; the input listener is
 * added after the board's, so its microtask runs after the board's handler and Svelte's flush.
 */
function instrumentKeystrokes(textarea: Element): void {
	const w = window as unknown as { __keys: KeySample[]; __mutations: number };
	w.__keys = [];
	w.__mutations = 0;
	new MutationObserver((records) => (w.__mutations += records.length)).observe(document.body, {
		subtree: true,
		childList: true,
		attributes: true,
		characterData: true
	});
	let current: { timeStamp: number; start: number; handled?: number } | null = null;
	window.addEventListener(
		'keydown',
		(event) => {
			if (event.target !== textarea || event.key.length !== 1) return;
			const key = { timeStamp: event.timeStamp, start: performance.now(), handled: undefined as number | undefined };
			current = key;
			requestAnimationFrame(() => {
				const frameStart = performance.now();
				const channel = new MessageChannel();
				channel.port1.onmessage = () => {
					const painted = performance.now();
					if (key.handled === undefined) return;
					w.__keys.push({
						inputDelay: key.start - key.timeStamp,
						handler: key.handled - key.start,
						render: painted - frameStart,
						keyToPaint: painted - key.timeStamp
					});
				};
				channel.port2.postMessage(null);
			});
		},
		{ capture: true }
	);
	textarea.addEventListener('input', () => {
		const key = current;
		if (key) queueMicrotask(() => (key.handled = performance.now()));
	});
}

function readReplica(page: Page, id: string): Promise<string> {
	return page.locator(`[data-note-id="${id}"] [data-replica]`).evaluate((el) => (el as HTMLElement).dataset.replica ?? '');
}

test('(a) a note created in one browser is painted in another: p95 over 40 notes', async ({ browser }) => {
	const room = await createRoom('Perf: create to visible');
	const ana = await newUser(browser);
	const ben = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	await joinBoard(ben, room.links.participant, 'Ben');

	// B stamps the first frame in which each new note shows: as a card, or (once the lane is
	// longer than its rendered window) in the lane's count. Keyed by the lane's note count.
	await ben.page.evaluate((now) => {
		const seen: Record<number, number> = {};
		(window as unknown as { __seen: typeof seen }).__seen = seen;
		const stamp = new Function(`return (${now})()`) as () => number;
		const count = document.querySelector('[data-column="2"] [data-testid="lane-count"]') as HTMLElement;
		new MutationObserver(() => {
			const n = Number(/\d+/.exec(count.textContent ?? '')?.[0]);
			requestAnimationFrame(() => (seen[n] ??= stamp()));
		}).observe(count, { childList: true, characterData: true, subtree: true });
	}, epochNow.toString());

	const latencies: number[] = [];
	const add = lane(ana.page, 'What can go wrong?').getByRole('button', { name: 'Threat', exact: true });
	for (let i = 1; i <= 40; i++) {
		const createdAt = await add.evaluate((button, now) => {
			const stamp = new Function(`return (${now})()`) as () => number;
			const at = stamp();
			(button as HTMLButtonElement).click();
			return at;
		}, epochNow.toString());
		const seenAt = () => ben.page.evaluate((n) => (window as unknown as { __seen: Record<number, number> }).__seen[n], i);
		await expect.poll(seenAt).toBeGreaterThan(0);
		latencies.push((await seenAt()) - createdAt);
	}
	const result = summary(latencies);
	console.log(JSON.stringify({ metric: 'create-to-visible-ms', target: 'p95 < 100', ...result }));
	expect(result.p95).toBeLessThan(1000);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

const KINDS: Array<[NoteKind, QuestionNumber]> = [
	['component', 1],
	['threat', 2],
	['threat', 2],
	['mitigation', 3],
	['threat', 2],
	['assumption', 1],
	['mitigation', 3],
	['retro', 4],
	['question', 2],
	['asset', 1]
];

function build500(doc: Y.Doc): void {
	for (let i = 0; i < 500; i++) {
		const [kind, question] = KINDS[i % KINDS.length];
		createNote(doc, {
			kind,
			question,
			text: `Note ${i}: ${kind} about the payments API, with a sentence of realistic length`,
			author: ['Ana', 'Ben', 'Chen', 'Dee'][i % 4],
			authorColor: '#2563eb'
		} as Parameters<typeof createNote>[1]);
	}
}

async function measureInteractive(page: Page): Promise<void> {
	// Installed before the app runs: waits for the synced mark, then checks every frame.
	await page.addInitScript(() => {
		const result: { synced?: number; interactive?: number; rendered?: number } = {};
		(window as unknown as { __interactive: typeof result }).__interactive = result;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries()) if (entry.name === 'threatboard:synced' && result.synced === undefined) result.synced = entry.startTime;
		}).observe({ type: 'mark', buffered: true });
		const lanesPainted = () => {
			const lanes = [...document.querySelectorAll('[data-column]')];
			return lanes.length === 5 && lanes.every((lane) => lane.querySelector('[data-note-id]'));
		};
		// Focusing a note's text swaps in its editor; once that has focus, type a character.
		const acceptsInput = () => {
			const active = document.activeElement;
			if (active instanceof HTMLTextAreaElement && active.closest('[data-note-id]')) {
				active.setRangeText('!', active.value.length, active.value.length, 'end');
				active.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: '!' }));
				return true;
			}
			const view = document.querySelector<HTMLElement>('[data-note-id] [role="textbox"]');
			if (view && view.getAttribute('aria-readonly') !== 'true') view.focus();
			return false;
		};
		const check = () => {
			if (result.synced !== undefined) {
				// The frame after the one in which the condition held shows it on screen.
				if (lanesPainted() && acceptsInput()) {
					requestAnimationFrame(() => {
						result.interactive = performance.now();
						result.rendered = document.querySelectorAll('[data-note-id]').length;
					});
					return;
				}
			}
			requestAnimationFrame(check);
		};
		requestAnimationFrame(check);
	});
}

test('(b) a 500-note board is interactive soon after sync; (c) keystrokes stay cheap while others edit', async ({ browser }) => {
	const room = await createRoom('Perf: 500 notes');
	let lastThreat = '';
	await seedBoard(room.roomId, (doc) => {
		build500(doc);
		lastThreat = listNotes(doc, { question: 2, kind: 'threat' }).at(-1)?.id ?? '';
	});
	const loads: Array<{ syncToInteractive: number; rendered: number; navigationToInteractive: number }> = [];
	// Each load is a new person: a fresh context, so nothing comes from an IndexedDB copy.
	for (let run = 0; run < 5; run++) {
		const user = await newUser(browser);
		await user.page.addInitScript(() => localStorage.setItem('threatboard.identity', JSON.stringify({ name: 'Ana', color: '#2563eb' })));
		await measureInteractive(user.page);
		await user.page.goto(room.links.participant);
		const read = () => user.page.evaluate(() => (window as unknown as { __interactive: { synced: number; interactive: number; rendered: number } }).__interactive);
		await expect.poll(async () => (await read()).interactive, { timeout: 30_000 }).toBeGreaterThan(0);
		const r = await read();
		loads.push({ syncToInteractive: r.interactive - r.synced, rendered: r.rendered, navigationToInteractive: r.interactive });
		// Every note is reachable: the last threat renders once its lane is scrolled to the end,
		// and the page holds a window of cards, not the whole board.
		if (run === 0) {
			const threats = user.page.locator('[data-column="2"] .lane-body');
			await expect(user.page.locator('[data-column="2"]').getByTestId('lane-count')).toHaveText('· 150');
			await expect
				.poll(async () => {
					await threats.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
					return user.page.locator(`[data-note-id="${lastThreat}"]`).isVisible();
				}, { intervals: [50], timeout: 30_000 })
				.toBe(true);
			const inPage = await user.page.locator('[data-column="2"] [data-note-id]').count();
			console.log(JSON.stringify({ metric: 'windowing', lane: 'threats', notes: 150, cardsInPageAtEnd: inPage }));
			expect(inPage).toBeLessThan(40);
		}
		await user.context.close();
	}
	const syncToInteractive = summary(loads.map((l) => l.syncToInteractive));
	console.log(
		JSON.stringify({
			metric: 'sync-to-interactive-500-notes-ms',
			target: '<= 300',
			runs: loads.map((l) => Math.round(l.syncToInteractive)),
			...syncToInteractive,
			cardsInPage: loads.map((l) => l.rendered),
			navigationToInteractive: loads.map((l) => Math.round(l.navigationToInteractive))
		})
	);
	expect(syncToInteractive.p50).toBeLessThan(3000);

	// (c) Another person (a Node client on the same server) types into notes every 30 ms: two on
	// screen in other lanes, the rest below the fold; casts a vote every 20th edit; and moves a
	// canvas cursor every other edit, shown as present and editing (awareness, ~16 Hz).
	const ana = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	await expect(ana.page.locator('[data-column="2"]').getByTestId('lane-count')).toHaveText('· 150');
	const other = await connectBoard(room.roomId);
	const all = listNotes(other.doc);
	const onScreen = [all.find((n) => n.question === 3), all.filter((n) => n.question === 2)[1]].map((n) => n?.id ?? '');
	const offScreen = all.slice(100, 140).map((note) => note.id);
	let tick = 0;
	const awareness = other.provider.awareness;
	awareness.setLocalState({ user: { name: 'Ben', color: '#059669', role: 'participant' }, editing: onScreen[0] });
	const remoteEdit = () => {
		const n = tick++;
		const id = n % 3 === 0 ? onScreen[n % 2] : offScreen[n % offScreen.length];
		setNoteText(other.doc, id, `${readNote(other.doc, id)?.text ?? ''}x`);
		if (n % 20 === 19) castVote(other.doc, `remote-voter-${n}`, offScreen[n % offScreen.length], 5);
		if (n % 2 === 0) {
			const canvas = { pageId: 'page:page', cursor: { x: n, y: n / 2 }, selection: [], camera: { x: 0, y: 0, z: 1 }, screen: { w: 800, h: 600 } };
			awareness.setLocalStateField('canvas', canvas);
		}
	};
	let editing = setInterval(remoteEdit, 30);
	const cdp = await ana.context.newCDPSession(ana.page);
	await cdp.send('Performance.enable');
	const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
	try {
		await ana.page.locator('[data-note-id]').first().getByTestId('note-text').click();
		const area = ana.page.locator('[data-note-id] textarea');
		await expect(area).toBeFocused();
		await area.evaluate(instrumentKeystrokes);
		const before = await metrics();
		const ticksBefore = tick;
		await ana.page.keyboard.type('typing while others edit the board, one key at a time', { delay: 40 });
		await expect.poll(() => ana.page.evaluate(() => (window as unknown as { __keys: unknown[] }).__keys.length)).toBeGreaterThanOrEqual(50);
		const after = await metrics();
		const samples = await ana.page.evaluate(() => (window as unknown as { __keys: KeySample[] }).__keys);
		const mutations = await ana.page.evaluate(() => (window as unknown as { __mutations: number }).__mutations);
		const keys = samples.length;
		const edits = tick - ticksBefore;
		const result = {
			work: summary(samples.map((k) => k.inputDelay + k.handler + k.render)),
			inputDelay: summary(samples.map((k) => k.inputDelay)),
			handler: summary(samples.map((k) => k.handler)),
			render: summary(samples.map((k) => k.render)),
			keyToPaint: summary(samples.map((k) => k.keyToPaint))
		};
		// Counted over the typing window, which also holds the remote edits (measured alone below).
		const perKey = {
			scriptMs: round((after.ScriptDuration - before.ScriptDuration) * 1000 / keys),
			layouts: round((after.LayoutCount - before.LayoutCount) / keys),
			styleRecalcs: round((after.RecalcStyleCount - before.RecalcStyleCount) / keys),
			domMutations: round(mutations / keys)
		};
		console.log(JSON.stringify({ metric: 'keystroke-ms-500-notes-while-others-edit', target: 'work < 16', ...result, perKeyIncludingRemote: perKey, remoteEditsDuring: edits }));

		// The remote edits alone (nobody typing here): what each costs this page.
		clearInterval(editing);
		await ana.page.keyboard.press('Escape');
		await ana.page.evaluate(() => ((window as unknown as { __mutations: number }).__mutations = 0));
		const quiet = await metrics();
		const ticksQuiet = tick;
		editing = setInterval(remoteEdit, 30);
		await expect.poll(() => tick - ticksQuiet, { intervals: [100] }).toBeGreaterThanOrEqual(60);
		clearInterval(editing);
		const remoteEdits = tick - ticksQuiet;
		await expect.poll(async () => (await readReplica(ana.page, onScreen[0])).endsWith('x'.repeat(3))).toBe(true);
		const busy = await metrics();
		const remoteMutations = await ana.page.evaluate(() => (window as unknown as { __mutations: number }).__mutations);
		const perRemoteEdit = {
			scriptMs: round((busy.ScriptDuration - quiet.ScriptDuration) * 1000 / remoteEdits),
			layouts: round((busy.LayoutCount - quiet.LayoutCount) / remoteEdits),
			domMutations: round(remoteMutations / remoteEdits)
		};
		console.log(JSON.stringify({ metric: 'remote-edit-cost-500-notes', remoteEdits, perRemoteEdit }));
		console.log(
			`keystroke work (ms, target < 16): p50 ${result.work.p50}, p95 ${result.work.p95}, max ${result.work.max}` +
				` | key to paint: p50 ${result.keyToPaint.p50}, p95 ${result.keyToPaint.p95}, max ${result.keyToPaint.max}` +
				` | per key: ${perKey.scriptMs} ms script, ${perKey.domMutations} DOM mutations` +
				` | per remote edit: ${perRemoteEdit.scriptMs} ms script, ${perRemoteEdit.domMutations} DOM mutations`
		);
		expect(result.work.p95).toBeLessThan(200);
		// A remote keystroke in one note changes that note's text in the page, and nothing else.
		expect(perRemoteEdit.domMutations).toBeLessThan(3);
	} finally {
		clearInterval(editing);
		other.destroy();
	}
	await ana.context.close();
});
