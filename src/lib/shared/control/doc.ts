/**
 * Typed access to a room's `control` document: the facilitation state that only the server
 * writes (server/facilitation applies authorised facilitator commands through writeControl).
 *
 * Clients, the export and the canvas read it through the readers below; they never write it
 * (the sync server drops every client write to `control`). Readers validate what they find and
 * fall back to the defaults, so a document from an older or newer server never breaks a screen.
 *
 * Times are server times in milliseconds since the Unix epoch; durations carry `Ms`.
 */
import { equalityDeep } from 'lib0/function';
import * as Y from 'yjs';
import { z } from 'zod';
import { DisplayName } from '../person.ts';
import { CanvasElementId, MAX_VOTES_PER_ENTRY, Question, Timestamp, type QuestionNumber } from '../board/schema.ts';

// ---- Roots ------------------------------------------------------------------------------------

/** Root type names of the control document (the export and the canvas rely on them). */
export const CONTROL_ROOTS = {
	/** Y.Map of the fields in CONTROL_FIELDS, each a plain JSON value. */
	state: 'state',
	/** Y.Array<PhaseRecord>: one entry per visit of a question, in order. */
	history: 'history',
	/** Y.Map<grantId, CoFacilitatorGrant>: co-facilitators made by a facilitator. */
	grants: 'grants'
} as const;

const stateMap = (doc: Y.Doc) => doc.getMap<unknown>(CONTROL_ROOTS.state);
/** The `state` map itself, for control/migrations.ts only. */
export const controlStateMap = stateMap;
const historyArray = (doc: Y.Doc) => doc.getArray<unknown>(CONTROL_ROOTS.history);
const grantsMap = (doc: Y.Doc) => doc.getMap<unknown>(CONTROL_ROOTS.grants);

// ---- Records ----------------------------------------------------------------------------------

export const QUESTION_NUMBERS = [1, 2, 3, 4] as const satisfies readonly QuestionNumber[];

/** Timeboxes when the facilitator has not set any: 10 / 20 / 15 / 5 minutes. */
export const DEFAULT_TIMEBOXES_MS = {
	1: 10 * 60_000,
	2: 20 * 60_000,
	3: 15 * 60_000,
	4: 5 * 60_000
} as const satisfies Record<QuestionNumber, number>;
export const MIN_TIMEBOX_MS = 1_000;
export const MAX_TIMEBOX_MS = 8 * 60 * 60_000;
/** Dots per person when the facilitator has not set a budget. */
export const DEFAULT_VOTE_BUDGET = 5;
/** Co-facilitator grants a room keeps at most (each is checked on every facilitator request). */
export const MAX_GRANTS = 16;

export const TimeboxMs = z.number().int().min(MIN_TIMEBOX_MS).max(MAX_TIMEBOX_MS);
export const Timeboxes = z.object({ 1: TimeboxMs, 2: TimeboxMs, 3: TimeboxMs, 4: TimeboxMs });
export type Timeboxes = Record<QuestionNumber, number>;

/** not-started: before the first start; running: a question is under way; ended: the workshop is over. */
export const WORKSHOP_STATUSES = ['not-started', 'running', 'ended'] as const;
export type WorkshopStatus = (typeof WORKSHOP_STATUSES)[number];

/**
 * The current question's timer. idle: not started (the whole timebox remains); running: ends at
 * `endsAt`; paused: `pausedRemainingMs` remain (negative when paused in overtime).
 */
export const TimerState = z.discriminatedUnion('state', [
	z.object({ state: z.literal('idle'), endsAt: z.null(), pausedRemainingMs: z.null() }),
	z.object({ state: z.literal('running'), endsAt: Timestamp, pausedRemainingMs: z.null() }),
	z.object({ state: z.literal('paused'), endsAt: z.null(), pausedRemainingMs: z.number().int() })
]);
export type TimerState = z.infer<typeof TimerState>;
export const IDLE_TIMER: TimerState = { state: 'idle', endsAt: null, pausedRemainingMs: null };

/** The timer as the brief names it: its state plus the timebox of every question. */
export type Timer = TimerState & { timeboxesMs: Timeboxes };

/** One visit of a question: when it started and ended (null while current), and its timebox then. */
export const PhaseRecord = z.object({
	question: Question,
	startedAt: Timestamp,
	endedAt: Timestamp.nullable(),
	timeboxMs: TimeboxMs
});
export type PhaseRecord = z.infer<typeof PhaseRecord>;

