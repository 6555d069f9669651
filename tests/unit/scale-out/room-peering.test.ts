/**
 * Resyncs of a room's peering. After a Redis outage the instances come back one at a time; each
 * republishes its presence when its own subscriber is back, which a peer whose subscriber is
 * still down misses. That peer's later resync request must bring the presence again.
 */
import { expect, it } from 'vitest';
import { DOC_NAMES, type DocName } from '#shared/wire/protocol';
import { createLogger } from '../../../server/log.ts';
import type { Fanout, RoomChannel, RoomChannelHandlers } from '../../../server/scale-out/fanout.ts';
import { RoomPeering, type PeeredDoc } from '../../../server/scale-out/room-peering.ts';

async function joinedRoom() {
	let handlers: RoomChannelHandlers | undefined;
	const calls = { requestResync: 0, republished: [] as DocName[] };
	const channel: RoomChannel = {
		publishUpdate() {},
		publishAwareness() {},
		requestResync: () => void calls.requestResync++,
		leave() {}
	};
	const fanout: Fanout = {
		enabled: true,
		status: () => 'ok',
		join: async (_roomId, h) => {
			handlers = h;
			return channel;
		},
		close: async () => {}
	};
	const peering = await RoomPeering.join(fanout, 'room', 'tag', async () => ({ updates: [], logLength: 0, seqs: [] }), createLogger('error', () => {}));
	const doc = (docName: DocName): PeeredDoc => ({
		applyFromPeer() {},
		applyPeerAwareness() {},
		applyFromStore() {},
		republishAwareness: () => void calls.republished.push(docName),
		connectPeers() {}
	});
	peering.attach(Object.fromEntries(DOC_NAMES.map((name) => [name, doc(name)])) as Record<DocName, PeeredDoc>);
	return { handlers: handlers!, peering, calls };
}

it('answers a peer\'s resync request with its presence, without asking the peers again', async () => {
	const { handlers, peering, calls } = await joinedRoom();
	handlers.resync(false);
	await peering.resync(false);
	expect(calls.republished).toEqual(expect.arrayContaining([...DOC_NAMES]));
	expect(calls.requestResync).toBe(0);
});

it('after its own reconnect asks the peers to resync once and sends its presence', async () => {
	const { handlers, peering, calls } = await joinedRoom();
	handlers.resync(true);
	await peering.resync(false);
	expect(calls.requestResync).toBe(1);
	expect(new Set(calls.republished)).toEqual(new Set(DOC_NAMES));
});
