import { describe, expect, it } from 'vitest';
import { defaultControl, type ControlState } from '../../../src/lib/shared/control/doc.ts';
import type { ParsedControlCommand } from '../../../src/lib/shared/control/commands.ts';
import { countdown, formatCountdown, remainingMs } from '../../../src/lib/shared/control/timer.ts';
import { estimateOffset, type ClockSample } from '../../../src/lib/facilitation/clock.ts';
import { applyTransition } from '../../../server/facilitation/transitions.ts';

const MINUTE = 60_000;

/** A facilitated room driven by a fake server clock. */
function workshop(timeboxMs = 10 * MINUTE) {
	let now = 1_700_000_000_000;
	let state: ControlState = { ...defaultControl(), timeboxesMs: { 1: timeboxMs, 2: timeboxMs, 3: timeboxMs, 4: timeboxMs } };
	return {
		get state() {
			return state;
		},
		get now() {
			return now;
		},
		advance(ms: number) {
			now += ms;
		},
		run(command: ParsedControlCommand) {
			const result = applyTransition(state, command, now);
			if (!result.ok) throw new Error(result.message);
			state = result.state;
		},
		refused(command: ParsedControlCommand): string {
			const result = applyTransition(state, command, now);
			if (result.ok) throw new Error(`${command.type} was accepted`);
			return result.message;
		},
		left() {
			return remainingMs(state.timer, state.timeboxesMs[state.question], now);
		}
	};
}

describe('timer', () => {
	it('shows the whole timebox before the start, then counts down from the start', () => {
		const w = workshop();
		expect(w.left()).toBe(10 * MINUTE);
		expect(w.refused({ type: 'pause' })).toMatch(/not running/);
		w.run({ type: 'start', name: 'Ada' });
		expect(w.state.status).toBe('running');
		expect(w.state.facilitatorName).toBe('Ada');
		expect(w.state.timer).toEqual({ state: 'running', endsAt: w.now + 10 * MINUTE, pausedRemainingMs: null });
		w.advance(3 * MINUTE);
		expect(w.left()).toBe(7 * MINUTE);
		expect(w.refused({ type: 'start' })).toMatch(/already running/);
	});

	it('pauses and resumes without losing or gaining time', () => {
		const w = workshop();
		w.run({ type: 'start' });
		w.advance(4 * MINUTE);
		w.run({ type: 'pause' });
		expect(w.state.timer).toEqual({ state: 'paused', endsAt: null, pausedRemainingMs: 6 * MINUTE });
		w.advance(30 * MINUTE); // a long coffee break
		expect(w.left()).toBe(6 * MINUTE);
		expect(w.refused({ type: 'pause' })).toMatch(/not running/);
		w.run({ type: 'resume' });
		expect(w.state.timer.endsAt).toBe(w.now + 6 * MINUTE);
		w.advance(MINUTE);
		expect(w.left()).toBe(5 * MINUTE);
		expect(w.refused({ type: 'resume' })).toMatch(/not paused/);
	});

	it('extends by one or five minutes, from now once in overtime', () => {
		const w = workshop(5_000);
		w.run({ type: 'start' });
		w.advance(2_000);
		w.run({ type: 'extend', ms: MINUTE });
		expect(w.left()).toBe(3_000 + MINUTE);
		w.advance(3_000 + MINUTE + 7_000); // 7 s of overtime
		expect(w.left()).toBe(-7_000);
		w.run({ type: 'extend', ms: 5 * MINUTE });
		expect(w.left()).toBe(5 * MINUTE);
		w.run({ type: 'pause' });
		w.run({ type: 'extend', ms: MINUTE });
		expect(w.left()).toBe(6 * MINUTE);
	});

	it('extending before the start lengthens the timebox', () => {
		const w = workshop(5 * MINUTE);
		w.run({ type: 'extend', ms: MINUTE });
		expect(w.state.timeboxesMs[1]).toBe(6 * MINUTE);
		expect(w.left()).toBe(6 * MINUTE);
	});

	it('counts overtime up and never stops the clock', () => {
		const w = workshop(5_000);
		w.run({ type: 'start' });
		w.advance(5_000);
		expect(countdown(w.state.timer, 5_000, w.now)).toMatchObject({ remainingMs: 0, overtime: false, progress: 1 });
		w.advance(12_400);
		const shown = countdown(w.state.timer, 5_000, w.now);
		expect(shown).toMatchObject({ remainingMs: 0, overtimeMs: 12_400, overtime: true, state: 'running' });
		expect(formatCountdown(shown)).toBe('+0:12');
		// Paused in overtime stays in overtime.
		w.run({ type: 'pause' });
		w.advance(MINUTE);
		expect(w.left()).toBe(-12_400);
	});

	it('formats what screens show: rounded up before the end, down after it', () => {
		expect(formatCountdown(countdown({ state: 'idle', endsAt: null, pausedRemainingMs: null }, 10 * MINUTE, 0))).toBe('10:00');
		expect(formatCountdown(countdown({ state: 'running', endsAt: 4_001, pausedRemainingMs: null }, 5_000, 0))).toBe('0:05');
		expect(formatCountdown(countdown({ state: 'running', endsAt: 1, pausedRemainingMs: null }, 5_000, 0))).toBe('0:01');
		expect(formatCountdown(countdown({ state: 'paused', endsAt: null, pausedRemainingMs: -3_725_000 }, 5_000, 0))).toBe('+1:02:05');
	});
});