export const LockState = z.object({ locked: z.boolean(), since: Timestamp.nullable() });
export type LockState = z.infer<typeof LockState>;

/**
 * Voting. free: no round (voting allowed, totals shown); open: a round is running; closed: the
 * round ended and votes are frozen. Totals may stay hidden while a round is open.
 */
export const VOTING_STATUSES = ['free', 'open', 'closed'] as const;
export type VotingStatus = (typeof VOTING_STATUSES)[number];
export const VotingState = z.object({
	status: z.enum(VOTING_STATUSES),
	budget: z.number().int().min(0).max(MAX_VOTES_PER_ENTRY),
	hideTotals: z.boolean(),
	/**
	 * When votes stopped going on the board (a round opened with hidden totals, or closed), epoch
	 * ms; absent while they do. A vote cast just before a browser heard of it is still taken.
	 */
	stoppedAt: z.number().int().nonnegative().optional()
});
export type VotingState = z.infer<typeof VotingState> & {
	/** True while a round is open (status 'open'). */
	open: boolean;
};

/**
 * Silent writing. While `active`, new threats stay in each browser (drafts tagged with `round`);
 * a reveal sets `revealedRound` to that round, and every client then publishes drafts of rounds
 * up to it, also a client that only comes back online later.
 */
export const SilentRound = z.object({
	active: z.boolean(),
	/** Counts rounds: 0 before the first one. */
	round: z.number().int().nonnegative(),
	revealedRound: z.number().int().nonnegative(),
	startedAt: Timestamp.nullable(),
	revealedAt: Timestamp.nullable()
});
export type SilentRound = z.infer<typeof SilentRound>;

/** Follow me: when `on`, every canvas follows the viewport of awareness client `clientId`. */
export const FollowState = z.object({
	on: z.boolean(),
	clientId: z.number().int().nonnegative().nullable(),
	name: DisplayName.nullable()
});
export type FollowState = z.infer<typeof FollowState>;

/**
 * Spotlight: the canvas element (or flow) the facilitator puts in front of everyone; `since`
 * tells a renewed spotlight from the same one, so it brings back those who stepped out.
 */
export const SpotlightState = z.object({ elementId: CanvasElementId.nullable(), since: Timestamp.nullable() });
export type SpotlightState = z.infer<typeof SpotlightState>;
/** A board column: a question's lane or the parking lot (as in the board's lanes). */
export const FocusColumn = z.union([Question, z.literal('parking')]);
export type FocusColumn = z.infer<typeof FocusColumn>;
/** How a lane is ordered (the board's sorts). */
export const FOCUS_SORTS = ['manual', 'votes', 'risk'] as const;
export const FocusSort = z.enum(FOCUS_SORTS);
export type FocusSort = z.infer<typeof FocusSort>;

/**
 * The facilitator's focus, for every screen: the lane everyone is pointed at (null: the current
 * question's lane) and how the facilitator sorted lanes. Each person may step out and come back.
 */
export const FocusState = z.object({
	lane: FocusColumn.nullable(),
	sorts: z.object({ 1: FocusSort, 2: FocusSort, 3: FocusSort, 4: FocusSort, parking: FocusSort }).partial().strict()
});
export type FocusState = z.infer<typeof FocusState>;

/** A co-facilitator: the key is derived from `grantId` by the server and never stored here. */
export const CoFacilitatorGrant = z.object({
	grantId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
	name: DisplayName,
	grantedAt: Timestamp
});
export type CoFacilitatorGrant = z.infer<typeof CoFacilitatorGrant>;

/** Everything in the control document, as one plain snapshot. */
export interface ControlState {
	question: QuestionNumber;
	status: WorkshopStatus;
	timer: TimerState;
	timeboxesMs: Timeboxes;
	history: PhaseRecord[];
	lock: LockState;
	voting: VotingState;
	silent: SilentRound;
	follow: FollowState;
	spotlight: SpotlightState;
	focus: FocusState;
	facilitatorName: string | undefined;
	/** The creator's key was handed over and no longer works. */
	primaryKeyRevoked: boolean;
	grants: CoFacilitatorGrant[];
}

