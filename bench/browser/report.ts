/** Figures pooled over the repetitions, as JSON lines and as a table for people. */
import { percentile, round, summarize, type Summary } from '../stats.ts';
import { describeTarget, meetsTarget, type Group } from './groups.ts';

export interface FigureResult {
	kind: 'figure';
	group: string;
	metric: string;
	label: string;
	unit: string;
	pooled: Summary | null;
	/** The target's statistic in each repetition alone, to show the spread between them. */
	perRepetition: { p50: number[]; p95: number[] };
	target: string | null;
	targetSource: string | null;
	/** Judged on the pooled statistic; null without a target or samples. */
	met: boolean | null;
}

export function figureResults(group: Group<unknown>, repetitions: unknown[]): FigureResult[] {
	return group.figures.map((figure) => {
		const perRun = repetitions.map((r) => Float64Array.from(figure.samples(r)).sort());
		const pooled = summarize(repetitions.flatMap((r) => figure.samples(r)));
		const value = pooled && figure.target ? pooled[figure.target.stat] : undefined;
		return {
			kind: 'figure',
			group: group.name,
			metric: figure.metric,
			label: figure.label,
			unit: figure.unit,
			pooled,
			perRepetition: {
				p50: perRun.map((s) => round(percentile(s, 0.5), 1)),
				p95: perRun.map((s) => round(percentile(s, 0.95), 1))
			},
			target: figure.target ? describeTarget(figure.target, figure.unit) : null,
			targetSource: figure.target?.source ?? null,
			met: figure.target && value !== undefined ? meetsTarget(figure.target, value) : null
		};
	});
}

/** Per-repetition counts, averaged over the repetitions. */
export function averageCounts(group: Group<unknown>, repetitions: unknown[]): Record<string, number> {
	const all = repetitions.map((r) => group.counts(r));
	const out: Record<string, number> = {};
	for (const key of Object.keys(all[0] ?? {})) out[key] = round(all.reduce((sum, c) => sum + c[key], 0) / all.length);
	return out;
}

const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '-' : n >= 100 ? String(Math.round(n)) : n.toFixed(1));

export function formatTable(figures: FigureResult[], counts: Record<string, Record<string, number>>, repetitions: number): string {
	const header = ['figure', 'n', 'p50', 'p95', 'max', 'target', 'met', `p95 in each of ${repetitions} repetitions`];
	const rows = figures.map((f) => [
		`${f.group}: ${f.label}`,
		String(f.pooled?.count ?? 0),
		fmt(f.pooled?.p50),
		fmt(f.pooled?.p95),
		fmt(f.pooled?.max),
		f.target ?? '',
		f.met === null ? '' : f.met ? 'yes' : 'NO',
		f.perRepetition.p95.map(fmt).join(' / ')
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const numeric = new Set([1, 2, 3, 4]);
	const line = (cells: string[]) =>
		cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
	const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
	out.push('', 'All times in ms, pooled over the repetitions (nearest-rank percentiles). Counts, mean per repetition:');
	for (const [group, values] of Object.entries(counts)) {
		for (const [key, value] of Object.entries(values)) out.push(`  ${group}.${key}: ${value}`);
	}
	return out.join('\n');
}
