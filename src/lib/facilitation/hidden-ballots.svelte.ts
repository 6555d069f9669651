/**
 * This person's ballots in a voting round with hidden totals (server/rounds/ballots.ts): they go
 * to the server, never into the shared board, so the dots shown as "mine" are what the server
 * last confirmed. Re-read when a round opens, when this person joins, and after a reconnect.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the map is built whole and published through $state.raw. */
import { BallotTotalsResponse, BallotsResponse, ballotPath, ballotsPath, myBallotsPath } from '#shared/wire/participants';
import type { HiddenBallots } from '$lib/board/policy.ts';
import { participantAuthorization, type ParticipantCredentials } from '$lib/workshop/participant.ts';

export class HiddenBallotClient implements HiddenBallots {
	#mine = $state.raw<ReadonlyMap<string, number>>(new Map());
	readonly #roomId: string;
	readonly #credentials: () => ParticipantCredentials | undefined;

	constructor(roomId: string, credentials: () => ParticipantCredentials | undefined) {
		this.#roomId = roomId;
		this.#credentials = credentials;
	}

	get mine(): ReadonlyMap<string, number> {
		return this.#mine;
	}

	/** Reads this person's ballots of the current round from the server. */
	async refresh(): Promise<void> {
		const credentials = this.#credentials();
		if (!credentials) {
			this.#mine = new Map();
			return;
		}
		try {
			const res = await fetch(myBallotsPath(this.#roomId), { headers: { authorization: participantAuthorization(credentials) } });
			if (res.ok) this.#apply(BallotsResponse.parse(await res.json()));
		} catch {
			// Offline: the dots shown stay as they were; the next refresh brings them.
		}
	}

	async cast(noteId: string, dots: number): Promise<string | undefined> {
		const credentials = this.#credentials();
		if (!credentials) return 'Choose a name to join the workshop, then vote.';
		try {
			const res = await fetch(ballotPath(this.#roomId, noteId), {
				method: 'PUT',
				headers: { 'content-type': 'application/json', authorization: participantAuthorization(credentials) },
				body: JSON.stringify({ dots })
			});
			const body: unknown = await res.json();
			if (!res.ok) return (body as { error?: { message?: string } }).error?.message ?? 'The vote was not counted.';
			this.#apply(BallotsResponse.parse(body));
			return undefined;
		} catch {
			return 'The vote could not reach the server. Try again when you are back online.';
		}
	}

	#apply(response: BallotsResponse): void {
		this.#mine = new Map(Object.entries(response.mine));
	}
}

/**
 * The totals of a hidden round, for the facilitator only: the server answers a facilitator's key
 * and nobody else. Re-read whenever someone's ballot count changes, or on request.
 */
export class HiddenTotalsClient {
	#totals = $state.raw<ReadonlyMap<string, number> | null>(null);
	readonly #roomId: string;
	readonly #key: () => string | undefined;

	constructor(roomId: string, key: () => string | undefined) {
		this.#roomId = roomId;
		this.#key = key;
	}

	/** Dots per note as the server last said, or null when not read (or not a facilitator). */
	get totals(): ReadonlyMap<string, number> | null {
		return this.#totals;
	}

	async refresh(): Promise<void> {
		const key = this.#key();
		if (!key) return void (this.#totals = null);
		try {
			const res = await fetch(ballotsPath(this.#roomId), { headers: { authorization: `Bearer ${key}` } });
			this.#totals = res.ok ? new Map(Object.entries(BallotTotalsResponse.parse(await res.json()).totals)) : null;
		} catch {
			// Offline: the totals shown stay as they were.
		}
	}

	clear(): void {
		this.#totals = null;
	}
}
