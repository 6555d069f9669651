/**
 * Presence over a y-websocket provider that sends only this client's own awareness entry.
 *
 * Why: the stock WebsocketProvider listens to every awareness 'update' and forwards the changed
 * entries to the server, whoever they belong to. Entries it has just received from the server
 * (other people's presence) therefore go straight back up: with N people in a room each change
 * is echoed by N-1 clients, so upstream traffic grows with N² and cursor-heavy rooms saturate
 * the server. Our server binds every awareness client id to the connection that created it and
 * drops foreign entries anyway (server/rooms/presence.ts), so the echoes are pure waste and
 * count against each connection's message-rate budget (CloseCode.RateLimited).
 *
 * How, with y-websocket's public API only: the provider is constructed with an Awareness of its
 * own that never holds a state (createMutedAwareness), so its forwarding, its announcement on
 * connect and its reply to a query always have nothing to send. The room's presence lives in a
 * second Awareness (bindRoomAwareness): awareness messages from the server are applied to it
 * through the provider's message-handler table, and its own entry is sent from here.
 */
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType } from '#shared/wire/protocol';

interface AwarenessChange {
	added: number[];
	updated: number[];
	removed: number[];
}

/**
 * The Awareness to construct a provider with: empty from the start (its initial `{}` state is
 * cleared before any provider listens), so the provider never sends an awareness entry itself.
 */
export function createMutedAwareness(doc: Y.Doc): awarenessProtocol.Awareness {
	const muted = new awarenessProtocol.Awareness(doc);
	muted.setLocalState(null);
	return muted;
}

function writeOwnEntry(encoder: encoding.Encoder, awareness: awarenessProtocol.Awareness): void {
	encoding.writeVarUint(encoder, MessageType.Awareness);
	encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]));
}

/** True when an awareness update removes `clientId` (its state is null). Malformed: false. */
function removesClient(update: Uint8Array, clientId: number): boolean {
	try {
		const decoder = decoding.createDecoder(update);
		const count = decoding.readVarUint(decoder);
		for (let i = 0; i < count; i++) {
			const id = decoding.readVarUint(decoder);
			decoding.readVarUint(decoder); // clock
			const json = decoding.readVarString(decoder);
			if (id === clientId) return json === 'null';
		}
	} catch {
		// y-protocols reports malformed updates itself.
	}
	return false;
}

/**
 * Carries the room's presence (`awareness`) over `provider`, whose own Awareness must be a muted
 * one: everyone's entries come in, only ours goes out. Returns the function that unbinds it.
 */
export function bindRoomAwareness(provider: WebsocketProvider, awareness: awarenessProtocol.Awareness): () => void {
	const own = awareness.clientID;
	const sendOwn = () => {
		const ws = provider.ws;
		if (!provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return;
		const encoder = encoding.createEncoder();
		writeOwnEntry(encoder, awareness);
		ws.send(encoding.toUint8Array(encoder));
	};

	provider.messageHandlers[MessageType.Awareness] = (_encoder, decoder) => {
		const update = decoding.readVarUint8Array(decoder);
		const removesUs = removesClient(update, own);
		awarenessProtocol.applyAwarenessUpdate(awareness, update, provider);
		// The server says we left, but we are here: after a reconnect (a participant who just
		// joined reconnects with their identity), the old socket's departure can reach the server
		// after the new socket's announcement, which the server then ignored as the old socket's id.
		// y-protocols drops that removal (our clock is newer), so nobody would see us until the
		// 15 s renewal. Announcing again at a newer clock puts us back at once.
		const state = awareness.getLocalState();
		if (removesUs && state !== null) awareness.setLocalState(state);
	};
	// The stock reply to a query answers with everyone's entries; ours answers for us alone.
	provider.messageHandlers[MessageType.QueryAwareness] = (encoder) => writeOwnEntry(encoder, awareness);

	// Every change of our entry, including the 15 s renewal and the announcement on (re)connect.
	const onUpdate = ({ added, updated, removed }: AwarenessChange) => {
		if (added.includes(own) || updated.includes(own) || removed.includes(own)) sendOwn();
	};
	awareness.on('update', onUpdate);
	const unbindReconnect = resyncAwarenessOnReconnect(provider, awareness);
	return () => {
		unbindReconnect();
		awareness.off('update', onUpdate);
	};
}

/**
 * Makes presence come back completely after a dropped connection, in both directions.
 *
 * y-protocols applies a non-null awareness state only when its clock is strictly greater than
 * the last clock it saw for that client, and it keeps those clocks after removing a state.
 *
 * - Others -> us: on disconnect everyone else's state is removed but their clocks are kept, so
 *   the server's snapshot on reconnect (same clocks, nobody changed anything) would be ignored
 *   and the room would look empty until each person's 15 s renewal. We forget the clocks of
 *   people we no longer show, so the snapshot is taken as the truth.
 * - Us -> others: peers that stayed connected hold clock+1 for us, because our server marks a
 *   departed connection's entries removed at clock+1 (server/rooms/presence.ts,
 *   removeConnection); peers that reconnected with us hold our old clock. Coming back at
 *   clock+2 is accepted by both.
 */
function resyncAwarenessOnReconnect(provider: WebsocketProvider, awareness: awarenessProtocol.Awareness): () => void {
	const own = awareness.clientID;
	const onStatus = ({ status }: { status: string }) => {
		if (status === 'disconnected') {
			// The provider clears only its own (muted) Awareness: the room's is cleared here.
			const others = [...awareness.getStates().keys()].filter((clientId) => clientId !== own);
			awarenessProtocol.removeAwarenessStates(awareness, others, provider);
			for (const clientId of awareness.meta.keys()) {
				if (clientId !== own && !awareness.states.has(clientId)) awareness.meta.delete(clientId);
			}
			return;
		}
		const state = awareness.getLocalState();
		if (status !== 'connected' || state === null) return;
		const meta = awareness.meta.get(own);
		if (meta) awareness.meta.set(own, { ...meta, clock: meta.clock + 1 });
		awareness.setLocalState(state); // clock + 1 again, and sent by bindRoomAwareness
	};
	provider.on('status', onStatus);
	return () => provider.off('status', onStatus);
}
