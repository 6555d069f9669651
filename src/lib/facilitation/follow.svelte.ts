/**
 * Follow me, as each participant sees it: the control document says whom to follow and whether
 * following is on; breaking away and rejoining is this browser's own choice. The canvas reads
 * `followTarget` (an awareness client id, or null) and moves its viewport with that person's.
 */
import type { FollowState } from '#shared/control/doc';
import type { ControlClient } from './control-client.svelte.ts';

export class FollowClient {
	readonly #control: ControlClient;
	readonly #selfClientId: () => number;
	readonly #unsubscribe: () => void;
	#brokeAway = $state(false);

	constructor(control: ControlClient, selfClientId: () => number) {
		this.#control = control;
		this.#selfClientId = selfClientId;
		// A new request (turned on, or another leader) brings everyone back, also those who left.
		this.#unsubscribe = control.onChange((next, previous) => {
			const renewed = next.follow.on && (!previous.follow.on || next.follow.clientId !== previous.follow.clientId);
			if (renewed) this.#brokeAway = false;
		});
	}

	/** What the facilitator asked for. */
	get request(): FollowState {
		return this.#control.state.follow;
	}

	/** The awareness client id whose viewport this canvas should follow now, or null. */
	get followTarget(): number | null {
		const { on, clientId } = this.request;
		if (!on || clientId === null || clientId === this.#selfClientId() || this.#brokeAway) return null;
		return clientId;
	}

	/** True when this browser is the one being followed. */
	get leading(): boolean {
		return this.request.on && this.request.clientId === this.#selfClientId();
	}

	/** True while following is on but this person chose to look around on their own. */
	get brokeAway(): boolean {
		return this.request.on && this.#brokeAway && !this.leading;
	}

	breakAway(): void {
		this.#brokeAway = true;
	}

	rejoin(): void {
		this.#brokeAway = false;
	}

	destroy(): void {
		this.#unsubscribe();
	}
}
