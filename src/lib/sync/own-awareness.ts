/**
 * Makes a y-websocket provider send only this client's own awareness entry.
 *
 * Why: the stock WebsocketProvider listens to every awareness 'update' and forwards the changed
 * entries to the server, whoever they belong to. Entries it has just received from the server
 * (other people's presence) therefore go straight back up: with N people in a room each change
 * is echoed by N-1 clients, so upstream traffic grows with N² and cursor-heavy rooms saturate
 * the server. Our server binds every awareness client id to the connection that created it and
 * drops foreign entries anyway (server/sync/shared-doc.ts), so the echoes are pure waste and
 * count against each connection's message-rate budget (CloseCode.RateLimited).
 *
 * The provider still re-sends our entry on (re)connect by itself (its onopen handler encodes
 * [doc.clientID] only); this handler covers every later change, including the 15 s renewal.
 */
import type { WebsocketProvider } from 'y-websocket';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { MessageType } from '#shared/wire/protocol';

interface AwarenessChange {
	added: number[];
	updated: number[];
	removed: number[];
}

function encodeOwnAwareness(provider: WebsocketProvider): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MessageType.Awareness);
	encoding.writeVarUint8Array(
		encoder,
		awarenessProtocol.encodeAwarenessUpdate(provider.awareness, [provider.doc.clientID])
	);
	return encoding.toUint8Array(encoder);
}

/** Replaces the provider's awareness forwarding; returns a function that removes ours. */
export function sendOnlyOwnAwareness(provider: WebsocketProvider): () => void {
	const { awareness, doc } = provider;
	awareness.off('update', provider._awarenessUpdateHandler);

	const onUpdate = ({ added, updated, removed }: AwarenessChange) => {
		const own = doc.clientID;
		if (!added.includes(own) && !updated.includes(own) && !removed.includes(own)) return;
		const ws = provider.ws;
		if (!provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return;
		ws.send(encodeOwnAwareness(provider));
	};
	awareness.on('update', onUpdate);

	// The stock reply to a query answers with everyone's entries; ours answers for us alone.
	provider.messageHandlers[MessageType.QueryAwareness] = (encoder) => {
		encoding.writeVarUint(encoder, MessageType.Awareness);
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
	};

	return () => awareness.off('update', onUpdate);
}

/**
 * Makes presence come back completely after a dropped connection, in both directions.
 *
 * y-protocols applies a non-null awareness state only when its clock is strictly greater than
 * the last clock it saw for that client, and it keeps those clocks after removing a state.
 *
 * - Others -> us: on disconnect the provider removes everyone else's state but keeps their
 *   clocks, so the server's snapshot on reconnect (same clocks, nobody changed anything) would
 *   be ignored and the room would look empty until each person's 15 s renewal. We forget the
 *   clocks of people we no longer show, so the snapshot is taken as the truth.
 * - Us -> others: peers that stayed connected hold clock+1 for us, because our server marks a
 *   departed connection's entries removed at clock+1 (server/sync/shared-doc.ts,
 *   removeConnection); peers that reconnected with us hold our old clock. Coming back at
 *   clock+2 is accepted by both.
 */
export function resyncAwarenessOnReconnect(provider: WebsocketProvider): () => void {
	const { awareness, doc } = provider;
	const onStatus = ({ status }: { status: string }) => {
		if (status === 'disconnected') {
			for (const clientId of awareness.meta.keys()) {
				if (clientId !== doc.clientID && !awareness.states.has(clientId)) awareness.meta.delete(clientId);
			}
			return;
		}
		const state = awareness.getLocalState();
		if (status !== 'connected' || state === null) return;
		const meta = awareness.meta.get(doc.clientID);
		if (meta) awareness.meta.set(doc.clientID, { ...meta, clock: meta.clock + 1 });
		awareness.setLocalState(state); // clock + 1 again, and sent by sendOnlyOwnAwareness
	};
	provider.on('status', onStatus);
	return () => provider.off('status', onStatus);
}
