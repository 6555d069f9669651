/**
 * `npm run bench:browser`: the board and the canvas in the built app, driven by Playwright in
 * Debian's chromium, measured with the Performance API inside the pages (see board.ts,
 * canvas.ts). Each repetition starts a fresh built server (fresh DATA_DIR, a free loopback port)
 * and a fresh browser, and runs every selected group once. Prints one JSON line per group and
 * repetition and one per figure (stdout), then a table of the figures beside their targets
 * (stderr, with the progress); writes everything to bench/results/browser-latest.json.
 *
 *   npm run bench:browser -- [--runs=<n>] [--only=board,canvas] [--no-build]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { startBuiltServer } from '../../tests/e2e/built-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../../tests/e2e/chromium.ts';
import { readMachineCpu, waitForQuiet } from '../interference.ts';
import { machineInfo } from '../machine.ts';
import { round } from '../stats.ts';
import { GROUPS, type Group } from './groups.ts';
import { averageCounts, figureResults, formatTable } from './report.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RESULTS_FILE = path.join(ROOT, 'bench/results/browser-latest.json');
const TABLE_FILE = path.join(ROOT, 'bench/results/browser-latest.txt');
const DEFAULT_RUNS = 3;
/** Longest wait before each repetition for other processes on the machine to go quiet. */
const QUIET_WAIT_MS = 10_000;

interface Args {
	runs: number;
	groups: Group<unknown>[];
	build: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { runs: DEFAULT_RUNS, groups: GROUPS, build: true };
	for (const arg of argv) {
		if (arg === '--no-build') args.build = false;
		else if (arg.startsWith('--runs=')) {
			args.runs = Number(arg.slice('--runs='.length));
			if (!(Number.isInteger(args.runs) && args.runs >= 1 && args.runs <= 50)) throw new Error('--runs must be 1..50');
		} else if (arg.startsWith('--only=')) {
			const names = arg.slice('--only='.length).split(',').filter(Boolean);
			args.groups = GROUPS.filter((g) => names.includes(g.name));
			const unknown = names.filter((n) => !GROUPS.some((g) => g.name === n));
			if (unknown.length > 0 || args.groups.length === 0) {
				throw new Error(`unknown group ${unknown.join(',')}; known: ${GROUPS.map((g) => g.name).join(', ')}`);
			}
		} else {
			throw new Error(`unknown argument ${arg} (use --runs=<n>, --only=<group[,...]>, --no-build)`);
		}
	}
	return args;
}

const started = performance.now();
const progress = (message: string) =>
	process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
const emit = (line: object) => process.stdout.write(JSON.stringify(line) + '\n');

/**
 * tsx compiles this bench with esbuild's keepNames, which wraps named inner functions in a
 * `__name(fn, "name")` call. Functions handed to the page (probes.ts) carry that call with them;
 * the page has no such helper (Playwright's test runner compiles with Babel, which adds none).
 * Every context gets an identity `__name` before the app's first script.
 */
function defineNameHelperInPages(browser: Browser): void {
	const newContext = browser.newContext.bind(browser);
	browser.newContext = async (options) => {
		const context = await newContext(options);
		await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
		return context;
	};
}

