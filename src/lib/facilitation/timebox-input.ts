/** What a facilitator types as a timebox: minutes ("10", "2.5") or minutes and seconds ("0:05"). */
import { MAX_TIMEBOX_MS, MIN_TIMEBOX_MS } from '#shared/control/doc';
import { formatDuration } from '#shared/control/timer';

export type TimeboxParse = { ok: true; ms: number } | { ok: false; message: string };

export function parseTimebox(input: string): TimeboxParse {
	const text = input.trim();
	let ms: number;
	const clock = /^(\d{1,3}):([0-5]\d)$/.exec(text);
	if (clock) ms = (Number(clock[1]) * 60 + Number(clock[2])) * 1000;
	else if (/^\d{1,3}(\.\d+)?$/.test(text)) ms = Math.round(Number(text) * 60) * 1000;
	else return { ok: false, message: 'Type minutes (10) or minutes:seconds (0:30).' };
	if (ms < MIN_TIMEBOX_MS) return { ok: false, message: 'A timebox is at least one second.' };
	if (ms > MAX_TIMEBOX_MS) return { ok: false, message: `A timebox is at most ${MAX_TIMEBOX_MS / 3_600_000} hours.` };
	return { ok: true, ms };
}

/** The text a timebox field shows: "10:00", "0:05". */
export function formatTimebox(ms: number): string {
	return formatDuration(ms, 'down');
}
