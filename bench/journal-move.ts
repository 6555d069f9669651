/**
 * `node --import tsx bench/journal-move.ts`: what a move of the SQLite store's journal into the
 * log table costs per row, by how many rows one move takes and how many documents they spread
 * over (server/persistence/sqlite-store.ts, JOURNAL_MOVE_MS and JOURNAL_MOVE_RECORDS).
 *
 * The store's own schema and pragmas (WAL, synchronous=NORMAL, no automatic checkpoint: the
 * server checkpoints off the main thread) on a fresh file in the temp dir; the log is first
 * filled with 50 rows per document, then 20,000 rows of 120 bytes, each for a random document,
 * are inserted in moves of the given size. Printed: CPU per row (user + system of this process),
 * the longest move (how long it holds the event loop) and the WAL written per row. Moves of 25
 * rows at 100 documents are what the store did before 2026-12-07 late (50 ms at 500 updates/s):
 * the reference row. JSON on stdout and in bench/results/journal-move.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_SCHEMA } from '../server/persistence/sqlite-store.ts';
import { round } from './stats.ts';

const ROWS = 20_000;
const PREFILL_PER_DOC = 50;
const UPDATE = Buffer.alloc(120, 7);
const RESULTS_FILE = path.resolve(import.meta.dirname, 'results/journal-move.json');

function measure(docs: number, perMove: number) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatboard-bench-journal-'));
	const file = path.join(dir, 'x.sqlite3');
	const db = new Database(file);
	try {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		db.pragma('wal_autocheckpoint = 0');
		db.exec(SQLITE_SCHEMA);
		const insert = db.prepare('INSERT INTO doc_log (room_id, doc_name, seq, data) VALUES (?, ?, ?, ?)');
		const move = db.transaction((rows: Array<[string, number]>) => {
			for (const [roomId, seq] of rows) insert.run(roomId, 'board', seq, UPDATE);
		});
		const roomIds = Array.from({ length: docs }, (_, i) => `room${String(i).padStart(20, '0')}`);
		const lastSeq = new Array<number>(docs).fill(0);
		const rows = (n: number) =>
			Array.from({ length: n }, (): [string, number] => {
				const d = Math.floor(Math.random() * docs);
				return [roomIds[d], ++lastSeq[d]];
			});
		for (let i = 0; i < PREFILL_PER_DOC; i++) move(rows(docs));
		db.pragma('wal_checkpoint(TRUNCATE)');
		let longestMs = 0;
		const before = process.cpuUsage();
		for (let done = 0; done < ROWS; done += perMove) {
			const batch = rows(perMove);
			const started = performance.now();
			move(batch);
			longestMs = Math.max(longestMs, performance.now() - started);
		}
		const cpu = process.cpuUsage(before);
		const walBytes = fs.statSync(`${file}-wal`).size;
		return {
			docs,
			rowsPerMove: perMove,
			cpuMicrosPerRow: round((cpu.user + cpu.system) / ROWS),
			longestMoveMs: round(longestMs),
			walBytesPerRow: Math.round(walBytes / ROWS)
		};
	} finally {
		db.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const results = [];
for (const docs of [100, 1_000]) {
	for (const perMove of [25, 50, 250, 500, 1_000]) {
		const r = measure(docs, perMove);
		results.push(r);
		process.stderr.write(
			`${String(docs).padStart(5)} documents, ${String(perMove).padStart(4)} rows per move: ${String(r.cpuMicrosPerRow).padStart(5)} us CPU per row, longest move ${String(r.longestMoveMs).padStart(5)} ms, ${r.walBytesPerRow} B of WAL per row\n`
		);
	}
}
const report = { bench: 'bench/journal-move.ts', date: new Date().toISOString(), node: process.version, rows: ROWS, results };
fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report)}\n`);
