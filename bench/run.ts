/**
 * `npm run bench`: drives y-websocket-protocol clients against our server, the stock reference
 * server (@y/websocket-server) and, for the main scenarios, Hocuspocus 3.4 on loopback, with the
 * same load, and prints one JSON document (ours, reference, hocuspocus, ratio, targets per
 * scenario, and the scale-out comparisons). Progress goes to stderr.
 *
 *   npm run bench -- [--quick] [--only=edits-50,cursors] [--server=ours,reference,hocuspocus] [--data-root=/dev/shm]
 *                    [--duration=<measured seconds of edits and cursors runs>] [--soak-minutes=<m>]
 *
 * The soak scenario runs only when asked for (--only=soak); two-instance-* and soak run ours only.
 * coverage-* runs in this process, without a server (--only=coverage runs just it, in seconds).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { takeWindowEventLoop, type RunContext } from './harness.ts';
import { readServerEventLoop } from './event-loop.ts';
import { DISTURBED_CORES, disturbanceCores } from './disturbance.ts';
import { waitForQuiet } from './interference.ts';
import { compareScaleOut } from './comparisons.ts';
import { machineInfo, pinLoadGenerator } from './machine.ts';
import { ProcessMonitor } from './process-stats.ts';
import { SCENARIOS, type Scenario } from './scenarios/index.ts';
import { HOCUSPOCUS_SCENARIOS, SERVER_KINDS, ourServerEntry, startServer, type BenchServer, type ServerKind } from './servers.ts';
import { prepareSharedServices, type SharedServices } from './shared-services.ts';
import { medianRound, summarizeRounds, type RoundResults } from './rounds.ts';
import { evaluateTargets, ratios } from './targets.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS_FILE = path.join(ROOT, 'bench/results/latest.json');

interface Args {
	quick: boolean;
	only: string[];
	servers: ServerKind[];
	/** --server was given: run exactly those servers (Hocuspocus on every scenario too). */
	serversChosen: boolean;
	/** Where the servers' fresh data directories go (default: the system temp dir). */
	dataRoot: string | undefined;
	/** Measured seconds for the timed scenarios (edits, cursors), replacing the mode's. */
	durationSeconds: number | undefined;
	/** Length of the soak scenario. */
	soakMinutes: number | undefined;
}

function parseArgs(argv: string[]): Args {
	const args: Args = {
		quick: false,
		only: [],
		servers: [...SERVER_KINDS],
		serversChosen: false,
		dataRoot: undefined,
		durationSeconds: undefined,
		soakMinutes: undefined
	};
	for (const arg of argv) {
		if (arg === '--quick') args.quick = true;
		else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',').filter(Boolean);
		else if (arg.startsWith('--server=')) {
			const kinds = arg.slice('--server='.length).split(',');
			for (const kind of kinds) {
				if (!(SERVER_KINDS as readonly string[]).includes(kind)) throw new Error(`--server takes ${SERVER_KINDS.join(', ')}, not ${kind}`);
			}
			args.servers = kinds as ServerKind[];
			args.serversChosen = true;
		} else if (arg.startsWith('--data-root=')) args.dataRoot = path.resolve(arg.slice('--data-root='.length));
		else if (arg.startsWith('--duration=')) {
			args.durationSeconds = Number(arg.slice('--duration='.length));
			if (!(args.durationSeconds > 0 && args.durationSeconds <= 600)) throw new Error('--duration must be 1..600 seconds');
		} else if (arg.startsWith('--soak-minutes=')) {
			args.soakMinutes = Number(arg.slice('--soak-minutes='.length));
			if (!(args.soakMinutes >= 0.5 && args.soakMinutes <= 240)) throw new Error('--soak-minutes must be 0.5..240');
		} else {
			throw new Error(
				`unknown argument ${arg} (use --quick, --only=<scenario[,...]>, --server=ours,reference,hocuspocus, --data-root=<dir>, --duration=<s>, --soak-minutes=<m>)`
			);
		}
	}
	return args;
}

/**
 * `--only=edits` selects every edits-* scenario; a name selects that one and its variants
 * (edits-100x5 brings edits-100x5-postgres); a name ending in `$` selects just that one.
 */
