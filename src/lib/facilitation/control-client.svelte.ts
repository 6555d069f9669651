/**
 * The room's control document in this browser: its own connection (read-only, the server
 * writes it), and the latest snapshot as plain state. Late joiners and reloads get the whole
 * state in the first sync, so the phase bar is right at once.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- Maps and Sets here are built whole and published
   through $state.raw (or are listener lists, not view state), by design. */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { defaultControl, onControlChange, readControl, type ControlState } from '#shared/control/doc';
import {
	NO_BALLOT_ROUND,
	onRoundsChange,
	readBallotRound,
	readEstimation,
	readPeople,
	readPoll,
	type BallotRound,
	type Estimation,
	type Person,
	type Poll
} from '#shared/control/rounds';
import { SUBPROTOCOL } from '#shared/wire/protocol';
import { createMutedAwareness } from '$lib/sync/own-awareness.ts';
import { syncServerUrl } from '$lib/sync/provider.ts';

export interface Rounds {
	people: ReadonlyMap<string, Person>;
	ballot: BallotRound;
	estimation: Estimation | null;
	poll: Poll | null;
}

export class ControlClient {
	readonly doc = new Y.Doc();
	readonly #provider: WebsocketProvider;
	readonly #listeners = new Set<(state: ControlState, previous: ControlState) => void>();
	readonly #unobserve: () => void;
	#state = $state.raw<ControlState>(defaultControl());
	#rounds = $state.raw<Rounds>({ people: new Map(), ballot: NO_BALLOT_ROUND, estimation: null, poll: null });
	readonly #unobserveRounds: () => void;
	#synced = $state(false);

	/** `id` is the room id, or the observer id for a view-only page. */
	constructor(id: string) {
		this.#unobserve = onControlChange(this.doc, this.#refresh);
		this.#unobserveRounds = onRoundsChange(this.doc, () => {
			this.#rounds = {
				people: readPeople(this.doc),
				ballot: readBallotRound(this.doc),
				estimation: readEstimation(this.doc),
				poll: readPoll(this.doc)
			};
		});
		this.#provider = new WebsocketProvider(syncServerUrl(), `${id}/control`, this.doc, {
			protocols: [SUBPROTOCOL],
			// Presence lives on the board connection; this one carries none.
			awareness: createMutedAwareness(this.doc),
			disableBc: true
		});
		this.#provider.on('sync', (synced: boolean) => {
			if (synced) this.#synced = true;
		});
	}

	get state(): ControlState {
		return this.#state;
	}
	/** Who joined (by participant id, with workshop roles) and the private rounds' public side. */
	get rounds(): Rounds {
		return this.#rounds;
	}
	/** True once the server's state has arrived (before that `state` holds defaults). */
	get synced(): boolean {
		return this.#synced;
	}

	/** Calls `listener` on every change with the new and the previous state; returns the unsubscribe. */
	onChange(listener: (state: ControlState, previous: ControlState) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	destroy(): void {
		this.#unobserve();
		this.#unobserveRounds();
		this.#listeners.clear();
		this.#provider.destroy();
		this.doc.destroy();
	}

	#refresh = (): void => {
		const previous = this.#state;
		this.#state = readControl(this.doc);
		for (const listener of this.#listeners) listener(this.#state, previous);
	};
}