/** Keys of the `state` map, each with its schema and default. */
const CONTROL_FIELDS = {
	question: { schema: Question, fallback: 1 as QuestionNumber },
	status: { schema: z.enum(WORKSHOP_STATUSES), fallback: 'not-started' as WorkshopStatus },
	timer: { schema: TimerState, fallback: IDLE_TIMER },
	timeboxesMs: { schema: Timeboxes, fallback: DEFAULT_TIMEBOXES_MS as Timeboxes },
	lock: { schema: LockState, fallback: { locked: false, since: null } as LockState },
	voting: {
		schema: VotingState,
		fallback: { status: 'free', budget: DEFAULT_VOTE_BUDGET, hideTotals: false } as z.infer<typeof VotingState>
	},
	silent: {
		schema: SilentRound,
		fallback: { active: false, round: 0, revealedRound: 0, startedAt: null, revealedAt: null } as SilentRound
	},
	follow: { schema: FollowState, fallback: { on: false, clientId: null, name: null } as FollowState },
	spotlight: { schema: SpotlightState, fallback: { elementId: null, since: null } as SpotlightState },
	focus: { schema: FocusState, fallback: { lane: null, sorts: {} } as FocusState },
	facilitatorName: { schema: DisplayName.optional(), fallback: undefined as string | undefined },
	primaryKeyRevoked: { schema: z.boolean(), fallback: false }
} as const;
type FieldName = keyof typeof CONTROL_FIELDS;
type FieldValue<K extends FieldName> = (typeof CONTROL_FIELDS)[K]['fallback'];

function readField<K extends FieldName>(doc: Y.Doc, key: K): FieldValue<K> {
	const field = CONTROL_FIELDS[key];
	const parsed = field.schema.safeParse(stateMap(doc).get(key));
	return (parsed.success && parsed.data !== undefined ? parsed.data : field.fallback) as FieldValue<K>;
}

// ---- Readers (stable: the export and the canvas use them) -------------------------------------

export function readCurrentQuestion(doc: Y.Doc): QuestionNumber {
	return readField(doc, 'question');
}

export function readWorkshopStatus(doc: Y.Doc): WorkshopStatus {
	return readField(doc, 'status');
}

export function readTimeboxes(doc: Y.Doc): Timeboxes {
	return { ...readField(doc, 'timeboxesMs') };
}

export function readTimer(doc: Y.Doc): Timer {
	return { ...readField(doc, 'timer'), timeboxesMs: readTimeboxes(doc) };
}

/** Every visit of a question in order; the last one has endedAt null while it is current. */
export function readPhaseHistory(doc: Y.Doc): PhaseRecord[] {
	const records: PhaseRecord[] = [];
	for (const entry of historyArray(doc).toArray()) {
		const parsed = PhaseRecord.safeParse(entry);
		if (parsed.success) records.push(parsed.data);
	}
	return records;
}

export function readLock(doc: Y.Doc): LockState {
	return readField(doc, 'lock');
}

/** True when votes go on the board: no round, or an open round whose totals are shown. */
export function votesOnBoard(voting: Pick<VotingState, 'status' | 'hideTotals'>): boolean {
	return voting.status === 'free' || (voting.status === 'open' && !voting.hideTotals);
}

/**
 * `next` with its `stoppedAt`: the time votes stopped going on the board, now if the change from
 * `before` stopped them, kept if they were stopped already (never invented for a round stopped
 * before the field existed), absent while they go there. Server only (the vote grace).
 */
export function withVotesStopTime<V extends Omit<VotingState, 'stoppedAt'>>(before: VotingState, next: V, now: number): V & Pick<VotingState, 'stoppedAt'> {
	const stoppedAt = votesOnBoard(next) ? undefined : votesOnBoard(before) ? now : before.stoppedAt;
	return stoppedAt === undefined ? next : { ...next, stoppedAt };
}

export function readVoting(doc: Y.Doc): VotingState {
	const voting = readField(doc, 'voting');
	return { ...voting, open: voting.status === 'open' };
}

export function readSilentRound(doc: Y.Doc): SilentRound {
	return readField(doc, 'silent');
}

export function readFollow(doc: Y.Doc): FollowState {
	return readField(doc, 'follow');
}

export function readSpotlight(doc: Y.Doc): SpotlightState {
	return readField(doc, 'spotlight');
}

export function readFocus(doc: Y.Doc): FocusState {
	return readField(doc, 'focus');
}