/** One repetition of one group: fresh server, fresh browser, the machine's load around it. */
async function runRepetition(group: Group<unknown>, index: number): Promise<{ result: unknown; machine: object }> {
	const quiet = await waitForQuiet(QUIET_WAIT_MS);
	if (!quiet.quiet) progress(`${group.name} #${index}: machine busy (${quiet.otherCoresBefore} cores used by others); running anyway`);
	// The server's log goes to stderr: stdout carries only JSON lines.
	const server = await startBuiltServer({ output: 'stderr' });
	const browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
	defineNameHelperInPages(browser);
	const cpuBefore = readMachineCpu();
	const wallBefore = performance.now();
	try {
		const result = await group.run({ base: server.url, dataDir: server.dataDir, browser, progress: (m) => progress(`${group.name} #${index}: ${m}`) });
		const wallSeconds = (performance.now() - wallBefore) / 1000;
		const cpu = readMachineCpu();
		const machine = {
			otherCoresBefore: quiet.otherCoresBefore,
			quietWaitMs: quiet.waitedMs,
			// Everything on the machine, this bench's browser and server included.
			busyCoresDuring: round((cpu.busySeconds - cpuBefore.busySeconds) / wallSeconds),
			stealSeconds: round(cpu.stealSeconds - cpuBefore.stealSeconds),
			loadAverageAfter: os.loadavg().map((v) => round(v)),
			seconds: round(wallSeconds, 1)
		};
		return { result, machine };
	} finally {
		await browser.close();
		await server.stop();
		fs.rmSync(server.dataDir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const machine = machineInfo({ server: null, loadGenerator: null, note: 'unpinned: browser, server and bench share the cores' });
	if (args.build) {
		progress('building the app (npm run build)');
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
	}
	const chromiumVersion = execFileSync(CHROMIUM_EXECUTABLE, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	const startedAt = new Date().toISOString();
	const repetitions = new Map<string, unknown[]>(args.groups.map((g) => [g.name, []]));
	const machineByRun: object[] = [];
	// Groups alternate within each repetition, so that a busy spell on the machine spreads over both.
	for (let index = 1; index <= args.runs; index++) {
		for (const group of args.groups) {
			progress(`${group.name} #${index} of ${args.runs}`);
			const { result, machine: load } = await runRepetition(group, index);
			repetitions.get(group.name)!.push(result);
			machineByRun.push({ group: group.name, repetition: index, ...load });
			const figures = Object.fromEntries(figureResults(group, [result]).map((f) => [f.metric, f.pooled]));
			emit({ kind: 'repetition', group: group.name, repetition: index, machine: load, figures, counts: group.counts(result) });
		}
	}

	const figures = args.groups.flatMap((g) => figureResults(g, repetitions.get(g.name)!));
	const counts = Object.fromEntries(args.groups.map((g) => [g.name, averageCounts(g, repetitions.get(g.name)!)]));
	for (const figure of figures) emit(figure);
	const table = formatTable(figures, counts, args.runs);
	const report = {
		bench: 'threatboard npm run bench:browser',
		startedAt,
		durationSeconds: round((performance.now() - started) / 1000, 1),
		runs: args.runs,
		groups: args.groups.map((g) => ({ name: g.name, description: g.description })),
		browser: { executable: CHROMIUM_EXECUTABLE, version: chromiumVersion, args: CHROMIUM_ARGS, viewport: '1280x720', headless: true },
		machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => round(v)) },
		machineByRun,
		notes: [
			'The built app (npm run build), started per repetition as the e2e tests start it (tests/e2e/built-server.ts): node dist/server/index.js on 127.0.0.1, a free port, a fresh DATA_DIR.',
			'Each repetition launches Debian chromium (headless, the args of playwright.config.ts); each person is a fresh browser context at 1280x720.',
			'Times come from the Performance API inside the pages (bench/browser/probes.ts), unchanged from the perf specs that ran in npm test before: see the comments of board.ts and canvas.ts.',
			'Samples are pooled over the repetitions; percentiles are nearest-rank. perRepetition shows each repetition alone.',
			'Browser, server and bench share the machine\'s cores (no pinning). machineByRun.otherCoresBefore is what other processes used just before each repetition; busyCoresDuring counts everything, this bench included.'
		],
		figures,
		counts,
		table,
		repetitions: Object.fromEntries(repetitions)
	};
	fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	fs.writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + '\n');
	fs.writeFileSync(TABLE_FILE, table + '\n');
	process.stderr.write(`\n${table}\n\n`);
	progress(`done; written to ${path.relative(ROOT, RESULTS_FILE)} and ${path.relative(ROOT, TABLE_FILE)}`);
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
		process.exit(1);
	}
);
