/**
 * This person's part in the private rounds the server runs (server/rounds/): their estimation
 * pick and their closing-poll answer, sent with their identity and kept by the server until the
 * facilitator reveals everyone's at once. The screen shows what the server confirmed.
 */
import { AnswerResponse, PickResponse, myAnswerPath, myPickPath } from '#shared/wire/participants';
import { participantAuthorization, type ParticipantCredentials } from '$lib/workshop/participant.ts';

type Outcome = { ok: true } | { ok: false; message: string };

export class PrivateRoundsClient {
	#pick = $state<{ likelihood: number; impact: number } | null>(null);
	#answer = $state<{ confidence: number; better: string } | null>(null);
	readonly #roomId: string;
	readonly #credentials: () => ParticipantCredentials | undefined;

	constructor(roomId: string, credentials: () => ParticipantCredentials | undefined) {
		this.#roomId = roomId;
		this.#credentials = credentials;
	}

	/** My pick for the threat being estimated, as the server has it. */
	get pick() {
		return this.#pick;
	}
	get answer() {
		return this.#answer;
	}

	/** Re-reads my pick (a new threat is up) or my answer (a new poll). */
	async refresh(what: 'pick' | 'answer'): Promise<void> {
		const credentials = this.#credentials();
		if (!credentials) return;
		try {
			const res = await fetch(what === 'pick' ? myPickPath(this.#roomId) : myAnswerPath(this.#roomId), {
				headers: { authorization: participantAuthorization(credentials) }
			});
			if (!res.ok) return;
			if (what === 'pick') this.#pick = PickResponse.parse(await res.json()).pick;
			else this.#answer = AnswerResponse.parse(await res.json()).answer;
		} catch {
			// Offline: shown as it was.
		}
	}

	async sendPick(likelihood: number, impact: number): Promise<Outcome> {
		const sent = await this.#put(myPickPath(this.#roomId), { likelihood, impact });
		if (sent.ok) this.#pick = PickResponse.parse(sent.body).pick;
		return sent;
	}

	async sendAnswer(confidence: number, better: string): Promise<Outcome> {
		const sent = await this.#put(myAnswerPath(this.#roomId), { confidence, better });
		if (sent.ok) this.#answer = AnswerResponse.parse(sent.body).answer;
		return sent;
	}

	async #put(path: string, body: unknown): Promise<{ ok: true; body: unknown } | { ok: false; message: string }> {
		const credentials = this.#credentials();
		if (!credentials) return { ok: false, message: 'Choose a name to join the workshop first.' };
		try {
			const res = await fetch(path, {
				method: 'PUT',
				headers: { 'content-type': 'application/json', authorization: participantAuthorization(credentials) },
				body: JSON.stringify(body)
			});
			const json: unknown = await res.json();
			if (!res.ok) return { ok: false, message: (json as { error?: { message?: string } }).error?.message ?? 'The server refused.' };
			return { ok: true, body: json };
		} catch {
			return { ok: false, message: 'Could not reach the server. Try again when you are back online.' };
		}
	}
}