export function readFacilitatorName(doc: Y.Doc): string | undefined {
	return readField(doc, 'facilitatorName');
}

export function readGrants(doc: Y.Doc): CoFacilitatorGrant[] {
	const grants: CoFacilitatorGrant[] = [];
	grantsMap(doc).forEach((value) => {
		const parsed = CoFacilitatorGrant.safeParse(value);
		if (parsed.success) grants.push(parsed.data);
	});
	return grants.sort((a, b) => a.grantedAt - b.grantedAt || (a.grantId < b.grantId ? -1 : 1));
}

export function readControl(doc: Y.Doc): ControlState {
	const timer = readTimer(doc);
	const { timeboxesMs, ...timerState } = timer;
	return {
		question: readCurrentQuestion(doc),
		status: readWorkshopStatus(doc),
		timer: timerState as TimerState,
		timeboxesMs,
		history: readPhaseHistory(doc),
		lock: readLock(doc),
		voting: readVoting(doc),
		silent: readSilentRound(doc),
		follow: readFollow(doc),
		spotlight: readSpotlight(doc),
		focus: readFocus(doc),
		facilitatorName: readFacilitatorName(doc),
		primaryKeyRevoked: readField(doc, 'primaryKeyRevoked'),
		grants: readGrants(doc)
	};
}

/** The default state of a room nobody has facilitated yet. */
export function defaultControl(): ControlState {
	return readControl(new Y.Doc());
}

/** Calls `listener` once per transaction that changed the control document; returns the unsubscribe. */
export function onControlChange(doc: Y.Doc, listener: () => void): () => void {
	const roots = new Set<unknown>([stateMap(doc), historyArray(doc), grantsMap(doc)]);
	const handler = (tr: Y.Transaction) => {
		for (const type of tr.changedParentTypes.keys()) {
			if (roots.has(type)) return listener();
		}
	};
	doc.on('afterTransaction', handler);
	return () => doc.off('afterTransaction', handler);
}

// ---- Writer (server only) ---------------------------------------------------------------------

/**
 * Writes `next` in one transaction, touching only what differs from the document, so each
 * command produces a small update. Only the server calls this (clients' writes are dropped).
 */
export function writeControl(doc: Y.Doc, next: ControlState, origin: unknown = null): void {
	const current = readControl(doc);
	doc.transact(() => {
		const state = stateMap(doc);
		const { voting } = next;
		const fields: { [K in FieldName]: unknown } = {
			question: next.question,
			status: next.status,
			timer: next.timer,
			timeboxesMs: next.timeboxesMs,
			lock: next.lock,
			voting: {
				status: voting.status,
				budget: voting.budget,
				hideTotals: voting.hideTotals,
				...(voting.stoppedAt !== undefined && { stoppedAt: voting.stoppedAt })
			},
			silent: next.silent,
			follow: next.follow,
			spotlight: next.spotlight,
			focus: next.focus,
			facilitatorName: next.facilitatorName,
			primaryKeyRevoked: next.primaryKeyRevoked
		};
		for (const key of Object.keys(fields) as FieldName[]) {
			const value = CONTROL_FIELDS[key].schema.parse(fields[key]);
			if (value === undefined) {
				if (state.has(key)) state.delete(key);
			} else if (!equalityDeep(state.get(key), value)) {
				state.set(key, value);
			}
		}
		writeHistory(doc, current.history, next.history);
		const grants = grantsMap(doc);
		const wanted = new Map(next.grants.map((g) => [g.grantId, CoFacilitatorGrant.parse(g)]));
		for (const grantId of [...grants.keys()]) if (!wanted.has(grantId)) grants.delete(grantId);
		for (const [grantId, grant] of wanted) if (!equalityDeep(grants.get(grantId), grant)) grants.set(grantId, grant);
	}, origin);
}

/** History only grows at the end or changes its last entry: rewrite from the first difference. */
function writeHistory(doc: Y.Doc, current: PhaseRecord[], next: PhaseRecord[]): void {
	const history = historyArray(doc);
	let same = 0;
	// An entry that did not parse (never written by this code) shifts indexes: then rewrite it all.
	if (history.length === current.length) {
		while (same < current.length && same < next.length && equalityDeep(current[same], next[same])) same++;
	}
	if (history.length > same) history.delete(same, history.length - same);
	if (next.length > same) history.push(next.slice(same).map((record) => PhaseRecord.parse(record)));
}
