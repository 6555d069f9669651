/**
 * Facilitation in one open workshop: the control document and the server clock everyone shares,
 * plus this browser's part (private drafts, follow choice, "I'm done"), and the commands a
 * facilitator sends. The page creates one and components reach it through context; the board
 * gets only `policy` (what it may do now), which the page hands it through the board's context.
 */
import { listNotes, onBoardChange, readNote } from '#shared/board/doc';
import { effectiveVotes } from '#shared/board/votes';
import type { ControlCommand } from '#shared/control/commands';
import { countdown, type Countdown } from '#shared/control/timer';
import type { ControlState } from '#shared/control/doc';
import type { WorkshopRole } from '#shared/control/rounds';
import { distinctNames, type Person } from '#shared/person';
import type { BoardSession } from '$lib/sync/board-session.svelte.ts';
import { facilitatorKeyFor, forgetFacilitatorKey } from '$lib/workshop/recent-workshops.ts';
import type { NewNote } from '$lib/board/policy.ts';
import { FacilitationPolicy } from './board-policy.ts';
import { sendControlCommand } from './commands.ts';
import { ControlClient } from './control-client.svelte.ts';
import { DraftStore } from './drafts.svelte.ts';
import { FocusClient } from './focus.svelte.ts';
import { FollowClient } from './follow.svelte.ts';
import { HiddenBallotClient, HiddenTotalsClient } from './hidden-ballots.svelte.ts';
import { PrivateRoundsClient } from './private-rounds.svelte.ts';
import { Contributions, DoneSignals, phaseKey } from './people.svelte.ts';
import { rankByDots, topVotedThreats, type RankedNote } from './rounds-view.ts';
import { mainTimerAction } from './timer-actions.ts';
import { ServerClock } from './server-clock.svelte.ts';
import { SpotlightClient } from './spotlight.svelte.ts';

/** Threats an estimation queue takes from the votes at most: a workshop estimates a handful. */
export const ESTIMATION_QUEUE_FROM_VOTES = 5;
/** The results of a voting round show this many notes; the board's vote sort shows them all. */
export const VOTING_RESULTS_SHOWN = 10;

export class Facilitation {
	readonly control: ControlClient;
	readonly clock: ServerClock;
	readonly drafts: DraftStore;
	readonly follow: FollowClient;
	/** The element the facilitator spotlit, and this person's choice to step out. */
	readonly spotlight: SpotlightClient;
	readonly focus: FocusClient;
	readonly done: DoneSignals;
	/** This person's ballots while a round hides its totals. */
	readonly ballots: HiddenBallotClient;
	/** The totals of a hidden round, for a facilitator. */
	readonly hiddenTotals: HiddenTotalsClient;
	/** This person's estimation picks and poll answers. */
	readonly privateRounds: PrivateRoundsClient;
	/** What the board may do now, read from the control state (reactive). */
	readonly policy: FacilitationPolicy;
	readonly #session: BoardSession;
	readonly #author: () => Person | undefined;
	readonly #cleanups: Array<() => void> = [];
	#contributions: Contributions | undefined;

	/** The facilitator panel is open (facilitators only; the phase bar has the main buttons). */
	panelOpen = $state(false);
	/** The question a voting round last closed in (its results show there), or null. */
	votingClosedIn = $state<number | null>(null);
	#resultsHiddenFor = $state<string | null>(null);
	/** The draft to focus once rendered (a new one from the board's "add threat"). */
	focusDraft = $state<string | null>(null);
	#error = $state<string | null>(null);
	#busy = $state(false);
	#published = $state(0);
	/** Names by participant id, namesakes told apart ("Alex · 3f9a"). */
	readonly #labels = $derived.by(() => distinctNames([...this.control.rounds.people].map(([participantId, p]) => ({ participantId, name: p.name }))));
	/** Bumps when notes or votes change, so that a threat's text or the results shown by a round follow edits. */
	#notesVersion = $state(0);

