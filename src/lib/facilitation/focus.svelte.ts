/**
 * The facilitator's focus, as each participant sees it: the control document says which lane
 * everyone is pointed at (the current question's unless the facilitator chose another) and how
 * the facilitator sorted lanes; stepping out (sorting for oneself) and coming back is this
 * browser's own choice. A new focus from the facilitator brings everyone back, as "follow me" does.
 */
import type { FocusColumn, FocusSort, FocusState } from '#shared/control/doc';
import type { FocusPolicy } from '$lib/board/policy.ts';
import type { ControlClient } from './control-client.svelte.ts';

export class FocusClient implements FocusPolicy {
	readonly #control: ControlClient;
	readonly #leads: () => boolean;
	readonly #run: (command: { lane?: FocusColumn | null; column?: FocusColumn; sort?: FocusSort }) => void;
	readonly #unsubscribe: () => void;
	#steppedOut = $state(false);

	constructor(
		control: ControlClient,
		leads: () => boolean,
		run: (command: { lane?: FocusColumn | null; column?: FocusColumn; sort?: FocusSort }) => void
	) {
		this.#control = control;
		this.#leads = leads;
		this.#run = run;
		this.#unsubscribe = control.onChange((next, previous) => {
			if (focusChanged(next.focus, previous.focus) || next.question !== previous.question) this.#steppedOut = false;
		});
	}

	get leads(): boolean {
		return this.#leads();
	}

	/** The lane everyone is pointed at: the facilitator's choice, else the running question's. */
	get lane(): FocusColumn | null {
		const { focus, status, question } = this.#control.state;
		if (status !== 'running') return null;
		return focus.lane ?? question;
	}

	/** True when the facilitator pointed at a lane other than the current question's. */
	get pointed(): boolean {
		return this.#control.state.status === 'running' && this.#control.state.focus.lane !== null;
	}

	/** True when the facilitator sorted some lane, so there is a shared view to step out of. */
	get shared(): boolean {
		return Object.keys(this.#control.state.focus.sorts).length > 0;
	}

	get steppedOut(): boolean {
		return this.#steppedOut && this.shared && !this.leads;
	}

	sortOf(column: FocusColumn): FocusSort | null {
		if (this.steppedOut) return null;
		return this.#control.state.focus.sorts[column] ?? null;
	}

	setSort(column: FocusColumn, sort: FocusSort): void {
		if (this.leads) this.#run({ column, sort });
		else if (this.#control.state.focus.sorts[column] !== undefined) this.#steppedOut = true;
	}

	pointAt(lane: FocusColumn | null): void {
		if (this.leads) this.#run({ lane });
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

function focusChanged(a: FocusState, b: FocusState): boolean {
	if (a.lane !== b.lane) return true;
	const keys = new Set([...Object.keys(a.sorts), ...Object.keys(b.sorts)]) as Set<FocusColumn>;
	return [...keys].some((key) => a.sorts[key] !== b.sorts[key]);
}
