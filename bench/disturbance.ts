/**
 * How disturbed one server run was, in cores: what other processes used during its load window
 * (`load.otherCpuCores`) plus what the hypervisor took from this VM (`load.stealSeconds` over the
 * window: a run of the published table lost 2.7 s of 17 s to it). The three-instance scenario is
 * judged by its single-instance window. Undefined when the run reports no load window.
 */
import { round } from './stats.ts';
import { getPath } from './targets.ts';

/** A run disturbed by more than this many cores is repeated once (full mode) and flagged in the table. */
export const DISTURBED_CORES = 0.25;

export function disturbanceCores(result: unknown): number | undefined {
	for (const prefix of ['load', 'singleInstance.load']) {
		const others = getPath(result, `${prefix}.otherCpuCores`);
		if (others === undefined) continue;
		const wall = getPath(result, `${prefix}.wallSeconds`) ?? 0;
		const steal = getPath(result, `${prefix}.stealSeconds`) ?? 0;
		return round(others + (wall > 0 ? steal / wall : 0));
	}
	return undefined;
}
