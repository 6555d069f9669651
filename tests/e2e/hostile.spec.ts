/**
 * One hostile participant against a workshop people are in: the attacks of
 * tests/integration/hostile-peer.test.ts sent from Node on raw sockets, then what people see.
 * Each refused write closes the attacker's socket only; writes the server lets through but that
 * no honest client makes (a malformed note, a shape tldraw cannot read) are skipped by the
 * readers. The board and the canvas stay whole for the person already in the room and for one
 * who opens it afterwards.
 */
import { expect, test } from '@playwright/test';
import * as Y from 'yjs';
import { CANVAS_SCHEMA_KEY, canvasMap, canvasSchemaMap, createNote, metaMap, notesMap } from '../../src/lib/shared/board/doc.ts';
import { encodeSyncMessage } from '../../src/lib/shared/wire/messages.ts';
import { CloseCode, SyncStep } from '../../src/lib/shared/wire/protocol.ts';
import { rawClient } from '../helpers/clients.ts';
import { canvasReady, seedRoomShapes, shapes } from './canvas-helpers.ts';
import { baseUrl, connectBoard, connectionStatus, createRoom, joinBoard, newUser, notesIn, seedBoard } from './helpers.ts';

const THREATS = 'What can go wrong?';

function nested(depth: number): unknown {
	let value: unknown = 'x';
	for (let i = 1; i < depth; i++) value = [value];
	return value;
}

/** The update that `change` makes on a copy of `source` (the copy is thrown away). */
function updateOn(source: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(source));
	const before = Y.encodeStateVector(copy);
	copy.transact(() => change(copy));
	const update = Y.encodeStateAsUpdate(copy, before);
	copy.destroy();
	return update;
}

const REFUSED_ATTACKS: Array<[string, (doc: Y.Doc) => void]> = [
	['a value nested 5,000 levels deep in the canvas', (doc) => canvasMap(doc).set('shape:bomb', nested(5_000))],
	['a value nested 5,000 levels deep in a note', (doc) => notesMap(doc).set('bomb', nested(5_000))],
	['a write to a root the board does not have', (doc) => doc.getMap('elsewhere').set('x', 1)],
	['a canvas schema "from the future"', (doc) =>
		canvasSchemaMap(doc).set(CANVAS_SCHEMA_KEY, { schemaVersion: 2, sequences: { 'com.tldraw.store': 999 } })],
	['a board schema version from the future', (doc) => metaMap(doc).set('schemaVersion', 999)]
];

test('a hostile participant cannot blank the board or the canvas, for those in the room or those who come later', async ({ browser }) => {
	const room = await createRoom('Under attack');
	await seedBoard(room.roomId, (doc) => {
		for (const text of ['Replayed checkout request', 'SQL injection in order notes', 'PSP rate limit exhausted']) {
			createNote(doc, { kind: 'threat', question: 2, text, author: 'Seed', authorColor: '#2563eb' });
		}
	});
	await seedRoomShapes(room.roomId, 3);

	const ana = await newUser(browser);
	await joinBoard(ana, room.links.participant, 'Ana');
	await expect(notesIn(ana.page, THREATS)).toHaveCount(3);
	await canvasReady(ana.page);
	await expect(shapes(ana.page)).toHaveCount(3);

	// Each refused write closes the attacker's socket with 4406 and reaches nobody.
	const source = await connectBoard(room.roomId);
	const wsUrl = `${baseUrl().replace(/^http/, 'ws')}/sync/${room.roomId}/board`;
	for (const [name, change] of REFUSED_ATTACKS) {
		const raw = rawClient(wsUrl);
		await raw.opened;
		raw.send(encodeSyncMessage(SyncStep.Update, updateOn(source.doc, change)));
		expect((await raw.closed).code, name).toBe(CloseCode.UpdateRefused);
	}

	// Writes within the board's roots that no honest client makes: readers skip them.
	const sloppy = await connectBoard(room.roomId);
	sloppy.doc.transact(() => {
		notesMap(sloppy.doc).set('not-a-note', 42);
		canvasMap(sloppy.doc).set('shape:broken', { id: 'shape:broken', typeName: 'shape', type: 'geo', props: 'nonsense' });
		canvasMap(sloppy.doc).set('shape:alien', { id: 'shape:alien', typeName: 'shape', type: 'hologram' });
	});
	const marker = createNote(sloppy.doc, { kind: 'threat', question: 2, text: 'Written after the attack', author: 'Sam', authorColor: '#dc2626' });
	expect(marker).toBeTruthy();

	// Ana, already in the room: still live, every real note and shape, and the later note arrives.
	await expect(notesIn(ana.page, THREATS)).toHaveCount(4);
	await expect(connectionStatus(ana.page)).toContainText('Live');
	await expect(shapes(ana.page)).toHaveCount(3);

	// Ben, who opens the workshop afterwards, gets the same board and canvas.
	const ben = await newUser(browser);
	await joinBoard(ben, room.links.participant, 'Ben');
	await expect(notesIn(ben.page, THREATS)).toHaveCount(4);
	await canvasReady(ben.page);
	await expect(shapes(ben.page)).toHaveCount(3);
	await expect(ben.page.getByTestId('canvas-problem')).toHaveCount(0);
	await ben.page.screenshot({ path: test.info().outputPath('after-the-attack.png') });

	const health = await fetch(`${baseUrl()}/healthz`);
	expect(health.status).toBe(200);
	expect([...ana.errors, ...ben.errors]).toEqual([]);
	source.destroy();
	sloppy.destroy();
	await Promise.all([ana.context.close(), ben.context.close()]);
});
