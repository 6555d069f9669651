/**
 * Timer arithmetic of the control document, pure: every function takes the time as an argument
 * (server time in ms), so the server applies commands with its clock, clients show the same
 * countdown with their estimate of the server's clock, and tests use a fake one.
 *
 * Nothing is ever cut off: a timer past its end keeps running and counts overtime.
 */
import { MAX_TIMEBOX_MS, type PhaseRecord, type TimerState, type Timeboxes } from './doc.ts';
import type { QuestionNumber } from '../board/schema.ts';

/** Remaining time of the current question; negative in overtime. */
export function remainingMs(timer: TimerState, timeboxMs: number, now: number): number {
	switch (timer.state) {
		case 'idle':
			return timeboxMs;
		case 'running':
			return timer.endsAt - now;
		case 'paused':
			return timer.pausedRemainingMs;
	}
}

export interface Countdown {
	/** Time left, never below zero. */
	remainingMs: number;
	/** Time past the end, zero until then. */
	overtimeMs: number;
	overtime: boolean;
	state: TimerState['state'];
	/** Share of the timebox used, 0..1 (1 in overtime). */
	progress: number;
}

export function countdown(timer: TimerState, timeboxMs: number, now: number): Countdown {
	const left = remainingMs(timer, timeboxMs, now);
	return {
		remainingMs: Math.max(0, left),
		overtimeMs: Math.max(0, -left),
		overtime: left < 0,
		state: timer.state,
		progress: timeboxMs > 0 ? Math.min(1, Math.max(0, 1 - left / timeboxMs)) : 1
	};
}

/** Starts a timer with `remaining` ms left (may be zero or negative: straight into overtime). */
export function startTimer(remaining: number, now: number): TimerState {
	return { state: 'running', endsAt: now + remaining, pausedRemainingMs: null };
}

/** Freezes a running timer; paused in overtime keeps the (negative) remaining time. */
export function pauseTimer(timer: TimerState, now: number): TimerState {
	if (timer.state !== 'running') return timer;
	return { state: 'paused', endsAt: null, pausedRemainingMs: timer.endsAt - now };
}

export function resumeTimer(timer: TimerState, now: number): TimerState {
	if (timer.state !== 'paused') return timer;
	return startTimer(timer.pausedRemainingMs, now);
}

/**
 * Adds time. In overtime the extension counts from now ("+1 minute" then means one more
 * minute), otherwise from the current end. An idle timer is extended through its timebox by
 * the caller (extendTimebox), since nothing has started yet.
 */
export function extendTimer(timer: TimerState, byMs: number, now: number): TimerState {
	if (timer.state === 'running') return { ...timer, endsAt: Math.max(timer.endsAt, now) + byMs };
	if (timer.state === 'paused') return { ...timer, pausedRemainingMs: Math.max(timer.pausedRemainingMs, 0) + byMs };
	return timer;
}

export function extendTimebox(timeboxes: Timeboxes, question: QuestionNumber, byMs: number): Timeboxes {
	return { ...timeboxes, [question]: Math.min(MAX_TIMEBOX_MS, timeboxes[question] + byMs) };
}

/** How long a question has been worked on across all its visits (the open one counts until now). */
export function spentMs(history: readonly PhaseRecord[], question: QuestionNumber, now: number): number {
	let total = 0;
	for (const record of history) {
		if (record.question !== question) continue;
		total += Math.max(0, (record.endedAt ?? now) - record.startedAt);
	}
	return total;
}

/** "4:05", "0:09", "1:02:03". Rounds up, so a countdown shows 0:00 only once time is up. */
export function formatDuration(ms: number, rounding: 'up' | 'down' = 'up'): string {
	const totalSeconds = rounding === 'up' ? Math.ceil(Math.max(0, ms) / 1000) : Math.floor(Math.max(0, ms) / 1000);
	const hours = Math.floor(totalSeconds / 3600);
	const minutes = Math.floor((totalSeconds % 3600) / 60);
	const seconds = totalSeconds % 60;
	const ss = String(seconds).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** What a screen shows: "4:05" left, or "+0:12" of overtime (counted up, rounded down). */
export function formatCountdown(value: Countdown): string {
	return value.overtime ? `+${formatDuration(value.overtimeMs, 'down')}` : formatDuration(value.remainingMs, 'up');
}
