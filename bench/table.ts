/**
 * The published table (docs/BENCHMARKS.md) from a `npm run bench` report: Threatboard, the stock
 * y-websocket server and Hocuspocus side by side, then the scale-out figures (ours only).
 *
 *   node --import tsx bench/table.ts [bench/results/latest.json] [--write]
 *
 * Prints the Markdown block; with --write it replaces the block between the markers in
 * docs/BENCHMARKS.md. Rows no server reported (scenario not run, figure not measured) are left
 * out, and a server that did not run a scenario shows "-". A quick run, or one where other work disturbed the machine,
 * is labelled as such above the table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISTURBED_CORES, disturbanceCores } from './disturbance.ts';
import { getPath } from './targets.ts';

export const TABLE_START = '<!-- bench-table:start -->';
export const TABLE_END = '<!-- bench-table:end -->';

type Unit = 'ms' | 'KB' | 's' | 'MB';

interface Row {
	label: string;
	scenario: string;
	/** Path inside each server's result. */
	metric: string;
	unit: Unit;
}

/** Compared with the stock server and Hocuspocus. */
const SIDE_BY_SIDE: Row[] = [
	{ label: 'edits, 1 room x 200 clients: p99', scenario: 'edits-200', metric: 'latencyMs.p99', unit: 'ms' },
	{ label: 'edits, 100 rooms x 5 clients, 1 edit/s each: p50', scenario: 'edits-100x5', metric: 'latencyMs.p50', unit: 'ms' },
	{ label: 'same: p99', scenario: 'edits-100x5', metric: 'latencyMs.p99', unit: 'ms' },
	{ label: 'same: server CPU during the load', scenario: 'edits-100x5', metric: 'load.serverCpuSeconds', unit: 's' },
	{ label: 'same: server event-loop delay p99', scenario: 'edits-100x5', metric: 'serverEventLoopDelay.p99Ms', unit: 'ms' },
	{ label: 'same: server event-loop delay max', scenario: 'edits-100x5', metric: 'serverEventLoopDelay.maxMs', unit: 'ms' },
	{ label: 'edits, 1,000 rooms x 5 clients, 1 edit / 5 s each: p99', scenario: 'edits-1000x5', metric: 'latencyMs.p99', unit: 'ms' },
	{ label: 'same: server RSS, peak', scenario: 'edits-1000x5', metric: 'server.rssPeakKB', unit: 'MB' },
	{ label: 'cursors, 50 clients at 20 Hz: p99', scenario: 'cursors-50', metric: 'latencyMs.p99', unit: 'ms' },
	{ label: 'cursors, 200 clients at 20 Hz: p99', scenario: 'cursors-200', metric: 'latencyMs.p99', unit: 'ms' },
	{ label: 'same: load generator, worst process\'s event-loop delay p99', scenario: 'cursors-200', metric: 'generatorEventLoopDelayMs.p99', unit: 'ms' },
	{ label: 'late join, 10,000 notes: first reply, median', scenario: 'late-join-10000', metric: 'firstReplyMs.median', unit: 'ms' },
	{ label: '1,000 idle connections (200 rooms x 5): RSS per connection', scenario: 'idle-1000', metric: 'kbPerConnection', unit: 'KB' },
	{ label: '1,000 idle connections in one room: RSS per connection', scenario: 'idle-1room-1000', metric: 'kbPerConnection', unit: 'KB' },
	{ label: 'same, without the young generation\'s growth', scenario: 'idle-1room-1000', metric: 'kbPerConnectionOutsideYoungGeneration', unit: 'KB' },
	{ label: 'same: JS heap kept per connection', scenario: 'idle-1room-1000', metric: 'heapUsedKbPerConnection', unit: 'KB' },
	{ label: '10,000-note room under edits and joins: server event-loop delay max', scenario: 'stalls-10000', metric: 'serverEventLoopDelay.maxMs', unit: 'ms' }
];

/** Threatboard only: PostgreSQL, and three instances with PostgreSQL and Redis. */
const SCALE_OUT: Row[] = [
	{ label: 'edits, 100 rooms x 5, on PostgreSQL: p99', scenario: 'edits-100x5-postgres', metric: 'latencyMs.p99', unit: 'ms' },
	{ label: 'same load, one instance with PostgreSQL + Redis: p99', scenario: 'edits-100x5-three-instances', metric: 'singleInstance.latencyMs.p99', unit: 'ms' },
	{ label: 'same load over three instances (rooms spread over all): p99', scenario: 'edits-100x5-three-instances', metric: 'threeInstances.latencyMs.p99', unit: 'ms' },
	{ label: 'same: p99 of deliveries across instances', scenario: 'edits-100x5-three-instances', metric: 'threeInstances.crossInstanceLatencyMs.p99', unit: 'ms' },
	{ label: 'same: CPU of the three instances during the load, in all', scenario: 'edits-100x5-three-instances', metric: 'threeInstances.instancesCpu.loadTotalSeconds', unit: 's' },
	{ label: 'one instance, same load: CPU during the load', scenario: 'edits-100x5-three-instances', metric: 'singleInstance.instancesCpu.loadTotalSeconds', unit: 's' }
];

