/**
 * What each facilitator command does to the control state: pure functions of (state, command,
 * server time), so they are unit-tested with a fake clock and applied by commands.ts in one
 * transaction. Commands that also need the live room (follow, promote, revoke) are checked by
 * commands.ts first and then land here as plain state changes.
 */
import { withVotesStopTime, type ControlState, type PhaseRecord, type Timeboxes } from '#shared/control/doc';
import type { ParsedControlCommand } from '#shared/control/commands';
import { extendTimebox, extendTimer, pauseTimer, resumeTimer, spentMs, startTimer } from '#shared/control/timer';
import type { QuestionNumber } from '#shared/board/schema';

export type TransitionResult = { ok: true; state: ControlState } | { ok: false; message: string };

const refuse = (message: string): TransitionResult => ({ ok: false, message });
const ok = (state: ControlState): TransitionResult => ({ ok: true, state });

/** Closes the open history entry, if any. */
function closeHistory(history: readonly PhaseRecord[], now: number): PhaseRecord[] {
	const last = history.at(-1);
	if (!last || last.endedAt !== null) return [...history];
	return [...history.slice(0, -1), { ...last, endedAt: Math.max(now, last.startedAt) }];
}

/** Opens an entry for `question` unless one is open already. */
function openHistory(history: readonly PhaseRecord[], question: QuestionNumber, timeboxes: Timeboxes, now: number): PhaseRecord[] {
	const last = history.at(-1);
	if (last && last.endedAt === null) return [...history];
	return [...history, { question, startedAt: now, endedAt: null, timeboxMs: timeboxes[question] }];
}

/** Starts `question` now: its timer gets what is left of its timebox after earlier visits. */
function enterQuestion(previous: ControlState, question: QuestionNumber, now: number): ControlState {
	// A new question points everyone at its lane again.
	const state = { ...previous, focus: { ...previous.focus, lane: null } };
	const history = closeHistory(state.history, now);
	if (state.status !== 'running') return { ...state, question, history, timer: { state: 'idle', endsAt: null, pausedRemainingMs: null } };
	const left = state.timeboxesMs[question] - spentMs(history, question, now);
	return {
		...state,
		question,
		timer: startTimer(left, now),
		history: openHistory(history, question, state.timeboxesMs, now)
	};
}

export function applyTransition(state: ControlState, command: ParsedControlCommand, now: number): TransitionResult {
	const ended = state.status === 'ended';
	switch (command.type) {
		case 'set-timeboxes':
			return ok({ ...state, timeboxesMs: { ...state.timeboxesMs, ...command.timeboxesMs } });

		case 'start': {
			const named = command.name ? { ...state, facilitatorName: command.name } : state;
			if (state.timer.state === 'running' && state.status === 'running') return refuse('The timer is already running.');
			if (state.timer.state === 'paused' && !ended) return ok({ ...named, timer: resumeTimer(state.timer, now) });
			// First start, or a restart after the end: the current question begins now.
			const running = { ...named, status: 'running' as const };
			const left = state.timeboxesMs[state.question] - spentMs(state.history, state.question, now);
			return ok({ ...running, timer: startTimer(left, now), history: openHistory(state.history, state.question, state.timeboxesMs, now) });
		}

		case 'pause':
			if (state.timer.state !== 'running') return refuse('The timer is not running.');
			return ok({ ...state, timer: pauseTimer(state.timer, now) });

		case 'resume':
			if (state.timer.state !== 'paused') return refuse('The timer is not paused.');
			return ok({ ...state, timer: resumeTimer(state.timer, now) });

		case 'extend':
			if (ended) return refuse('The workshop has ended.');
			if (state.timer.state === 'idle') {
				return ok({ ...state, timeboxesMs: extendTimebox(state.timeboxesMs, state.question, command.ms) });
			}
			return ok({ ...state, timer: extendTimer(state.timer, command.ms, now) });

		case 'next':
		case 'previous':
		case 'go-to': {
			if (ended) return refuse('The workshop has ended. Start it again to continue.');
			const target =
				command.type === 'go-to' ? command.question : state.question + (command.type === 'next' ? 1 : -1);
			if (target < 1) return refuse('This is already the first question.');
			if (target > 4) return refuse('This is already the last question. End the workshop instead.');
			if (target === state.question) return ok(state);
			return ok(enterQuestion(state, target as QuestionNumber, now));
		}

		case 'end': {
			if (ended) return refuse('The workshop has already ended.');
			return ok({
				...state,
				status: 'ended',
				timer: { state: 'idle', endsAt: null, pausedRemainingMs: null },
				history: closeHistory(state.history, now),
				// Nothing written in private is lost: an open silent round is revealed.
				silent: state.silent.active ? reveal(state, now).silent : state.silent,
				voting: state.voting.status === 'open' ? { ...state.voting, status: 'closed', open: false } : state.voting,
				follow: { ...state.follow, on: false },
				spotlight: { elementId: null, since: null }
			});
		}

		case 'lock':
			if (state.lock.locked === command.locked) return ok(state);
			return ok({ ...state, lock: { locked: command.locked, since: command.locked ? now : null } });

		case 'voting': {
			const { stoppedAt: _stoppedAt, ...current } = state.voting;
			const voting = {
				...current,
				...(command.status !== undefined && { status: command.status }),
				...(command.budget !== undefined && { budget: command.budget }),
				...(command.hideTotals !== undefined && { hideTotals: command.hideTotals })
			};
			// The vote grace in server/rounds/hooks.ts runs from when votes stopped going on the board.
			return ok({ ...state, voting: withVotesStopTime(state.voting, { ...voting, open: voting.status === 'open' }, now) });
		}

		case 'start-silent-round':
			if (state.silent.active) return refuse('A silent round is already running.');
			return ok({
				...state,
				silent: { ...state.silent, active: true, round: state.silent.round + 1, startedAt: now, revealedAt: null }
			});

		case 'reveal':
			if (!state.silent.active) return refuse('There is no silent round to reveal.');
			return ok(reveal(state, now));

		case 'focus': {
			const sorts = command.column === undefined || command.sort === undefined ? state.focus.sorts : { ...state.focus.sorts, [command.column]: command.sort };
			return ok({ ...state, focus: { lane: command.lane === undefined ? state.focus.lane : command.lane, sorts } });
		}

		case 'follow':
			if (!command.on) return ok({ ...state, follow: { ...state.follow, on: false } });
			if (command.clientId === undefined) return refuse('Say whom to follow.');
			return ok({ ...state, follow: { on: true, clientId: command.clientId, name: command.name ?? null } });

		case 'spotlight':
			if (command.elementId === state.spotlight.elementId) return ok(state);
			return ok({ ...state, spotlight: { elementId: command.elementId, since: command.elementId === null ? null : now } });

		// Grants are written by commands.ts, which also delivers the key; rounds by server/rounds/.
		case 'promote':
		case 'revoke':
		case 'exclude-voters':
		case 'reopen-voting':
		case 'estimate':
		case 'reveal-estimates':
		case 'record-estimate':
		case 'skip-estimate':
		case 'end-estimation':
		case 'poll':
		case 'set-workshop-role':
		case 'remove-participant':
			return refuse('This command needs the live room.');
	}
}

function reveal(state: ControlState, now: number): ControlState {
	return { ...state, silent: { ...state.silent, active: false, revealedRound: state.silent.round, revealedAt: now } };
}
