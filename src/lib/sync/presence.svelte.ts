/**
 * Who is in the room, read from Yjs awareness. Remote entries come from other browsers, so each
 * is validated (readPresence) and invalid ones are left out rather than trusted.
 */
import type { Awareness } from 'y-protocols/awareness';
import type { Person } from '#shared/person';
import { readPresence, type PresenceUser } from '#shared/wire/presence';

export interface Peer extends Person {
	clientId: number;
	role: PresenceUser['role'];
	isSelf: boolean;
	/** The note this person is typing in, if any (shown on the note; nobody is locked out). */
	editing: string | null;
}

export class PresenceTracker {
	readonly #awareness: Awareness;
	#peers = $state.raw<Peer[]>([]);

	constructor(awareness: Awareness) {
		this.#awareness = awareness;
		awareness.on('change', this.#refresh);
		this.#refresh();
	}

	/** You first, then everyone else in the order they arrived (so chips do not reshuffle). */
	get peers(): readonly Peer[] {
		return this.#peers;
	}

	setLocalUser(user: PresenceUser): void {
		this.#awareness.setLocalStateField('user', user);
	}

	/** Shows nobody for this browser (a name the workshop refused is taken back). */
	clearLocalUser(): void {
		if (this.#awareness.getLocalState()?.user === undefined || this.#awareness.getLocalState()?.user === null) return;
		this.#awareness.setLocalStateField('user', null);
	}

	/** Says which note we are typing in (null when none); others show it on that note. */
	setEditing(noteId: string | null): void {
		if ((this.#awareness.getLocalState()?.editing ?? null) === noteId) return;
		this.#awareness.setLocalStateField('editing', noteId);
	}

	/** Tells the room we left (sent before the socket closes, so others see it at once). */
	leave(): void {
		this.#awareness.setLocalState(null);
	}

	destroy(): void {
		this.#awareness.off('change', this.#refresh);
	}

	#refresh = (): void => {
		const self = this.#awareness.clientID;
		const peers: Peer[] = [];
		for (const [clientId, state] of this.#awareness.getStates()) {
			const presence = readPresence(state);
			if (!presence) continue;
			// participantId is the one the server proved for that connection (or absent): it tells namesakes apart.
			const { name, color, role, participantId } = presence.user;
			const peer = { clientId, name, color, role, participantId, isSelf: clientId === self, editing: presence.editing ?? null };
			if (peer.isSelf) peers.unshift(peer);
			else peers.push(peer);
		}
		this.#peers = peers;
	};
}