	constructor(session: BoardSession, author: () => Person | undefined) {
		this.#session = session;
		this.#author = author;
		this.control = new ControlClient(session.id);
		this.clock = new ServerClock();
		this.drafts = new DraftStore(session.id);
		this.follow = new FollowClient(this.control, () => session.doc.clientID);
		this.spotlight = new SpotlightClient(this.control);
		this.focus = new FocusClient(this.control, () => session.role === 'facilitator', (focus) => void this.run({ type: 'focus', ...focus }));
		this.done = new DoneSignals(session.awareness);
		this.ballots = new HiddenBallotClient(session.id, () => session.participant);
		this.hiddenTotals = new HiddenTotalsClient(session.id, () => (session.role === 'facilitator' ? facilitatorKeyFor(session.id) : undefined));
		this.privateRounds = new PrivateRoundsClient(session.id, () => session.participant);
		this.policy = new FacilitationPolicy({
			state: () => this.control.state,
			role: () => session.role,
			takeDraft: (note) => this.#takeDraft(note),
			spotlight: () => this.spotlight.target,
			ballots: this.ballots,
			people: () => this.control.rounds.people,
			excludedFromVoting: () => {
				const me = session.participantId;
				return me !== undefined && this.control.rounds.ballot.excluded.includes(me);
			},
			estimating: () => this.control.rounds.estimation?.noteId ?? null,
			estimate: (noteId) => void this.estimate([noteId]),
			focus: this.focus
		});

		this.#cleanups.push(
			onBoardChange(session.doc, (changes) => {
				if (changes.notes || changes.votes) this.#notesVersion++;
			})
		);
		this.#cleanups.push(
			this.control.onChange((next, previous) => {
				// An end seen happening (not an ended workshop arriving with the first sync).
				if (next.status === 'ended' && previous.status === 'running') this.wrapUpOpen = true;
				// Results and "Voting closed" belong to the question the round closed in.
				if (next.voting.status === 'closed' && previous.voting.status !== 'closed') this.votingClosedIn = next.question;
				else if (next.status === 'running' && previous.status === 'ended') this.wrapUpOpen = false; // restarted
			})
		);
		this.#cleanups.push(
			this.control.onChange((next, previous) => {
				// The connection follows the lock too: the canvas, and lifting a refusal on unlock.
				session.setBoardLocked(next.lock.locked);
				if (phaseKey(next.question, openPhaseStart(next)) !== phaseKey(previous.question, openPhaseStart(previous))) {
					this.done.set(null); // a new phase: nobody is done yet
				}
			})
		);
		// A hidden round's ballots are the server's: re-read when a round opens, or this person joins.
		this.#cleanups.push(
			$effect.root(() => {
				$effect(() => {
					const { round } = this.control.rounds.ballot;
					const hidden = this.policy.voting.totalsHidden;
					const participant = session.participantId;
					if (hidden && participant && round >= 0) void this.ballots.refresh();
				});
			})
		);
		// A facilitator watches a hidden round's totals: re-read whenever someone's ballots change.
		this.#cleanups.push(
			$effect.root(() => {
				$effect(() => {
					const { round, voted } = this.control.rounds.ballot;
					const watching = this.policy.voting.totalsHidden && session.role === 'facilitator';
					if (watching && round >= 0 && voted >= 0) void this.hiddenTotals.refresh();
					else this.hiddenTotals.clear();
				});
			})
		);
		// A new threat up for estimation, or a new poll: what I sent for it, if anything.
		this.#cleanups.push(
			$effect.root(() => {
				const estimationId = $derived(this.control.rounds.estimation?.id);
				const pollId = $derived(this.control.rounds.poll?.status === 'open' ? this.control.rounds.poll.id : undefined);
				$effect(() => {
					if (session.participantId && estimationId) void this.privateRounds.refresh('pick');
				});
				$effect(() => {
					if (session.participantId && pollId) void this.privateRounds.refresh('answer');
				});
			})
		);
		// Drafts of revealed rounds go out as soon as everything needed is there: the server's
		// control state, a writable board and a name (also later, after being offline at the reveal).
		this.#cleanups.push(
			$effect.root(() => {
				$effect(() => {
					const author = this.#author();
					const { revealedRound } = this.control.state.silent;
					if (!this.control.synced || session.readOnly || !author) return;
					if (!this.drafts.drafts.some((d) => d.round <= revealedRound)) return;
					void this.drafts.publish(session.doc, revealedRound, author).then((count) => (this.#published += count));
				});
			})
		);
	}

	get state(): ControlState {
		return this.control.state;
	}
	/** The name this person goes by (for "follow me" and the export's facilitator name). */
	get displayName(): string | undefined {
		return this.#author()?.name;
	}
	/** Who wrote what in which question; built on first use, as only the facilitator panel needs it. */
	get contributions(): Contributions {
		this.#contributions ??= new Contributions(this.#session.doc);
		return this.#contributions;
	}
	/** This person's participant id in the workshop, once joined. */
	get participantId(): string | undefined {
		return this.#session.participantId;
	}
	get isObserver(): boolean {
		return this.#session.role === 'observer';
	}
	get isFacilitator(): boolean {
		return this.#session.role === 'facilitator';
	}
	get canWrite(): boolean {
		return !this.#session.readOnly;
	}
	/** The current question's countdown on the server's clock. */
	get countdown(): Countdown {
		const { timer, timeboxesMs, question } = this.control.state;
		return countdown(timer, timeboxesMs[question], this.clock.now);
	}
	/** The current visit of the current question (see phaseKey). */
	get phase(): string {
		return phaseKey(this.control.state.question, openPhaseStart(this.control.state));
	}
	get selfDone(): boolean {
		return this.done.doneWith(this.phase).has(this.#session.doc.clientID);
	}
	/** Drafts this browser published since the page opened (for the reveal announcement). */
	get published(): number {
		return this.#published;
	}
	get error(): string | null {
		return this.#error;
	}
	get busy(): boolean {
		return this.#busy;
	}

	dismissError(): void {
		this.#error = null;
	}

	setDone(done: boolean): void {
		this.done.set(done ? this.phase : null);
	}

	/**
	 * The wrap-up summary is open. It opens when the workshop ends while this tab watches (not on a
	 * later visit to an ended workshop) and closes when it is restarted. Kept here rather than in
	 * the component, so that a re-rendered phase bar neither loses nor replays it.
	 */
	wrapUpOpen = $state(false);

	/** Set while the facilitator is asked to confirm restarting an ended workshop. */
	restartAsked = $state(false);

	/**
	 * The main clock action (start, pause, resume) from the bar, the panel or the shortcut.
	 * Restarting an ended workshop reopens it for everyone, so it asks first (restartAsked).
	 */
	runMainAction(): void {
		const main = mainTimerAction(this.state, this.displayName);
		if (main.label === 'Restart') this.restartAsked = true;
		else void this.run(main.command);
	}

	async confirmRestart(): Promise<void> {
		this.restartAsked = false;
		const main = mainTimerAction(this.state, this.displayName);
		if (main.label === 'Restart') await this.run(main.command);
	}

	/** Sends a command; on refusal the server's message is shown. Resolves true when applied. */
	async run(command: ControlCommand): Promise<boolean> {
		this.#busy = true;
		try {
			const result = await sendControlCommand(this.#session.id, facilitatorKeyFor(this.#session.id), command);
			this.#error = result.ok ? null : result.message;
			return result.ok;
		} finally {
			this.#busy = false;
		}
	}

	/** Puts threats up for estimation (the first now, the rest queued) and shows the round in the panel. */
	async estimate(noteIds: string[]): Promise<boolean> {
		if (noteIds.length === 0) {
			this.#error = 'No threat has votes yet. Run a voting round first, or put a threat up from its card.';
			this.panelOpen = true;
			return false;
		}
		const started = await this.run({ type: 'estimate', noteIds });
		this.panelOpen = true;
		return started;
	}

	/** How someone is shown: their name, with a short id suffix when someone else has the same name. */
	labelOf(participantId: string | undefined, fallback: string): string {
		return (participantId && this.#labels.get(participantId)) || fallback;
	}

	/** A participant's workshop role, if the facilitator gave them one. */
	workshopRoleOf(participantId: string | undefined): WorkshopRole | null {
		return (participantId && this.control.rounds.people.get(participantId)?.role) || null;
	}

	/**
	 * Who can take part in a round now: everyone here with an identity who is not an observer, and
	 * anyone who already answered (they may have left since). "N of M" counts against these.
	 */
	takingPart(answered: readonly string[] = []): ReadonlySet<string> {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- built whole on each read, never mutated after
		const ids = new Set(answered);
		for (const peer of this.#session.presence.peers) if (peer.participantId && peer.role !== 'observer') ids.add(peer.participantId);
		return ids;
	}

	/** The threats with the most votes on the board now (the totals everyone sees), most first. */
	topVotedThreats(limit = ESTIMATION_QUEUE_FROM_VOTES): string[] {
		const doc = this.#session.doc;
		const threats = listNotes(doc, { kind: 'threat' }).map((note) => note.id);
		return topVotedThreats(threats, effectiveVotes(doc, this.control.state.voting.budget), limit);
	}

	/** What the results of voting show now: a closed round's, a hidden round's for a facilitator, or nothing. */
	get votingResultsShown(): 'closed' | 'hidden' | null {
		const { voting, status, question } = this.control.state;
		let shown: 'closed' | 'hidden' | null = null;
		if (voting.status === 'closed' && status !== 'ended' && question === this.votingClosedIn) shown = 'closed';
		else if (this.isFacilitator && this.policy.voting.totalsHidden) shown = 'hidden';
		return shown && this.#resultsHiddenFor !== this.#resultsKey ? shown : null;
	}

	/** Hides the results on this screen until the next round opens or closes. */
	hideVotingResults(): void {
		this.#resultsHiddenFor = this.#resultsKey;
	}

	get #resultsKey(): string {
		return `${this.control.rounds.ballot.round}:${this.control.state.voting.status}:${this.votingClosedIn}`;
	}

	/**
	 * The notes with dots, most first: the board's totals, or during a hidden round the server's
	 * (a facilitator's view; null for everyone else).
	 */
	votingResults(limit = VOTING_RESULTS_SHOWN): Array<RankedNote & { text: string; kind: string }> | null {
		void this.#notesVersion;
		const doc = this.#session.doc;
		const hidden = this.policy.voting.totalsHidden;
		const dots = hidden ? this.hiddenTotals.totals : effectiveVotes(doc, this.control.state.voting.budget);
		if (!dots) return null;
		const notes = listNotes(doc);
		const byId = Object.fromEntries(notes.map((note) => [note.id, note]));
		return rankByDots(
			notes.map((note) => note.id),
			dots,
			limit
		).map((ranked) => ({ ...ranked, text: byId[ranked.noteId]?.text ?? '', kind: byId[ranked.noteId]?.kind ?? 'threat' }));
	}

	/** A threat's text as the board has it now (the estimation round names the threat it is about). */
	threatText(noteId: string): string | undefined {
		void this.#notesVersion;
		const note = readNote(this.#session.doc, noteId);
		return note?.kind === 'threat' ? note.text : undefined;
	}

	/** Gives the facilitator role to someone present and becomes a participant. */
	async handOver(clientId: number, name: string): Promise<boolean> {
		if (!(await this.run({ type: 'promote', clientId, name, handOver: true }))) return false;
		forgetFacilitatorKey(this.#session.id);
		this.#session.useFacilitatorKey(undefined);
		return true;
	}

	destroy(): void {
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		this.done.set(null);
		this.#contributions?.destroy();
		this.done.destroy();
		this.follow.destroy();
		this.spotlight.destroy();
		this.focus.destroy();
		this.drafts.destroy();
		this.clock.destroy();
		this.control.destroy();
	}

	/** A new threat of a silent round (the policy decided): a private draft, focused once shown. */
	#takeDraft(note: NewNote): void {
		const draft = this.drafts.add(this.control.state.silent.round, { elementIds: note.elementIds, stride: note.stride });
		if (draft) this.focusDraft = draft.id;
		else this.#error = 'You have too many private drafts. Finish some before adding more.';
	}
}

function openPhaseStart(state: ControlState): number | null {
	const last = state.history.at(-1);
	return last && last.endedAt === null && last.question === state.question ? last.startedAt : null;
}