const SERVERS = ['ours', 'reference', 'hocuspocus'] as const;

export interface BenchReport {
	mode?: string;
	startedAt?: string;
	machine?: { cpuModel?: string; cores?: number; node?: string; commit?: string | null };
	scenarios: Record<string, Record<string, unknown>>;
	comparisons?: Array<{ what: string; ratio: number; target: string; met: boolean }>;
}

function format(value: number | undefined, unit: Unit): string {
	if (value === undefined || Number.isNaN(value)) return '-';
	if (unit === 'MB') return `${(value / 1024).toFixed(0)} MB`;
	if (unit === 'KB') return `${value.toFixed(1)} KB`;
	if (unit === 's') return `${value.toFixed(2)} s`;
	return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

function ratio(ours: number | undefined, other: number | undefined): string {
	if (ours === undefined || other === undefined || !(other > 0)) return '-';
	const r = ours / other;
	return r < 0.1 ? r.toPrecision(1) : r.toFixed(2);
}

/** Runs disturbed by other work on the machine, and how many runs there were. */
function disturbance(report: BenchReport): { disturbed: number; runs: number } {
	let disturbed = 0;
	let runs = 0;
	for (const scenario of Object.values(report.scenarios)) {
		for (const server of SERVERS) {
			const result = scenario[server];
			if (!result) continue;
			runs++;
			const cores = disturbanceCores(result);
			if (cores !== undefined && cores > DISTURBED_CORES) disturbed++;
		}
	}
	return { disturbed, runs };
}

/** The Markdown block: what run it is, the side-by-side table, the scale-out table and comparisons. */
export function benchTable(report: BenchReport): string {
	const lines: string[] = [];
	const machine = report.machine ?? {};
	lines.push(
		`Run of ${report.startedAt ?? 'unknown date'} (${report.mode ?? 'full'} mode) on ${machine.cpuModel ?? 'unknown CPU'}, ${machine.cores ?? '?'} cores, Node ${machine.node ?? '?'}, commit ${machine.commit ?? '?'}.`
	);
	const { disturbed, runs } = disturbance(report);
	if (report.mode === 'quick' || disturbed > 0) {
		lines.push(
			'',
			`> **Not representative:** ${report.mode === 'quick' ? 'a quick (short) run' : 'a full run'}` +
				(disturbed > 0 ? `, ${disturbed} of ${runs} server runs disturbed by other work on the machine or the hypervisor (over ${DISTURBED_CORES} cores)` : '') +
				'. Regenerate on a quiet machine before comparing.'
		);
	}
	// A row is left out when its scenario did not run or no server reported the figure.
	const reported = (row: Row, servers: readonly string[]) =>
		servers.some((server) => getPath(report.scenarios[row.scenario]?.[server], row.metric) !== undefined);
	const sideBySide = SIDE_BY_SIDE.filter((row) => reported(row, SERVERS));
	if (sideBySide.length > 0) {
		lines.push('', '| scenario | Threatboard | stock y-websocket server | Hocuspocus 3.4 | Threatboard / stock |', '|---|---|---|---|---|');
		for (const row of sideBySide) {
			const values = SERVERS.map((server) => getPath(report.scenarios[row.scenario][server], row.metric));
			lines.push(`| ${row.label} | ${values.map((v) => format(v, row.unit)).join(' | ')} | ${ratio(values[0], values[1])} |`);
		}
	}
	const scaleOut = SCALE_OUT.filter((row) => reported(row, ['ours']));
	if (scaleOut.length > 0) {
		lines.push('', '| scale-out (Threatboard only) | value |', '|---|---|');
		for (const row of scaleOut) lines.push(`| ${row.label} | ${format(getPath(report.scenarios[row.scenario].ours, row.metric), row.unit)} |`);
	}
	if (report.comparisons && report.comparisons.length > 0) {
		lines.push('', '| comparison | ratio | target | met |', '|---|---|---|---|');
		for (const c of report.comparisons) lines.push(`| ${c.what} | ${c.ratio.toFixed(2)} | ${c.target} | ${c.met ? 'yes' : 'no'} |`);
	}
	return lines.join('\n');
}

/** Replaces what stands between the markers in `document` with `block`. */
export function replaceBlock(document: string, block: string): string {
	const start = document.indexOf(TABLE_START);
	const end = document.indexOf(TABLE_END);
	if (start === -1 || end === -1 || end < start) throw new Error(`the document has no ${TABLE_START} ... ${TABLE_END} block`);
	return `${document.slice(0, start + TABLE_START.length)}\n${block}\n${document.slice(end)}`;
}

function main(argv: string[]): void {
	const root = path.resolve(import.meta.dirname, '..');
	const file = argv.find((a) => !a.startsWith('--')) ?? path.join(root, 'bench/results/latest.json');
	const report = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
	const block = benchTable(report);
	if (argv.includes('--write')) {
		const doc = path.join(root, 'docs/BENCHMARKS.md');
		fs.writeFileSync(doc, replaceBlock(fs.readFileSync(doc, 'utf8'), block));
		process.stderr.write(`written to ${path.relative(root, doc)}\n`);
	}
	process.stdout.write(block + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main(process.argv.slice(2));
