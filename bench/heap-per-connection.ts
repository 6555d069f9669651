/**
 * Where an idle connection's memory goes (issue 17): starts a server (ours or the stock one) with
 * `--heapsnapshot-signal`, takes a heap snapshot with one synced client in one room and another
 * with `--connections` synced idle clients in it, and prints, per constructor (or node kind), what
 * the second holds more than the first, divided by the connections added. A heap snapshot forces
 * a full GC first, so the figures do not depend on when V8 last collected.
 *
 *   node --import tsx bench/heap-per-connection.ts [--server=ours|reference] [--connections=1000] [--snapshots [--top=40] [--keep]]
 *
 * Outside the V8 heap (and so not in a snapshot) a connection also holds kernel socket buffers
 * (not in RSS) and native memory of its TCP handle: RSS per connection is reported beside.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyncClient, closeAll, connectAll, sleep, withTimeout } from './clients.ts';
import { steadyServerMemory, type SteadyMemory } from './memory.ts';
import { ourServerEntry, startServer, type ServerKind } from './servers.ts';

interface Args {
	server: ServerKind;
	connections: number;
	top: number;
	keep: boolean;
	snapshots: boolean;
}

const SETTLE_MS = 2_000;

function parseArgs(argv: string[]): Args {
	const args: Args = { server: 'ours', connections: 1_000, top: 40, keep: false, snapshots: false };
	for (const arg of argv) {
		const [key, value] = arg.split('=', 2);
		if (key === '--server' && (value === 'ours' || value === 'reference' || value === 'hocuspocus')) args.server = value;
		else if (key === '--connections') args.connections = Number(value);
		else if (key === '--top') args.top = Number(value);
		else if (key === '--keep') args.keep = true;
		else if (key === '--snapshots') args.snapshots = true;
		else throw new Error(`unknown argument ${arg}`);
	}
	return args;
}

interface Snapshot {
	snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
	nodes: number[];
	strings: string[];
}

/** Self size and count per "kind:name" (objects by constructor, strings, code, native...). */
function summarise(file: string): Map<string, { bytes: number; count: number }> {
	const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
	const fields = snap.snapshot.meta.node_fields;
	const kinds = snap.snapshot.meta.node_types[0];
	const stride = fields.length;
	const typeAt = fields.indexOf('type');
	const nameAt = fields.indexOf('name');
	const sizeAt = fields.indexOf('self_size');
	const out = new Map<string, { bytes: number; count: number }>();
	for (let i = 0; i < snap.nodes.length; i += stride) {
		const kind = kinds[snap.nodes[i + typeAt]];
		// Strings and numbers are grouped by kind: their "name" is their value.
		const name = kind === 'object' || kind === 'closure' || kind === 'native' || kind === 'hidden' ? snap.strings[snap.nodes[i + nameAt]] : '';
		const key = `${kind}:${name.slice(0, 60)}`;
		const row = out.get(key) ?? { bytes: 0, count: 0 };
		row.bytes += snap.nodes[i + sizeAt];
		row.count++;
		out.set(key, row);
	}
	return out;
}

function perConnection(empty: SteadyMemory, loaded: SteadyMemory, added: number, withRss: boolean) {
	const per = (pick: (m: SteadyMemory) => number) => Math.round(((pick(loaded) - pick(empty)) / added) * 10) / 10;
	return {
		rss: withRss ? per((m) => m.rssKB) : null,
		heapUsed: per((m) => m.heapUsedKB),
		heapCommitted: per((m) => m.heapCommittedKB),
		external: per((m) => m.externalKB)
	};
}

function brief(m: SteadyMemory) {
	const { spaces, ...rest } = m;
	const newSpace = spaces?.new_space?.committedKB;
	return { ...rest, newSpaceCommittedKB: newSpace };
}

async function snapshotNow(pid: number, dir: string): Promise<string> {
	const before = new Set(fs.readdirSync(dir));
	process.kill(pid, 'SIGUSR1');
	for (;;) {
		await sleep(200);
		const fresh = fs.readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f));
		// Written in one go; the size stops changing once it is complete.
		if (fresh.length === 1) {
			const file = path.join(dir, fresh[0]);
			const size = fs.statSync(file).size;
			await sleep(500);
			if (size > 0 && fs.statSync(file).size === size) return file;
		}
	}
}

/** Per constructor, what `loaded` holds more than `empty`, per added connection. */
function diffPerConnection(emptyFile: string, loadedFile: string, added: number) {
	const empty = summarise(emptyFile);
	const rows: Array<{ key: string; bytes: number; count: number }> = [];
	let total = 0;
	for (const [key, row] of summarise(loadedFile)) {
		const base = empty.get(key) ?? { bytes: 0, count: 0 };
		const bytes = (row.bytes - base.bytes) / added;
		total += bytes;
		rows.push({ key, bytes, count: (row.count - base.count) / added });
	}
	rows.sort((a, b) => b.bytes - a.bytes);
	return { heapBytesPerConnection: Math.round(total), rows };
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.server === 'ours' && !fs.existsSync(ourServerEntry())) throw new Error('build the server first: node scripts/build-server.mjs');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatboard-heap-'));
	process.env.BENCH_SERVER_NODE_FLAGS = `${process.env.BENCH_SERVER_NODE_FLAGS ?? ""} --heapsnapshot-signal=SIGUSR1 --diagnostic-dir=${dir}`;
	const server = await startServer(args.server, null);
	try {
		const roomId = await server.createRoom();
		const join = () => new SyncClient({ url: server.syncUrl(roomId), protocols: server.protocols });
		const first = join();
		await withTimeout(first.opened.then(() => first.synced), 15_000, 'first client did not sync');
		await sleep(SETTLE_MS);
		const emptyMemory = await steadyServerMemory(server.pid, server.memoryFile, 3, 300);
		// A snapshot leaves native memory behind: RSS is only read in runs without snapshots.
		const emptyFile = args.snapshots ? await snapshotNow(server.pid, dir) : null;
		const others = await connectAll(args.connections - 1, join);
		await sleep(SETTLE_MS);
		const loadedMemory = await steadyServerMemory(server.pid, server.memoryFile, 3, 300);
		const loadedFile = args.snapshots ? await snapshotNow(server.pid, dir) : null;
		closeAll([first, ...others]);

		const added = args.connections - 1;
		const heap = emptyFile && loadedFile ? diffPerConnection(emptyFile, loadedFile, added) : null;
		const report = {
			server: args.server,
			connections: args.connections,
			// After forced full GCs (bench/memory-probe.mjs); rss only without snapshots.
			perConnectionKB: perConnection(emptyMemory, loadedMemory, added, !args.snapshots),
			memory: { empty: brief(emptyMemory), loaded: brief(loadedMemory) },
			heapBytesPerConnection: heap?.heapBytesPerConnection ?? null,
			top: heap?.rows.slice(0, args.top).map((r) => `${Math.round(r.bytes)} B  x${Math.round(r.count * 100) / 100}  ${r.key}`) ?? null
		};
		process.stdout.write(JSON.stringify(report, null, 1) + '\n');
	} finally {
		await server.stop();
		if (!args.keep) fs.rmSync(dir, { recursive: true, force: true });
		else process.stderr.write(`snapshots kept in ${dir}\n`);
	}
}

main().then(
	() => process.exit(0),
	(err: unknown) => {
		process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
		process.exit(1);
	}
);
