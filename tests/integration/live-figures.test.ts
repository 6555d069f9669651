/**
 * A loaded board's live figures (server/systems/model-boards.ts), read in the figures worker:
 * a read asked for after an edit never answers with figures taken before it (a read under way
 * since before the edit is not shared with it), and reads asked for together share one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNote, listNotes } from '../../src/lib/shared/board/doc.ts';
import type { ModelFigures } from '../../src/lib/shared/systems/status.ts';
import { readStoredFigures, type FiguresRunner } from '../../server/systems/figures-runner.ts';
import { createBoardReader } from '../../server/systems/model-boards.ts';
import type { ModelFiguresKeeper } from '../../server/systems/model-figures.ts';
import { connectClient, registerParticipant, synced, waitUntil } from '../helpers/clients.ts';
import { createRoom, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ LOG_LEVEL: 'warn' });
});
afterAll(async () => {
	await server.close();
});

it('answers a read asked for after an edit with the edit in it, and shares reads asked for together', async () => {
	const room = await createRoom(server.url);
	const ada = await registerParticipant(server.url, room.roomId, 'Ada');
	const client = connectClient(server.wsUrl, room.roomId, { participant: ada });
	await synced(client);
	const held = await server.rooms.acquire((await server.store.getRoom(room.roomId))!);
	try {
		const threat = (text: string) => createNote(client.doc, { kind: 'threat', question: 2, text, author: 'Ada', authorId: ada.participantId, authorColor: '#2563eb' });
		threat('one');
		await waitUntil(() => listNotes(held.docs.board.doc).length === 1, 'the server has the first threat');
		// A runner as slow as a large board's read, each read released by the test.
		const releases: Array<() => void> = [];
		let reads = 0;
		const slow: FiguresRunner = {
			async figures(updates) {
				reads++;
				await new Promise<void>((resolve) => releases.push(resolve));
				return readStoredFigures(updates);
			},
			close: async () => {}
		};
		const reader = createBoardReader(server.store, server.rooms, {} as ModelFiguresKeeper, slow);
		const first = reader.figures(room.roomId);
		const together = reader.figures(room.roomId);
		await waitUntil(() => releases.length === 1, 'the first read is under way');
		threat('two');
		await waitUntil(() => listNotes(held.docs.board.doc).length === 2, 'the server has the second threat');
		const afterEdit = reader.figures(room.roomId);
		releases.shift()!();
		await waitUntil(() => releases.length === 1, 'a second read follows the first');
		releases.shift()!();
		const [a, b, c] = (await Promise.all([first, together, afterEdit])) as ModelFigures[];
		expect([a.threatCount, b.threatCount, c.threatCount]).toEqual([1, 1, 2]);
		expect(reads).toBe(2);
		// Unchanged since: answered from what was read, no read at all.
		expect((await reader.figures(room.roomId))?.threatCount).toBe(2);
		expect(reads).toBe(2);
	} finally {
		server.rooms.release(room.roomId);
		client.destroy();
	}
});
