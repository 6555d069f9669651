/**
 * The shared canvas across browsers: drawing a data-flow diagram together, presence, moves and
 * deletes, reload, diagram <-> threat links, a room from a newer tldraw, and no request leaving
 * the app's own origin. Each person is a separate browser context; no fixed sleeps.
 */
import { expect, test } from '@playwright/test';
import http from 'node:http';
import * as Y from 'yjs';
import { SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { readSyncFrame } from '../helpers/frames.ts';
import { registerParticipant, waitUntil } from '../helpers/clients.ts';
import { encodeSyncMessage } from '../../src/lib/shared/wire/messages.ts';
import { IDENTITY_KEY, participantKey } from '../../src/lib/workshop/storage-keys.ts';
import { canvasMap, canvasSchemaMap, listNotes } from '../../src/lib/shared/board/doc.ts';
import {
	canvasReady,
	centre,
	drawFlow,
	placeElement,
	seedRoomShapes,
	shapeWithText,
	shapes,
	transformOf,
	typeIntoLabel
} from './canvas-helpers.ts';
import { addNote, baseUrl, connectBoard, connectionStatus, createRoom, joinBoard, newUser, noteWithText, type User } from './helpers.ts';

/** Bytes on the wire (node:http does not decompress, unlike fetch). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding: string | undefined }> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers }, (response) => {
				let bytes = 0;
				response.on('data', (chunk: Buffer) => (bytes += chunk.length));
				response.on('end', () => resolve({ bytes, encoding: response.headers['content-encoding'] }));
			})
			.on('error', reject);
	});
}

async function pair(browser: Parameters<typeof newUser>[0], title: string): Promise<[User, User]> {
	const room = await createRoom(title);
	const ana = await newUser(browser);
	const ben = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	await joinBoard(ben, room.links.participant, 'Ben');
	await Promise.all([canvasReady(ana.page), canvasReady(ben.page)]);
	return [ana, ben];
}

test('two people draw a data-flow diagram together and link a threat to it', async ({ browser }) => {
	const [ana, ben] = await pair(browser, 'Diagram together');

	const api = await placeElement(ana.page, 'Process', 'Payments API');
	const db = await placeElement(ana.page, 'Store', 'Orders DB');
	await drawFlow(ana.page, api, db, 'card data');

	// Ben sees the shapes and the labelled flow; following Ana's view, he sees her cursor by name.
	await expect(shapeWithText(ben.page, 'Payments API')).toHaveCount(1);
	await expect(shapeWithText(ben.page, 'Orders DB')).toHaveCount(1);
	await expect(shapes(ben.page, 'arrow')).toContainText('card data');
	const follow = ben.page.getByLabel("Follow someone's view");
	await follow.selectOption({ label: 'Follow Ana' });
	const hover = await centre(db);
	await ana.page.mouse.move(hover.x + 30, hover.y + 60, { steps: 3 });
	await expect(ben.page.locator('.tl-nametag', { hasText: 'Ana' })).toBeVisible();
	// Ben breaks away again.
	await follow.selectOption({ label: 'Follow…' });
	await expect(follow).toHaveValue('');

	// A move propagates. (Escape first: the new arrow is selected, and its handle sits on the process.)
	await ana.page.keyboard.press('Escape');
	const before = await transformOf(shapeWithText(ben.page, 'Payments API'));
	const from = await centre(api);
	await ana.page.mouse.move(from.x, from.y);
	await ana.page.mouse.down();
	await ana.page.mouse.move(from.x, from.y + 120, { steps: 6 });
	await ana.page.mouse.up();
	await expect.poll(() => transformOf(shapeWithText(ben.page, 'Payments API'))).not.toBe(before);

	// Ana adds a threat about the data store: both see the note linked to it, and the badge.
	await ana.page.mouse.click((await centre(db)).x, (await centre(db)).y);
	await ana.page.getByRole('button', { name: 'Threat for “Orders DB”' }).click();
	await expect(ana.page.locator('textarea:focus')).toHaveCount(1);
	await ana.page.keyboard.type('SQL injection in order search');
	await ana.page.keyboard.press('Escape');
	for (const user of [ana, ben]) {
		const note = noteWithText(user.page, 'SQL injection in order search');
		await expect(note.getByRole('button', { name: /^Show on the diagram.*Orders DB/ })).toBeVisible();
		await expect(user.page.locator('.tb-threats')).toHaveText('1');
	}

	// Ben clicks the chip on the note: his canvas selects the data store.
	await noteWithText(ben.page, 'SQL injection in order search').getByRole('button', { name: /^Show on the diagram.*Orders DB/ }).click();
	await expect(ben.page.getByRole('button', { name: 'Threat for “Orders DB”' })).toBeVisible();

	// Ana deletes the data store: gone for Ben, and the threat stays, marked as no longer attached.
	// (Click empty canvas first: clicking an already selected shape starts editing its label.)
	const empty = await ana.page.getByTestId('canvas-host').boundingBox();
	await ana.page.mouse.click(empty!.x + empty!.width - 40, empty!.y + 60);
	await ana.page.mouse.click((await centre(db)).x, (await centre(db)).y);
	await expect(ana.page.getByRole('button', { name: 'Threat for “Orders DB”' })).toBeVisible();
	await ana.page.keyboard.press('Delete');
	await expect(shapeWithText(ben.page, 'Orders DB')).toHaveCount(0);
	for (const user of [ana, ben]) {
		await expect(noteWithText(user.page, 'SQL injection in order search').getByTestId('element-removed')).toBeVisible();
	}

	// A reload keeps the diagram.
	await ben.page.reload();
	await canvasReady(ben.page);
	await expect(shapeWithText(ben.page, 'Payments API')).toHaveCount(1);
	await expect(shapes(ben.page, 'arrow')).toContainText('card data');

	for (const user of [ana, ben]) expect(user.errors).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('a trust boundary and an entity from the palette, named as they are placed', async ({ browser }) => {
	const room = await createRoom('Palette');
	const ana = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	await canvasReady(ana.page);
	await placeElement(ana.page, 'Boundary', 'Internet');
	await placeElement(ana.page, 'Entity', 'Customer');
	// Each element shows its DFD kind on the canvas.
	await expect(ana.page.locator('.tb-kind', { hasText: 'Trust boundary' })).toBeVisible();
	await expect(ana.page.locator('.tb-kind', { hasText: 'External entity' })).toBeVisible();
	// Re-tag the entity as a process from the selection bar.
	await ana.page.mouse.click((await centre(shapeWithText(ana.page, 'Customer'))).x, (await centre(shapeWithText(ana.page, 'Customer'))).y);
	await ana.page.getByLabel('Diagram kind of the selected shape').selectOption('process');
	await expect(ana.page.locator('.tb-kind', { hasText: 'Process' })).toBeVisible();
	await ana.page.keyboard.press('Escape');
	await ana.page.getByRole('button', { name: 'Add Store' }).click();
	await typeIntoLabel(ana.page, 'Ledger');
	await expect(shapes(ana.page)).toHaveCount(3);

	// The layout: the board alone, remembered across a reload; the divider moves by keyboard.
	const split = ana.page.getByTestId('workshop-split');
	const layoutSwitch = ana.page.getByRole('radiogroup', { name: 'Layout' });
	await layoutSwitch.getByText('Board', { exact: true }).click();
	await expect(split).toHaveAttribute('data-layout', 'board');
	await expect(ana.page.getByTestId('canvas-host')).toBeHidden();
	await ana.page.reload();
	await expect(split).toHaveAttribute('data-layout', 'board');
	await expect(ana.page.getByRole('radio', { name: 'Board' })).toBeChecked();
	await layoutSwitch.getByText('Both', { exact: true }).click();
	const divider = ana.page.getByRole('separator', { name: 'Resize the diagram and the board' });
	const before = Number(await divider.getAttribute('aria-valuenow'));
	await divider.focus();
	await ana.page.keyboard.press('ArrowRight');
	await expect(divider).toHaveAttribute('aria-valuenow', String(before + 5));
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});

test('the canvas offers what a data-flow diagram needs, places elements where nothing is, and draws a boundary around a selection', async ({ browser }) => {
	const room = await createRoom('Diagram first');
	const ana = await newUser(browser);
	// Wide enough that tldraw lays its style panel out beside the canvas (narrower, it is a popover).
	await ana.page.setViewportSize({ width: 1920, height: 1080 });
	await joinBoard(ana, room.links.participant, 'Ana');
	await canvasReady(ana.page);
	const page = ana.page;
	// Select, hand, flow (arrow) and text; no pencil, eraser, sticky notes or media, no overflow.
	const tools = page.locator('[data-testid^="tools."]');
	await expect(tools).toHaveCount(4);
	expect(await tools.evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')))).toEqual([
		'tools.select',
		'tools.hand',
		'tools.arrow',
		'tools.text'
	]);
	await expect(page.locator('[data-testid="help-menu.button"]')).toHaveCount(0);

	const placed = [];
	for (const name of ['Web app', 'Orders API', 'Worker']) placed.push(await placeElement(page, 'Process', name));
	const boxes = await Promise.all(placed.map(async (shape) => (await shape.boundingBox())!));
	for (let i = 0; i < boxes.length; i++) {
		for (let j = i + 1; j < boxes.length; j++) {
			const [a, b] = [boxes[i], boxes[j]];
			const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
			expect(apart, `element ${i} and ${j} do not overlap`).toBe(true);
		}
	}
	// The tldraw shortcut for the pencil does nothing: a drag with "d" pressed draws no freehand line.
	await page.mouse.click(boxes[0].x + boxes[0].width / 2, boxes[0].y + boxes[0].height / 2);
	await page.keyboard.press('d');
	await page.mouse.move(boxes[0].x - 40, boxes[0].y - 40);
	await page.mouse.down();
	await page.mouse.move(boxes[0].x - 10, boxes[0].y - 60, { steps: 4 });
	await page.mouse.up();
	await expect(page.locator('.tl-shape[data-shape-type="draw"]')).toHaveCount(0);

	// The style panel stays closed over a selection until asked for.
	await page.mouse.click(boxes[1].x + boxes[1].width / 2, boxes[1].y + boxes[1].height / 2);
	const styleToggle = page.getByRole('toolbar', { name: 'Selected shape' }).getByRole('button', { name: 'Style' });
	await expect(styleToggle).toHaveAttribute('aria-pressed', 'false');
	await expect(page.getByTestId('style.panel')).toHaveCount(0);
	await styleToggle.click();
	await expect(page.getByTestId('style.panel')).toBeVisible();
	await styleToggle.click();
	await expect(page.getByTestId('style.panel')).toHaveCount(0);

	// Two elements selected, then "Boundary": the boundary goes around them.
	await page.mouse.click(boxes[0].x + boxes[0].width / 2, boxes[0].y + boxes[0].height / 2);
	await page.keyboard.down('Shift');
	await page.mouse.click(boxes[1].x + boxes[1].width / 2, boxes[1].y + boxes[1].height / 2);
	await page.keyboard.up('Shift');
	const boundary = (await (await placeElement(page, 'Boundary', 'Internal network')).boundingBox())!;
	for (const box of boxes.slice(0, 2)) {
		expect(box.x).toBeGreaterThan(boundary.x);
		expect(box.y).toBeGreaterThan(boundary.y);
		expect(box.x + box.width).toBeLessThan(boundary.x + boundary.width);
		expect(box.y + box.height).toBeLessThan(boundary.y + boundary.height);
	}
	await page.screenshot({ path: test.info().outputPath('diagram-first.png') });
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});

test('diagram references follow the order elements were drawn, and keep their numbers when more are drawn', async ({ browser }) => {
	const room = await createRoom('Stable references');
	const ana = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	await canvasReady(ana.page);
	const rows = async () => {
		const res = await fetch(`${baseUrl()}/api/rooms/${room.roomId}/export.md`);
		const lines = (await res.text()).split('\n').filter((line) => /^\| E\d+ \|/.test(line));
		// The elements table, then the coverage table lists them again: each reference once.
		return [...new Set(lines.map((line) => line.split('|').slice(1, 3).map((cell) => cell.trim()).join(' ')))];
	};
	for (const name of ['Zebra gateway', 'Alpha store', 'Middle worker']) await placeElement(ana.page, 'Process', name);
	await expect.poll(rows).toEqual(['E1 Zebra gateway', 'E2 Alpha store', 'E3 Middle worker']);
	// Another person draws one more after a reload: the first three keep their numbers.
	const ben = await newUser(browser);
	await joinBoard(ben, room.links.participant, 'Ben');
	await canvasReady(ben.page);
	await placeElement(ben.page, 'Entity', 'Aardvark client');
	await expect.poll(rows).toEqual(['E1 Zebra gateway', 'E2 Alpha store', 'E3 Middle worker', 'E4 Aardvark client']);
	await ana.page.reload();
	await canvasReady(ana.page);
	await expect.poll(rows).toEqual(['E1 Zebra gateway', 'E2 Alpha store', 'E3 Middle worker', 'E4 Aardvark client']);
	expect([...ana.errors, ...ben.errors]).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('a room written by a newer tldraw asks this tab to reload and leaves the diagram alone', async ({ browser }) => {
	const room = await createRoom('Newer schema');
	const writer = await connectBoard(room.roomId);
	writer.doc.transact(() => canvasMap(writer.doc).set('shape:future', { id: 'shape:future', typeName: 'shape', type: 'hologram' }));
	// The server only stores its own build's tldraw schema, so a newer one reaches a tab when the
	// server was upgraded while the tab stayed open: here the newer schema is slipped into Ana's
	// socket (before the server's state), and never reaches the server.
	const newer = new Y.Doc();
	canvasSchemaMap(newer).set('schema', { schemaVersion: 2, sequences: { 'com.tldraw.shape': 999 } });
	const newerSchema = encodeSyncMessage(SyncStep.Update, Y.encodeStateAsUpdate(newer));
	const sentByAna = new Y.Doc();
	const ana = await newUser(browser);
	await ana.page.routeWebSocket(/\/sync\/[^/]+\/board$/, (socket) => {
		const server = socket.connectToServer();
		server.onMessage((message) => {
			const sync = typeof message === 'string' ? undefined : readSyncFrame(new Uint8Array(message));
			if (sync?.step === SyncStep.Step2) socket.send(Buffer.from(newerSchema));
			socket.send(message);
		});
		socket.onMessage((message) => {
			const sync = typeof message === 'string' ? undefined : readSyncFrame(new Uint8Array(message));
			if (sync && sync.step !== SyncStep.Step1) Y.applyUpdate(sentByAna, sync.payload);
			server.send(message);
		});
	});
	// Ana has joined before (one socket, already with her identity: a reconnect would send the
	// slipped-in schema back to the server, which a real upgrade never does).
	const participant = await registerParticipant(baseUrl(), room.roomId, 'Ana');
	await ana.context.addInitScript(
		([entries]) => {
			for (const [key, value] of entries) localStorage.setItem(key, value);
		},
		[
			[
				[IDENTITY_KEY, JSON.stringify({ name: 'Ana', color: '#2563eb' })],
				[participantKey(room.roomId), JSON.stringify(participant)]
			]
		] as const
	);
	await ana.page.goto(room.links.participant);
	await expect(connectionStatus(ana.page)).toContainText('Live');
	await expect(ana.page.getByTestId('canvas-problem')).toContainText('This tab is out of date');
	// The board still works (a refused write would have closed the connection).
	const threat = await addNote(ana.page, 'What can go wrong?', 'Threat', 'Still here');
	await expect(threat).toHaveCount(1);
	await waitUntil(() => listNotes(writer.doc).some((note) => note.text === 'Still here'), 'the threat reaches the server', { docs: [writer.doc] });
	// Ana wrote nothing into the diagram, and the server's diagram is as it was.
	expect([...canvasMap(sentByAna).keys()]).toEqual([]);
	expect(canvasSchemaMap(sentByAna).size).toBe(0);
	expect([...canvasMap(writer.doc).keys()]).toEqual(['shape:future']);
	expect(canvasSchemaMap(writer.doc).size).toBe(0);
	expect(ana.errors).toEqual([]);
	writer.destroy();
	newer.destroy();
	await ana.context.close();
});

test('the canvas waits for the room before it mounts, and a visitor writes nothing into its diagram', async ({ browser }) => {
	const room = await createRoom('Slow sync');
	await seedRoomShapes(room.roomId, 3);

	const ana = await newUser(browser);
	await ana.context.addInitScript(
		([key, value]) => localStorage.setItem(key, value),
		[IDENTITY_KEY, JSON.stringify({ name: 'Ana', color: '#2563eb' })] as const
	);
	// Hold the server's messages until tldraw has loaded; record the document updates Ana sends.
	let release!: () => void;
	const released = new Promise<void>((resolve) => (release = resolve));
	const sentByAna = new Y.Doc();
	await ana.page.routeWebSocket(/\/sync\//, (socket) => {
		const server = socket.connectToServer();
		server.onMessage((message) => void released.then(() => socket.send(message)));
		socket.onMessage((message) => {
			const sync = typeof message === 'string' ? undefined : readSyncFrame(new Uint8Array(message));
			if (sync && sync.step !== SyncStep.Step1) Y.applyUpdate(sentByAna, sync.payload);
			server.send(message);
		});
	});
	await ana.page.goto(room.links.participant);
	await ana.page.waitForFunction(() => performance.getEntriesByName('threatboard:canvas-loaded').length > 0);
	// tldraw is here but the room is not: no empty canvas, nothing published.
	await expect(ana.page.getByTestId('canvas-host')).toHaveAttribute('data-ready', 'false');
	await expect(ana.page.locator('.tl-container')).toHaveCount(0);

	release();
	await canvasReady(ana.page);
	await expect(shapes(ana.page)).toHaveCount(3);
	await expect(connectionStatus(ana.page)).toContainText('Live');
	expect([...canvasMap(sentByAna).keys()]).toEqual([]);
	expect(canvasSchemaMap(sentByAna).size).toBe(0);
	expect(ana.errors).toEqual([]);
	await ana.context.close();
});

test('the workshop page requests nothing from any other host, and the landing page never loads tldraw', async ({ browser }) => {
	const room = await createRoom('Same origin');
	const ana = await newUser(browser);
	const origin = new URL(baseUrl()).origin;
	const requested: string[] = [];
	ana.page.on('request', (request) => requested.push(request.url()));

	await ana.page.goto('/');
	await expect(ana.page.getByRole('heading', { level: 1 })).toBeVisible();
	await ana.page.waitForLoadState('networkidle');
	const landingScripts = requested.filter((url) => url.endsWith('.js'));

	await joinBoard(ana, room.links.participant, 'Ana');
	await canvasReady(ana.page);
	await placeElement(ana.page, 'Process', 'Checkout');
	await ana.page.waitForLoadState('networkidle');

	const foreign = requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'));
	expect(foreign).toEqual([]);
	// The fonts and icons tldraw uses come from the app itself.
	expect(requested.some((url) => url.startsWith(origin) && url.endsWith('.woff2'))).toBe(true);

	// tldraw is in a chunk only the workshop page fetches.
	const workshopOnly = requested.filter((url) => url.endsWith('.js') && !landingScripts.includes(url));
	expect(workshopOnly.length).toBeGreaterThan(0);
	let tldrawChunk: string | undefined;
	for (const url of workshopOnly) {
		const body = await (await fetch(url)).text();
		if (body.includes('tldraw') && body.length > 500_000) tldrawChunk = url;
	}
	expect(tldrawChunk).toBeDefined();
	expect(landingScripts).not.toContain(tldrawChunk);

	// Landing page JavaScript, as served gzipped (target: 60 KB at most).
	let landingGzip = 0;
	for (const url of landingScripts) {
		const { bytes, encoding } = await rawGet(url, { 'accept-encoding': 'gzip' });
		expect(encoding).toBe('gzip');
		landingGzip += bytes;
	}
	console.log(JSON.stringify({ landingJsGzipBytes: landingGzip, landingScripts: landingScripts.length }));
	expect(landingGzip).toBeLessThanOrEqual(60 * 1024);
	await ana.context.close();
});

test('a name given while the canvas is still mounting leaves it editable', async ({ browser }) => {
	const room = await createRoom('Named during mount');
	const ana = await newUser(browser);
	// The name goes in as the canvas starts mounting (the mark is set just before mountCanvas),
	// before tldraw's editor exists: its read-only state changes under the mount.
	await ana.page.addInitScript(() => {
		new PerformanceObserver((list, observer) => {
			if (!list.getEntries().some((entry) => entry.name === 'threatboard:canvas-mount')) return;
			observer.disconnect();
			const input = document.querySelector<HTMLInputElement>('dialog[open] #display-name');
			if (!input) return;
			input.value = 'Ana';
			input.dispatchEvent(new Event('input', { bubbles: true }));
			input.form?.requestSubmit();
			document.documentElement.dataset.namedDuringMount = 'true';
		}).observe({ type: 'mark' });
	});
	await ana.page.goto(room.links.participant);
	await expect(ana.page.locator('html')).toHaveAttribute('data-named-during-mount', 'true', { timeout: 30_000 });
	await expect(ana.page.getByRole('dialog')).toBeHidden();
	await canvasReady(ana.page);
	// tldraw's own toolbar offers more than select and hand only when the editor is editable.
	await expect(ana.page.getByTestId('tools.arrow')).toBeVisible();
	await placeElement(ana.page, 'Process', 'Payments API');
});