describe('questions and phase history', () => {
	it('moves through the questions, starting each one and recording how long each really took', () => {
		const w = workshop(5_000);
		const t0 = w.now;
		w.run({ type: 'start' });
		w.advance(8_000); // 3 s over
		w.run({ type: 'next' });
		expect(w.state.question).toBe(2);
		expect(w.left()).toBe(5_000);
		w.advance(2_000);
		w.run({ type: 'previous' });
		// Back to 1, which already used 8 s of its 5: straight into overtime, nothing cut off.
		expect(w.state.question).toBe(1);
		expect(w.left()).toBe(-3_000);
		w.advance(1_000);
		w.run({ type: 'go-to', question: 4 });
		w.advance(500);
		w.run({ type: 'end' });
		expect(w.state.status).toBe('ended');
		expect(w.state.history).toEqual([
			{ question: 1, startedAt: t0, endedAt: t0 + 8_000, timeboxMs: 5_000 },
			{ question: 2, startedAt: t0 + 8_000, endedAt: t0 + 10_000, timeboxMs: 5_000 },
			{ question: 1, startedAt: t0 + 10_000, endedAt: t0 + 11_000, timeboxMs: 5_000 },
			{ question: 4, startedAt: t0 + 11_000, endedAt: t0 + 11_500, timeboxMs: 5_000 }
		]);
		expect(w.refused({ type: 'next' })).toMatch(/ended/);
	});

	it('refuses to go past the first or last question', () => {
		const w = workshop();
		expect(w.refused({ type: 'previous' })).toMatch(/first question/);
		w.run({ type: 'go-to', question: 4 });
		expect(w.refused({ type: 'next' })).toMatch(/last question/);
	});

	it('lets the facilitator pick the question before starting, without recording it', () => {
		const w = workshop();
		w.run({ type: 'next' });
		expect(w.state.question).toBe(2);
		expect(w.state.timer.state).toBe('idle');
		expect(w.state.history).toEqual([]);
	});

	it('reveals an open silent round and closes voting when the workshop ends', () => {
		const w = workshop();
		w.run({ type: 'start' });
		w.run({ type: 'start-silent-round' });
		w.run({ type: 'voting', status: 'open', hideTotals: true });
		w.run({ type: 'end' });
		expect(w.state.silent).toMatchObject({ active: false, round: 1, revealedRound: 1 });
		expect(w.state.voting).toMatchObject({ status: 'closed', open: false });
	});
});

describe('clock skew', () => {
	/** Samples a client whose clock is `skewMs` off takes, with the given one-way delays. */
	function samples(serverNow: number, skewMs: number, delays: Array<[number, number]>): ClockSample[] {
		let server = serverNow;
		return delays.map(([up, down]) => {
			const sentAt = server + skewMs;
			server += up;
			const reply = server;
			server += down;
			return { sentAt, serverNow: reply, receivedAt: server + skewMs };
		});
	}

	it('estimates the offset from the fastest round trip', () => {
		const estimate = estimateOffset(samples(1_000_000, 5 * MINUTE, [[300, 20], [12, 14], [80, 400]]));
		expect(estimate?.rttMs).toBe(26);
		// Off by at most half the round trip: here (14 - 12) / 2.
		expect(Math.abs(estimate!.offsetMs - -5 * MINUTE)).toBeLessThanOrEqual(13);
		expect(estimateOffset([])).toBeUndefined();
		expect(estimateOffset([{ sentAt: 10, serverNow: 5, receivedAt: 9 }])).toBeUndefined();
	});

	it('shows the same remaining time on a client whose clock is 5 minutes wrong', () => {
		const w = workshop(5 * MINUTE);
		w.run({ type: 'start' });
		w.advance(90_000);
		for (const skew of [5 * MINUTE, -5 * MINUTE, 0]) {
			const { offsetMs } = estimateOffset(samples(w.now - 2_000, skew, [[40, 60], [25, 30], [200, 10]]))!;
			const clientClock = w.now + skew;
			const onServer = countdown(w.state.timer, 5 * MINUTE, w.now).remainingMs;
			const onClient = countdown(w.state.timer, 5 * MINUTE, clientClock + offsetMs).remainingMs;
			expect(Math.abs(onClient - onServer)).toBeLessThan(1_000);
			// Without the estimate the screen would be 5 minutes off.
			if (skew !== 0) expect(Math.abs(countdown(w.state.timer, 5 * MINUTE, clientClock).remainingMs - onServer)).toBeGreaterThan(60_000);
		}
	});
});
