import { expect, it } from 'vitest';
import type { DocStore } from '../../../server/persistence/doc-store.ts';
import type { ModelFigures } from '#shared/systems/status';
import { createLogger } from '../../../server/log.ts';
import { createMetrics } from '../../../server/metrics.ts';
import type { Room } from '../../../server/rooms/room.ts';
import { createModelFiguresKeeper } from '../../../server/systems/model-figures.ts';

/** A store holding one board, whose room is in a system only once `member` says so. */
function fakeStore() {
	const asked: string[] = [];
	const kept: string[] = [];
	const state = { member: false };
	const store = {
		systems: {
			modelOfRoom: (roomId: string) => {
				asked.push(roomId);
				return Promise.resolve(state.member ? { roomId } : undefined);
			},
			putFigures: (roomId: string, token: string) => {
				kept.push(`${roomId} ${token}`);
				return Promise.resolve();
			}
		},
		loadDoc: () => Promise.resolve({ updates: [new Uint8Array([0, 0])], lastSeq: 1, logLength: 1, seqs: [1], version: 7 })
	} as unknown as DocStore;
	return { store, asked, kept, state };
}

it('asks about a room outside every system once, not after each of its edits, until it joins one', async () => {
	const { store, asked, kept, state } = fakeStore();
	const runner = { figures: () => Promise.resolve({ title: 't' } as unknown as ModelFigures), close: () => Promise.resolve() };
	const keeper = createModelFiguresKeeper({ store, log: createLogger('silent'), metrics: createMetrics(), runner, delayMs: 60_000 });
	const edited = () => keeper.hooks.afterCommit!({ room: { roomId: 'r1' } as Room, docName: 'board', update: new Uint8Array(), origin: null });
	try {
		edited();
		await keeper.flush();
		expect(asked).toEqual(['r1']);
		// Edited again and again: nothing is scheduled, nothing asked.
		for (let i = 0; i < 5; i++) {
			edited();
			await keeper.flush();
		}
		expect(asked).toEqual(['r1']);
		expect(kept).toEqual([]);
		// Joining a system (through this instance) forgets the answer: its figures are computed.
		state.member = true;
		keeper.changed('r1');
		await keeper.flush();
		expect(asked).toEqual(['r1', 'r1']);
		expect(kept).toEqual(['r1 f1:7']);
		// A member's edits are computed after each change.
		edited();
		await keeper.flush();
		expect(kept).toEqual(['r1 f1:7', 'r1 f1:7']);
	} finally {
		keeper.close();
	}
});
