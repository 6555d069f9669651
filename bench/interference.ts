/**
 * Other work on the machine: CPU time of all cores from /proc/stat, so that a run disturbed by
 * other processes (another test suite, a build) can be recognised, and avoided where possible.
 */
import fs from 'node:fs';
import { sleep } from './clients.ts';
import { round } from './stats.ts';

const TICKS_PER_SECOND = 100; // USER_HZ for /proc/stat

interface CpuTimes {
	busySeconds: number;
	stealSeconds: number;
}

export function readMachineCpu(): CpuTimes {
	const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]; // "cpu  user nice system idle iowait irq softirq steal ..."
	const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
	return { busySeconds: (user + nice + system + irq + softirq) / TICKS_PER_SECOND, stealSeconds: (steal ?? 0) / TICKS_PER_SECOND };
}

/** Cores' worth of busy CPU over `ms` on the whole machine. */
async function machineBusyCores(ms: number): Promise<number> {
	const before = readMachineCpu();
	await sleep(ms);
	return (readMachineCpu().busySeconds - before.busySeconds) / (ms / 1000);
}

export interface QuietWait {
	waitedMs: number;
	/** Busy cores on the machine, not ours, just before the run started. */
	otherCoresBefore: number;
	quiet: boolean;
}

/** Waits (up to maxWaitMs) until other processes use less than `thresholdCores` together. */
export async function waitForQuiet(maxWaitMs: number, thresholdCores = 0.15): Promise<QuietWait> {
	const started = performance.now();
	let busy = await machineBusyCores(300);
	while (busy > thresholdCores && performance.now() - started < maxWaitMs) busy = await machineBusyCores(500);
	return { waitedMs: Math.round(performance.now() - started), otherCoresBefore: round(busy), quiet: busy <= thresholdCores };
}
