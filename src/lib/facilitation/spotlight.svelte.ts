/**
 * Spotlight, as each participant sees it: the control document says which canvas element the
 * facilitator put in front of everyone; stepping out and back is this browser's own choice (the
 * pattern of follow.svelte.ts). The canvas frames `target`, the board shows only its threats, and
 * new threats link to it, while it is not null.
 */
import type { SpotlightState } from '#shared/control/doc';
import type { ControlClient } from './control-client.svelte.ts';

export class SpotlightClient {
	readonly #control: ControlClient;
	readonly #unsubscribe: () => void;
	#steppedOut = $state(false);

	constructor(control: ControlClient) {
		this.#control = control;
		// A new spotlight (another element, or the same one lit again) brings everyone back.
		this.#unsubscribe = control.onChange((next, previous) => {
			if (next.spotlight.since !== previous.spotlight.since) this.#steppedOut = false;
		});
	}

	/** What the facilitator asked for. */
	get request(): SpotlightState {
		return this.#control.state.spotlight;
	}

	/** The element this screen puts in front now, or null (none, or this person stepped out). */
	get target(): string | null {
		return this.#steppedOut ? null : this.request.elementId;
	}

	/** True while a spotlight is on but this person chose to look around on their own. */
	get steppedOut(): boolean {
		return this.request.elementId !== null && this.#steppedOut;
	}

	stepOut(): void {
		this.#steppedOut = true;
	}

	rejoin(): void {
		this.#steppedOut = false;
	}

	destroy(): void {
		this.#unsubscribe();
	}
}
