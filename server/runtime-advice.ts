/**
 * Advice the server logs at start about how Node runs it.
 *
 * On one CPU, V8's helper threads mark the heap for a full garbage collection on the event
 * loop's own CPU, and every edit waits while they do: with 5,000 connections in 1,000 rooms the
 * p99 went from 9-10 ms to 31-85 ms in runs with such collections, and stayed at 10.4 ms with
 * `--single-threaded-gc` (docs/BENCHMARKS.md, "The 1,000-room tail"). Node refuses the flag in
 * NODE_OPTIONS and V8 does not take it once running, so the server can only say so.
 * `os.availableParallelism()` follows the CPU affinity (taskset, cpusets), and from Node 22 on
 * (libuv 1.49) a cgroup CPU quota too; on Node 20 a quota goes unseen.
 */
export const SINGLE_THREADED_GC = '--single-threaded-gc';

/** The advice for a process with `cpus` CPUs started with `execArgv`; null when none applies. */
export function oneCpuAdvice(cpus: number, execArgv: readonly string[]): string | null {
	if (cpus > 1 || execArgv.includes(SINGLE_THREADED_GC)) return null;
	return `one CPU available: start the server with \`node ${SINGLE_THREADED_GC} dist/server/index.js\`, or garbage collection will delay edits (README, "Deployment")`;
}
