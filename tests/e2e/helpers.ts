/** Helpers for the workshop e2e tests: one browser context per person, seeding through the API. */
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { CreateRoomResponse } from '../../src/lib/shared/wire/api.ts';
import { listNotes } from '../../src/lib/shared/board/doc.ts';
import { connectClient, registerParticipant, synced, type TestClient } from '../helpers/clients.ts';

export function baseUrl(): string {
	const url = process.env.THREATBOARD_E2E_BASE_URL;
	if (!url) throw new Error('THREATBOARD_E2E_BASE_URL is not set: the global setup did not run');
	return url;
}

export interface User {
	context: BrowserContext;
	page: Page;
	/** Uncaught exceptions and console errors of this person's page, for tests that expect none. */
	errors: string[];
	/** Console warnings of this person's page (a normal load should log none). */
	warnings: string[];
}

/** A separate browser context per person: own storage, own IndexedDB, no shared BroadcastChannel. */
export async function newUser(browser: Browser, base = baseUrl()): Promise<User> {
	const context = await browser.newContext({
		baseURL: base,
		viewport: { width: 1280, height: 720 },
		permissions: ['clipboard-read', 'clipboard-write']
	});
	const page = await context.newPage();
	const errors: string[] = [];
	const warnings: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
		if (message.type() === 'warning') warnings.push(message.text());
	});
	return { context, page, errors, warnings };
}

/** Seeds a room through the HTTP API (for tests where creating it through the UI is not the point). */
export async function createRoom(title: string, base = baseUrl()): Promise<CreateRoomResponse> {
	const response = await fetch(`${base}/api/rooms`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ title })
	});
	expect(response.status).toBe(201);
	return (await response.json()) as CreateRoomResponse;
}

export function nameDialog(page: Page): Locator {
	return page.getByRole('dialog');
}

/** Answers the first-visit name dialog (optionally picking a colour by its name, e.g. "Violet"). */
export async function chooseName(page: Page, name: string, color?: string): Promise<void> {
	const dialog = nameDialog(page);
	// The dialog opens once the room is synced. Three browsers opening tldraw at once on the 2-core
	// CI machine have needed more than 10 s for that (board.spec.ts, 2026-12-06): an open question, in the issue notes.
	await expect(dialog).toBeVisible({ timeout: 30_000 });
	await dialog.getByLabel('Display name').fill(name);
	if (color) await dialog.getByRole('radio', { name: color }).check();
	await dialog.getByRole('button', { name: 'Join workshop' }).click();
	await expect(dialog).toBeHidden();
}

export function peopleList(page: Page): Locator {
	return page.getByRole('list', { name: /People in this workshop/ });
}

export function presenceChip(page: Page, name: string): Locator {
	return peopleList(page).getByRole('listitem').filter({ hasText: name });
}

export function connectionStatus(page: Page): Locator {
	return page.getByRole('status').filter({ hasText: /Live|Connecting|Offline|Disconnected/ });
}

/** Clicks a copy button, checks the visible "Copied" feedback, and returns what reached the clipboard. */
export async function copyLink(page: Page, label: string): Promise<string> {
	const button = page.getByRole('button', { name: `Copy ${label}` });
	await button.click();
	await expect(button).toContainText('Copied');
	return page.evaluate(() => navigator.clipboard.readText());
}

/** Reads a y-websocket awareness frame: how many client entries it carries, and their ids. */
export function awarenessClientIds(frame: Buffer): number[] | undefined {
	let pos = 0;
	const readVarUint = () => {
		let value = 0;
		let shift = 0;
		for (;;) {
			const byte = frame[pos++];
			value += (byte & 0x7f) * 2 ** shift;
			shift += 7;
			if (byte < 0x80) return value;
		}
	};
	if (readVarUint() !== 1) return undefined; // not an awareness message
	readVarUint(); // length of the awareness update
	const count = readVarUint();
	const ids: number[] = [];
	for (let i = 0; i < count; i++) {
		ids.push(readVarUint());
		readVarUint(); // clock
		const length = readVarUint();
		pos += length; // state JSON
	}
	return ids;
}

// ---- Board ------------------------------------------------------------------------------------

/** A lane (or the parking lot) by its heading, e.g. "What can go wrong?". */
export function lane(page: Page, title: string): Locator {
	return page.getByRole('region', { name: title, exact: true });
}

/** The note cards of a lane, in the order shown. */
export function notesIn(page: Page, title: string): Locator {
	return lane(page, title).locator('[data-note-id]');
}

/** A note card by (part of) its text. */
export function noteWithText(page: Page, text: string): Locator {
	// The text box mirrors the note's text in data-replica (also while a textarea edits it).
	return page.locator('[data-note-id]').filter({ has: page.locator(`[data-replica*=${JSON.stringify(text)}]`) });
}

/** A note's text box (plain text until focused or clicked, then a textarea). */
export function noteText(note: Locator): Locator {
	return note.getByTestId('note-text');
}

