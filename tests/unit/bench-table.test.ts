/** The published benchmark table (bench/table.ts), from hand-made bench reports. */
import { describe, expect, it } from 'vitest';
import { TABLE_END, TABLE_START, benchTable, replaceBlock, type BenchReport } from '../../bench/table.ts';

const quiet = { otherCpuCores: 0.05 };

function report(overrides: Partial<BenchReport> = {}): BenchReport {
	return {
		mode: 'full',
		startedAt: '2026-12-06T00:00:00.000Z',
		machine: { cpuModel: 'Test CPU', cores: 2, node: 'v22.0.0', commit: 'abc1234' },
		scenarios: {
			'edits-100x5': {
				ours: { latencyMs: { p50: 0.42, p99: 12.5 }, load: { ...quiet, serverCpuSeconds: 3.1 }, serverEventLoopDelay: { p99Ms: 4, maxMs: 18 } },
				reference: { latencyMs: { p50: 0.4, p99: 10 }, load: { ...quiet, serverCpuSeconds: 2.5 } },
				hocuspocus: { latencyMs: { p50: 0.5, p99: 18.9 }, load: { ...quiet, serverCpuSeconds: 2.8 } }
			},
			'idle-1000': { ours: { kbPerConnection: 14.2, load: quiet }, reference: { kbPerConnection: 13.9, load: quiet }, hocuspocus: null },
			'edits-100x5-three-instances': {
				ours: {
					singleInstance: { latencyMs: { p99: 20 }, load: quiet, instancesCpu: { loadTotalSeconds: 4 } },
					threeInstances: { latencyMs: { p99: 30 }, crossInstanceLatencyMs: { p99: 31 }, instancesCpu: { loadTotalSeconds: 6.5 } }
				}
			}
		},
		comparisons: [{ what: 'fan-out p99 across three instances / one instance', ratio: 1.5, target: '<= 2x', met: true }],
		...overrides
	};
}

const rowOf = (table: string, label: string) => table.split('\n').find((line) => line.startsWith(`| ${label} |`));

describe('benchTable', () => {
	it('puts the three servers side by side, with ours / stock', () => {
		const table = benchTable(report());
		expect(rowOf(table, 'same: p99')).toBe('| same: p99 | 12.5 ms | 10.0 ms | 18.9 ms | 1.25 |');
		expect(rowOf(table, 'edits, 100 rooms x 5 clients, 1 edit/s each: p50')).toBe(
			'| edits, 100 rooms x 5 clients, 1 edit/s each: p50 | 0.42 ms | 0.40 ms | 0.50 ms | 1.05 |'
		);
		expect(rowOf(table, 'same: server CPU during the load')).toBe('| same: server CPU during the load | 3.10 s | 2.50 s | 2.80 s | 1.24 |');
	});

	it('shows "-" for a server that did not run and leaves out scenarios the report lacks', () => {
		const table = benchTable(report());
		expect(rowOf(table, 'same: server event-loop delay max')).toBe('| same: server event-loop delay max | 18.0 ms | - | - | - |');
		expect(rowOf(table, '1,000 idle connections (200 rooms x 5): RSS per connection')).toBe(
			'| 1,000 idle connections (200 rooms x 5): RSS per connection | 14.2 KB | 13.9 KB | - | 1.02 |'
		);
		expect(table).not.toContain('cursors, 50 clients');
		expect(table).not.toContain('on PostgreSQL');
		// Measured by nobody: no row.
		const noProbe = report();
		delete (noProbe.scenarios['edits-100x5'].ours as { serverEventLoopDelay?: unknown }).serverEventLoopDelay;
		expect(benchTable(noProbe)).not.toContain('event-loop delay');
	});

	it('keeps small ratios readable', () => {
		const lopsided = report();
		(lopsided.scenarios['edits-100x5'].reference as { latencyMs: { p99: number } }).latencyMs.p99 = 4_000;
		expect(rowOf(benchTable(lopsided), 'same: p99')).toBe('| same: p99 | 12.5 ms | 4000.0 ms | 18.9 ms | 0.003 |');
	});

	it('lists the scale-out figures and the comparisons', () => {
		const table = benchTable(report());
		expect(rowOf(table, 'same load over three instances (rooms spread over all): p99')).toBe(
			'| same load over three instances (rooms spread over all): p99 | 30.0 ms |'
		);
		expect(rowOf(table, 'same: CPU of the three instances during the load, in all')).toBe(
			'| same: CPU of the three instances during the load, in all | 6.50 s |'
		);
		expect(rowOf(table, 'fan-out p99 across three instances / one instance')).toBe(
			'| fan-out p99 across three instances / one instance | 1.50 | <= 2x | yes |'
		);
	});

	it('says where the run came from, and labels quick or disturbed runs as not representative', () => {
		const clean = benchTable(report());
		expect(clean.split('\n')[0]).toBe('Run of 2026-12-06T00:00:00.000Z (full mode) on Test CPU, 2 cores, Node v22.0.0, commit abc1234.');
		expect(clean).not.toContain('Not representative');

		expect(benchTable(report({ mode: 'quick' }))).toContain('**Not representative:** a quick (short) run.');
		const busy = report();
		(busy.scenarios['edits-100x5'].reference as { load: { otherCpuCores: number } }).load.otherCpuCores = 1.2;
		expect(benchTable(busy)).toContain('1 of 6 server runs disturbed by other work on the machine or the hypervisor');
	});

	it('counts CPU the hypervisor took during a run as disturbance', () => {
		const stolen = report();
		const load = (stolen.scenarios['edits-100x5'].ours as { load: Record<string, number> }).load;
		Object.assign(load, { otherCpuCores: 0.05, wallSeconds: 17, stealSeconds: 5.1 }); // 0.05 + 0.3 cores
		expect(benchTable(stolen)).toContain('1 of 6 server runs disturbed');
		load.stealSeconds = 1.7; // 0.05 + 0.1 cores
		expect(benchTable(stolen)).not.toContain('Not representative');
	});
});

describe('replaceBlock', () => {
	it('replaces only what stands between the markers', () => {
		const doc = `# Benchmarks\nintro\n${TABLE_START}\nold table\n${TABLE_END}\nafter\n`;
		expect(replaceBlock(doc, 'new table')).toBe(`# Benchmarks\nintro\n${TABLE_START}\nnew table\n${TABLE_END}\nafter\n`);
	});

	it('refuses a document without the markers', () => {
		expect(() => replaceBlock('# Benchmarks\n', 'table')).toThrow(/bench-table:start/);
	});
});
