/**
 * The WebsocketProvider for a room's board document, set up the way our server expects:
 * sub-protocol negotiation (with the facilitator key in the handshake, never in the URL),
 * own-awareness-only forwarding, and the server's "read-only" notice surfaced to the UI.
 */
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as authProtocol from 'y-protocols/auth';
import { readFacilitatorKeyMessage } from '#shared/wire/facilitator-key';
import { FACILITATOR_SUBPROTOCOL_PREFIX, MessageType, PARTICIPANT_SUBPROTOCOL_PREFIX, SUBPROTOCOL, SYNC_PATH_PREFIX } from '#shared/wire/protocol';
import { bindRoomAwareness, createMutedAwareness } from './own-awareness.ts';

/** ws(s)://<this host>/sync: the sync server always shares the page's origin. */
export function syncServerUrl(location: Location = window.location): string {
	const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
	return `${scheme}://${location.host}${SYNC_PATH_PREFIX.replace(/\/$/, '')}`;
}

/**
 * The sub-protocols a connection offers: ours, and the credentials it presents (a facilitator key,
 * a participant's `<id>.<secret>`), which ride in the handshake so they never land in a URL.
 */
export function syncProtocols(facilitatorKey: string | undefined, participantToken?: string): string[] {
	const protocols = [SUBPROTOCOL];
	if (facilitatorKey) protocols.push(FACILITATOR_SUBPROTOCOL_PREFIX + facilitatorKey);
	if (participantToken) protocols.push(PARTICIPANT_SUBPROTOCOL_PREFIX + participantToken);
	return protocols;
}

export interface BoardProviderOptions {
	facilitatorKey?: string;
	/** `<participantId>.<secret>`, when this browser has joined the workshop. */
	participantToken?: string;
	/** The server dropped a write from this connection (reason: READ_ONLY_REASON). */
	onPermissionDenied(reason: string): void;
	/** The server made this person a facilitator and sent their key (to this connection only). */
	onFacilitatorKey?(key: string): void;
}

export interface BoardProvider {
	provider: WebsocketProvider;
	/** The room's presence, ours included. (`provider.awareness` is a muted stand-in: see own-awareness.ts.) */
	awareness: Awareness;
	destroy(): void;
}

export function createBoardProvider(id: string, doc: Y.Doc, options: BoardProviderOptions): BoardProvider {
	const muted = createMutedAwareness(doc);
	const provider = new WebsocketProvider(syncServerUrl(), `${id}/board`, doc, {
		connect: false,
		protocols: syncProtocols(options.facilitatorKey, options.participantToken),
		awareness: muted,
		// Tabs talk through the server only: the BroadcastChannel path would re-publish other
		// people's awareness entries and bypass the server's role checks between tabs. Tabs of
		// one browser still share the offline copy through IndexedDB.
		disableBc: true
	});
	const awareness = new Awareness(doc);
	const unbindAwareness = bindRoomAwareness(provider, awareness);
	provider.messageHandlers[MessageType.Auth] = (_encoder, decoder) => {
		authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => options.onPermissionDenied(reason));
	};
	provider.messageHandlers[MessageType.FacilitatorKey] = (_encoder, decoder) => {
		const key = readFacilitatorKeyMessage(decoder);
		if (key) options.onFacilitatorKey?.(key);
	};
	provider.connect();
	return {
		provider,
		awareness,
		destroy() {
			unbindAwareness();
			provider.destroy();
			// After the provider stopped listening: clearing an awareness announces a departure.
			muted.destroy();
			awareness.destroy();
		}
	};
}