/** Waits until a note's text is exactly `text`. */
export async function expectNoteText(note: Locator, text: string): Promise<void> {
	await expect(noteText(note)).toHaveAttribute('data-replica', text);
}

/** Clicks a lane's add button (e.g. "Threat") and types the text into the new note. */
export async function addNote(page: Page, laneTitle: string, kind: string, text: string): Promise<Locator> {
	await lane(page, laneTitle).getByRole('button', { name: kind, exact: true }).click();
	const editor = page.locator('textarea:focus');
	await expect(editor).toHaveCount(1);
	await editor.pressSequentially(text);
	return page.locator('[data-note-id]').filter({ has: page.locator('textarea:focus') });
}

/** The text of every note in a lane, in order. */
export async function laneTexts(page: Page, title: string): Promise<string[]> {
	return notesIn(page, title)
		.getByTestId('note-text')
		.evaluateAll((boxes) => boxes.map((box) => (box as HTMLElement).dataset.replica ?? ''));
}

/** Opens a room as a named person and waits until the board is live. */
export async function joinBoard(user: User, roomPath: string, name: string, color?: string): Promise<void> {
	await user.page.goto(roomPath);
	await chooseName(user.page, name, color);
	await expect(connectionStatus(user.page)).toContainText('Live');
}

// ---- Seeding a board from Node ---------------------------------------------------------------
// Through a real y-websocket client (the protocol the browsers use), for tests where building the
// board through the UI is not the point.

export type BoardClient = TestClient;

/** A Node client of a room's board; with `as`, registered as a participant of that name (who may vote). */
export async function connectBoard(roomId: string, base = baseUrl(), as?: string): Promise<BoardClient & { participantId?: string }> {
	const participant = as === undefined ? undefined : await registerParticipant(base, roomId, as);
	const client = connectClient(base.replace(/^http/, 'ws'), roomId, { participant });
	await synced(client);
	return Object.assign(client, { participantId: participant?.participantId });
}

/** Where a test's server keeps its data, for seeding rooms as their operator would. */
export interface SeedTarget {
	base: string;
	dataDir: string;
}

export function e2eTarget(): SeedTarget {
	const dataDir = process.env.THREATBOARD_E2E_DATA_DIR;
	if (!dataDir) throw new Error('THREATBOARD_E2E_DATA_DIR is not set: the global setup did not run');
	return { base: baseUrl(), dataDir };
}

/**
 * Writes with `build` into a room's stored board before anyone opens it, and waits until a client
 * sees the notes. The write goes to the server's SQLite file, as an operator's restore would: the
 * boards these tests need (votes by several people, decided risks) are ones the server only lets
 * each person build their own part of, which is not what these tests are about.
 */
export async function seedBoard(roomId: string, build: (doc: Y.Doc) => void, target: SeedTarget = e2eTarget()): Promise<void> {
	// Straight into the database beside the running server, whose store holds the directory (one
	// server per directory): the room must not be loaded yet, and the server reads it, this row
	// included, when the first client joins.
	const db = new Database(path.join(target.dataDir, 'threatboard.sqlite3'));
	let expectedNotes: number;
	try {
		db.pragma('busy_timeout = 5000');
		const doc = new Y.Doc();
		const snapshot = db.prepare("SELECT data FROM doc_snapshots WHERE room_id = ? AND doc_name = 'board'").pluck().get(roomId);
		if (snapshot) Y.applyUpdate(doc, snapshot as Uint8Array);
		for (const row of db.prepare("SELECT data FROM doc_log WHERE room_id = ? AND doc_name = 'board' ORDER BY seq").pluck().all(roomId)) {
			Y.applyUpdate(doc, row as Uint8Array);
		}
		const before = Y.encodeStateVector(doc);
		doc.transact(() => build(doc));
		expectedNotes = listNotes(doc).length;
		db.prepare(
			`INSERT INTO doc_log (room_id, doc_name, seq, data) VALUES (@roomId, 'board', coalesce(
				(SELECT max(seq) FROM doc_log WHERE room_id = @roomId AND doc_name = 'board'),
				(SELECT seq FROM doc_log_floor WHERE room_id = @roomId AND doc_name = 'board'), 0) + 1, @update)`
		).run({ roomId, update: Y.encodeStateAsUpdate(doc, before) });
		doc.destroy();
	} finally {
		db.close();
	}
	const reader = await connectBoard(roomId, target.base);
	try {
		const deadline = Date.now() + 15_000;
		while (listNotes(reader.doc).length < expectedNotes) {
			if (Date.now() > deadline) throw new Error('seeded notes did not reach a client');
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	} finally {
		reader.destroy();
	}
}

/**
 * Copies a screenshot into docs/ (the README's pictures) when UPDATE_DOCS_SCREENSHOTS=1, so
 * that an ordinary test run never rewrites tracked files. test-results/ always gets a copy.
 */
export function publishScreenshot(fileName: string, png: Buffer): void {
	if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
	const docs = path.resolve(import.meta.dirname, '../../docs');
	fs.mkdirSync(docs, { recursive: true });
	fs.writeFileSync(path.join(docs, fileName), png);
}