function selectScenarios(only: string[]): Scenario[] {
	if (only.length === 0) return SCENARIOS.filter((s) => !s.onlyOnRequest);
	const chosen = SCENARIOS.filter((s) => only.some((o) => (o.endsWith('$') ? s.name === o.slice(0, -1) : s.name === o || s.name.startsWith(`${o}-`))));
	if (chosen.length === 0) throw new Error(`no scenario matches ${only.join(',')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
	return chosen;
}

const benchStarted = performance.now();
const progress = (message: string) =>
	process.stderr.write(`[${((performance.now() - benchStarted) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

/** Longest wait per run for other processes on the machine to go quiet, and in all. */
const QUIET_WAIT_MS = { full: 10_000, quick: 0 };
const QUIET_WAIT_TOTAL_MS = 60_000;
let quietWaitedMs = 0;

/** No repeats once the bench has run this long, to stay within its time budget. */
const REPEAT_BUDGET_MS = 4.5 * 60_000;

/** Runs a scenario against one server; repeats it once if other processes disturbed it. */
async function runMeasured(scenario: Scenario, kind: ServerKind, args: Args, pinCore: number | null): Promise<object> {
	const first = await runOne(scenario, kind, args, pinCore);
	const disturbance = (r: object) => disturbanceCores(r) ?? 0;
	if (args.quick || disturbance(first) <= DISTURBED_CORES || performance.now() - benchStarted > REPEAT_BUDGET_MS) {
		return { ...first, attempts: 1 };
	}
	progress(`${scenario.name} / ${kind}: disturbed (${disturbance(first)} cores used by others or taken by the hypervisor); repeating once`);
	const second = await runOne(scenario, kind, args, pinCore);
	const best = disturbance(second) < disturbance(first) ? second : first;
	return { ...best, attempts: 2, otherAttemptDisturbanceCores: disturbance(best === first ? second : first) };
}

async function runOne(scenario: Scenario, kind: ServerKind, args: Args, pinCore: number | null): Promise<object> {
	const { quick } = args;
	const quiet = await waitForQuiet(Math.min(quick ? QUIET_WAIT_MS.quick : QUIET_WAIT_MS.full, QUIET_WAIT_TOTAL_MS - quietWaitedMs));
	quietWaitedMs += quiet.waitedMs;
	if (!quiet.quiet) progress(`${scenario.name} / ${kind}: machine busy (${quiet.otherCoresBefore} cores used by others); running anyway`);
	progress(`${scenario.name} / ${kind}: starting server`);
	let services: SharedServices | undefined;
	const peers: BenchServer[] = [];
	if (scenario.sharedServices) services = await prepareSharedServices({ redis: scenario.sharedServices !== 'postgres' });
	const serverEnv = { ...services?.env, ...(kind === 'ours' ? scenario.serverEnv : undefined) };
	const server = await startServer(kind, pinCore, args.dataRoot, serverEnv);
	const monitor = new ProcessMonitor(server.pid);
	monitor.start();
	const durationMs = args.durationSeconds === undefined ? undefined : args.durationSeconds * 1000;
	const ctx: RunContext = {
		server,
		quick,
		durationMs,
		soakMinutes: args.soakMinutes,
		async startPeer() {
			const peer = await startServer(kind, pinCore, args.dataRoot, serverEnv);
			peers.push(peer);
			return peer;
		},
		async startReference() {
			const reference = await startServer('reference', pinCore, args.dataRoot);
			peers.push(reference);
			return reference;
		},
		progress: (m) => progress(`${scenario.name} / ${kind}: ${m}`)
	};
	try {
		const result = await scenario.run(ctx);
		if (server.exited()) throw new Error('server process exited during the run');
		// The load window's, where the scenario measured one; else everything since the last reset.
		const serverEventLoopDelay = await (takeWindowEventLoop(server.pid) ?? readServerEventLoop(server.pid, server.eventLoopFile));
		return { ...result, serverEventLoopDelay, server: { ...monitor.stop(), logLines: server.log.lines, log: server.log.kept }, machineBefore: quiet };
	} catch (err) {
		progress(`${scenario.name} / ${kind}: FAILED: ${(err as Error).message}`);
		return {
			error: (err as Error).message,
			server: { ...monitor.stop(), logLines: server.log.lines, log: server.log.kept },
			machineBefore: quiet
		};
	} finally {
		for (const peer of peers) await peer.stop();
		await server.stop();
		await services?.cleanup();
	}
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const scenarios = selectScenarios(args.only);
	const pinning = pinLoadGenerator();
	const machine = machineInfo(pinning);
	progress(`pinning: ${pinning.note}; fd limit ${machine.fdLimit}`);
	if (args.servers.includes('ours') && scenarios.some((s) => !s.local)) {
		progress('building our server (scripts/build-server.mjs)');
		execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		if (!fs.existsSync(ourServerEntry())) throw new Error(`build did not produce ${ourServerEntry()}`);
	}
	// The server is built from the working tree, which may differ from `commit`.
	const ourBuildSha256 = fs.existsSync(ourServerEntry())
		? createHash('sha256').update(fs.readFileSync(ourServerEntry())).digest('hex').slice(0, 16)
		: null;

	const startedAt = new Date().toISOString();
	const results: Record<string, object> = {};
	for (const scenario of scenarios) {
		if (scenario.local) {
			progress(`${scenario.name}: in process`);
			const { ours, reference } = await scenario.local({ quick: args.quick, progress: (m) => progress(`${scenario.name}: ${m}`) });
			results[scenario.name] = {
				description: scenario.description,
				ours,
				reference,
				ratio: ratios(scenario.ratioOf, ours, reference),
				targets: evaluateTargets(scenario.name, ours, reference)
			};
			continue;
		}
		const kinds = args.servers.filter(
			(k) => k === 'ours' || (!scenario.oursOnly && (k === 'reference' || args.serversChosen || HOCUSPOCUS_SCENARIOS.has(scenario.name)))
		);
		const rounds: RoundResults<ServerKind> = [];
		const roundCount = args.quick || !scenario.rounds ? 1 : scenario.rounds.count;
		for (let n = 1; n <= roundCount; n++) {
			if (roundCount > 1) progress(`${scenario.name}: round ${n} of ${roundCount}`);
			const round: Partial<Record<ServerKind, object>> = {};
			for (const kind of kinds) round[kind] = await runMeasured(scenario, kind, args, pinning.server);
			rounds.push(round);
		}
		const byServer = scenario.rounds ? medianRound(rounds, scenario.rounds) : rounds[0];
		results[scenario.name] = {
			description: scenario.description,
			...(scenario.rounds && rounds.length > 1
				? {
						rounds: summarizeRounds(rounds, scenario.rounds),
						reported: `the round with the median ${scenario.rounds.relative ? 'ours / reference of ' : 'ours '}${scenario.rounds.by} (rounds[].measure)`
					}
				: {}),
			ours: byServer.ours ?? null,
			reference: byServer.reference ?? null,
			hocuspocus: byServer.hocuspocus ?? null,
			ratio: byServer.ours && byServer.reference ? ratios(scenario.ratioOf, byServer.ours, byServer.reference) : null,
			ratioToHocuspocus: byServer.ours && byServer.hocuspocus ? ratios(scenario.ratioOf, byServer.ours, byServer.hocuspocus) : null,
			targets: evaluateTargets(scenario.name, byServer.ours, byServer.reference)
		};
	}

	const report = {
		bench: 'threatboard npm run bench',
		mode: args.quick ? 'quick' : 'full',
		durationOverrideSeconds: args.durationSeconds ?? null,
		dataRoot: args.dataRoot ?? os.tmpdir(),
		startedAt,
		durationSeconds: Math.round((performance.now() - benchStarted) / 100) / 10,
		ourServerBuildSha256: ourBuildSha256,
		machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
		notes: [
			'Loopback only. Each scenario run gets a freshly started server process with a fresh temporary DATA_DIR; ours persists every update to SQLite before broadcasting, the reference keeps documents in memory only.',
			'reference = @y/websocket-server 0.1.1 setupWSConnection on http + ws (bench/reference-server.mjs), run with plain node like our built server.',
			'hocuspocus = @hocuspocus/server 3.4.4 in memory, no extensions, on the same http + ws front (bench/hocuspocus-server.mjs, bench/reference-http.mjs); run on the scenarios in HOCUSPOCUS_SCENARIOS (bench/servers.ts) unless --server names it. Its clients speak its framing (the document name before every message, an Auth message first: bench/hocuspocus-wire.ts).',
			'ratio = ours / reference for each listed metric: below 1 means ours is lower (faster, smaller); ratioToHocuspocus = ours / hocuspocus.',
			'edits-100x5-postgres: ours on a fresh PostgreSQL schema, no Redis. edits-100x5-three-instances: one instance, then three (all pinned to the server core; PostgreSQL and Redis are not pinned), each with DATABASE_URL and REDIS_URL on a fresh schema and channel prefix; comparisons holds the ratios to one instance and to SQLite (edits-100x5 of the same run).',
			'Clients behave like our browser client: sync step 1 on open, step 2 in answer to the server step 1, and each client sends only its own awareness state. Stock y-websocket providers also re-broadcast other clients\' awareness; these clients do not, so the reference is not loaded with that echo traffic.',
			'Receivers do not apply updates: edits carry a unique marker found in the raw frame; cursor states carry their send time, decoded by 10 probe receivers per room, while all receivers track the latest awareness clock per peer.',
			'Latencies are measured in one process with performance.now() (cursors: in child processes of 50 clients each, with epoch clocks, each process\'s own event-loop delay in generators[]); they include the load generator\'s own event-loop delay (reported per scenario as load.loadGeneratorEventLoopDelayP99Ms, loadGeneratorEventLoopDelayMaxMs and loadGeneratorCpuCores, child processes included; near 1 core means the load generator may be the bottleneck).',
			'Edits and cursors: a warm-up period precedes measurement and its samples are discarded; undelivered counts are taken after the settle period.',
			'late-join firstReplyMs: from sending step 1 until the joiner holds the complete state (the step 2 reply plus any update the server sends, before or after it, to complete it; complete once step 2 has arrived and the marker of the latest edit has been seen); each joiner arrives just after an edit; firstStep2FrameMs: the same joiners until the step 2 frame alone; firstReplyCachedMs: joiners in a row with no change in between. 20 joiners: all connect, then all send step 1 in one tick; pooled over rounds, each round after an edit.',
			'idle: clients are synced and silent (no awareness state). KB per connection = (RSS with all connections - RSS with one room and one client) / added connections, averaged over 1 s after a quiet period.',
			'Other processes on the machine disturb the figures: before each run the bench waits (up to 10 s, 60 s in all) for the machine to be quiet; machineBefore and load.otherCpuCores / load.stealSeconds show how quiet it was. In full mode, during the first 4.5 minutes, a run disturbed by more than 0.25 cores of other work or hypervisor steal is repeated once and the less disturbed attempt is kept (attempts: 2).',
			'edits-100x5 and stalls-10000 (full mode): three alternating rounds (ours, reference, hocuspocus, then again twice); ours, reference and hocuspocus are the round whose measure is the median (edits-100x5: the CPU ratio ours / reference; stalls-10000: our event-loop delay max), and rounds[] lists every round in the order run. The machine\'s speed drifts by up to 1.5x within minutes, which one run can put into a ratio or an extreme.',
			'edits-100x5-side-by-side: ours and the reference under the edits-100x5 load at the same time, both pinned to the server core, each with its own 500 clients; ratio[\'load.serverCpuSeconds\'] = ours / reference over the same window, which the machine\'s drift cannot move apart. Their latencies include waiting for the shared core, so they are not the standalone figures.',
			'serverEventLoopDelay: the server process\'s own event-loop delay histogram (monitorEventLoopDelay, preloaded with --import bench/event-loop-probe.mjs into ours and the reference alike), from the start of the scenario\'s load window (or the server\'s start, where a scenario has none) to the end of the scenario; the sampling period is subtracted.',
			'server.* = the server process over the whole scenario run (RSS from /proc/<pid>/status VmRSS, CPU = utime+stime from /proc/<pid>/stat); load.* = the load window only.',
			'two-instance-*: two of our server processes (both pinned to the server core) share a fresh PostgreSQL schema and a Redis channel prefix; clients alternate between them; crossInstanceLatencyMs covers the pairs whose sender and receiver are on different instances (through the store and Redis). server.* is the first instance. PostgreSQL and Redis themselves are not pinned.',
			'edits-200x5: 1,000 connections (200 rooms x 5), each editing 1/s.',
			'soak (only with --only=soak; --soak-minutes, default 10): rss.growthPct compares the mean RSS over 30 s at 20% of the run (minute 2 of 10) with the mean over the last 30 s.',
			'coverage-300x1000: in this process, no server. ours = the live coverage tracker (src/lib/shared/board/coverage-live.ts), reference = a full recompute from the document per edit; afterEditMs runs from the start of the edit\'s transaction to the recomputed coverage in hand (the edit itself included).'
		],
		scenarios: results,
		comparisons: compareScaleOut(results)
	};
	const json = JSON.stringify(report, null, 2);
	fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	fs.writeFileSync(RESULTS_FILE, json + '\n');
	process.stdout.write(json + '\n');
	progress(`done; written to ${path.relative(ROOT, RESULTS_FILE)}`);
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
		process.exit(1);
	}
);
