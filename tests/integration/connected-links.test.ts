/**
 * Links between threats and diagram elements through the real server: two people linking and
 * unlinking at once both keep what they did; an observer's link and a link written while the
 * facilitator holds the board locked never land.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canvasMap, createNote, readNote } from '../../src/lib/shared/board/doc.ts';
import { addLink, linksOf, removeLink } from '../../src/lib/shared/board/links.ts';
import { linkId } from '../../src/lib/shared/board/schema.ts';
import { controlPath } from '../../src/lib/shared/control/commands.ts';
import { readControl } from '../../src/lib/shared/control/doc.ts';
import { FACILITATOR_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../../src/lib/shared/wire/protocol.ts';
import { connectClient, synced, toldReadOnly, waitUntil, type TestClient } from '../helpers/clients.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'warn' });
});
afterAll(async () => {
	await server.close();
});

const ELEMENTS = ['shape:api', 'shape:db', 'shape:web'];

/** A room with three elements and a threat, seen by every client passed. */
async function seeded(writer: TestClient, readers: TestClient[]): Promise<string> {
	let threat = '';
	writer.doc.transact(() => {
		for (const id of ELEMENTS) canvasMap(writer.doc).set(id, { id, typeName: 'shape', type: 'geo' });
		threat = createNote(writer.doc, { kind: 'threat', question: 2, text: 'Card data read', author: 'Ada', authorColor: '#2563eb' });
	});
	const docs = readers.map((reader) => reader.doc);
	await waitUntil(() => readers.every((reader) => canvasMap(reader.doc).size === ELEMENTS.length && readNote(reader.doc, threat) !== undefined), 'seed everywhere', { docs });
	return threat;
}

const elementsOf = (client: TestClient, threat: string) =>
	linksOf(client.doc, threat)
		.flatMap((link) => (link.kind === 'canvas' ? [link.elementId] : []))
		.join(',');

it('keeps both people’s changes when one links an element while the other unlinks another', async () => {
	const room = await createRoom(server.url);
	const [ana, ben] = [connectClient(server.wsUrl, room.roomId), connectClient(server.wsUrl, room.roomId)];
	await Promise.all([synced(ana), synced(ben)]);
	const threat = await seeded(ana, [ben]);
	addLink(ana.doc, { kind: 'canvas', noteId: threat, elementId: 'shape:api' });
	await waitUntil(() => elementsOf(ben, threat) === 'shape:api', 'first link', { docs: [ben.doc] });

	// At once: Ben unlinks the API and links the DB, Ana links the web app.
	removeLink(ben.doc, linkId({ kind: 'canvas', noteId: threat, elementId: 'shape:api' }));
	addLink(ben.doc, { kind: 'canvas', noteId: threat, elementId: 'shape:db' });
	addLink(ana.doc, { kind: 'canvas', noteId: threat, elementId: 'shape:web' });
	const expected = 'shape:db,shape:web';
	await waitUntil(() => elementsOf(ana, threat) === expected && elementsOf(ben, threat) === expected, 'both changes everywhere', { docs: [ana.doc, ben.doc] });

	const fresh = connectClient(server.wsUrl, room.roomId);
	await synced(fresh);
	expect(elementsOf(fresh, threat)).toBe(expected);
	for (const client of [ana, ben, fresh]) client.destroy();
});

it('drops a link written by an observer or while the board is locked', async () => {
	const room = await createRoom(server.url);
	const participant = connectClient(server.wsUrl, room.roomId);
	const observer = connectClient(server.wsUrl, room.observerId);
	const facilitator = connectClient(server.wsUrl, room.roomId, { protocols: [SUBPROTOCOL, FACILITATOR_SUBPROTOCOL_PREFIX + room.facilitatorKey] });
	const control = connectClient(server.wsUrl, room.roomId, { docName: 'control' });
	await Promise.all([participant, observer, facilitator, control].map(synced));
	const threat = await seeded(participant, [observer, facilitator]);

	const observerDenied = toldReadOnly(observer);
	expect(addLink(observer.doc, { kind: 'canvas', noteId: threat, elementId: 'shape:api' }).ok).toBe(true);
	await observerDenied;

	const res = await fetch(`${server.url}${controlPath(room.roomId)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${room.facilitatorKey}` },
		body: JSON.stringify({ type: 'lock', locked: true })
	});
	expect(res.status).toBe(200);
	await waitUntil(() => readControl(control.doc).lock.locked, 'lock visible', { docs: [control.doc] });
	const lockedDenied = toldReadOnly(participant);
	addLink(participant.doc, { kind: 'canvas', noteId: threat, elementId: 'shape:db' });
	await lockedDenied;
	// The facilitator writes through the lock: once that link is everywhere, the others would be too.
	addLink(facilitator.doc, { kind: 'canvas', noteId: threat, elementId: 'shape:web' });

	const fresh = connectClient(server.wsUrl, room.roomId);
	await synced(fresh);
	await waitUntil(() => elementsOf(fresh, threat) === 'shape:web', 'facilitator link', { docs: [fresh.doc] });
	expect(elementsOf(fresh, threat)).toBe('shape:web');
	for (const client of [participant, observer, facilitator, control, fresh]) client.destroy();
});
