/** RSS and CPU time of another process, read from /proc (Linux only). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
	if (clockTicks === undefined) {
		try {
			clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			clockTicks = 100;
		}
	}
	return clockTicks;
}

/** Resident set size in KB (VmRSS), or NaN once the process is gone. */
export function readRssKB(pid: number): number {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
		return match ? Number(match[1]) : NaN;
	} catch {
		return NaN;
	}
}

/** User + system CPU seconds consumed so far (all threads), or NaN once the process is gone. */
export function readCpuSeconds(pid: number): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the parenthesised command name; utime and stime are fields 14 and 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
	} catch {
		return NaN;
	}
}

export interface ProcessWindow {
	rssStartKB: number;
	rssPeakKB: number;
	rssEndKB: number;
	cpuSeconds: number;
	wallSeconds: number;
	/** Share of one core used over the window (1 = a full core). */
	cpuCores: number;
}

/** Samples a process's RSS every 100 ms between start() and stop(). */
export class ProcessMonitor {
	#timer: NodeJS.Timeout | null = null;
	#rssStart = NaN;
	#rssPeak = 0;
	#cpuStart = NaN;
	#wallStart = NaN;
	readonly rssSeries: number[] = [];

	constructor(readonly pid: number) {}

	start(): void {
		this.#rssStart = readRssKB(this.pid);
		this.#rssPeak = this.#rssStart;
		this.#cpuStart = readCpuSeconds(this.pid);
		this.#wallStart = performance.now();
		this.#timer = setInterval(() => this.sample(), 100);
	}

	sample(): number {
		const rss = readRssKB(this.pid);
		if (rss > this.#rssPeak) this.#rssPeak = rss;
		this.rssSeries.push(rss);
		return rss;
	}

	stop(): ProcessWindow {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		const rssEnd = this.sample();
		const cpu = readCpuSeconds(this.pid) - this.#cpuStart;
		const wall = (performance.now() - this.#wallStart) / 1000;
		return {
			rssStartKB: this.#rssStart,
			rssPeakKB: this.#rssPeak,
			rssEndKB: rssEnd,
			cpuSeconds: Math.round(cpu * 100) / 100,
			wallSeconds: Math.round(wall * 100) / 100,
			cpuCores: Math.round((cpu / wall) * 100) / 100
		};
	}
}
