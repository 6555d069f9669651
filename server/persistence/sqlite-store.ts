/**
 * The embedded default store: one SQLite file in WAL mode. better-sqlite3 is synchronous, which
 * suits group commit: a batch is one short transaction on the event loop, with no interleaving.
 *
 * synchronous=NORMAL in WAL mode means a committed transaction survives a crash or kill -9 of
 * this process (the WAL write has reached the OS), though not necessarily a power cut.
 *
 * Updates are appended to a journal file first (append-journal.ts: one write() each, the same
 * promise) and moved into the log table in batches; everything that reads the log moves them
 * first. The journal and the sequence numbers kept in memory make the store one process's: a
 * second store on the same data directory is refused while the first is open (an exclusive
 * SQLite lock on a file of its own, which the operating system drops when a process dies).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { docId, type DocKey, type DocStore, type IterationRecord, type PendingUpdate, type RoomRecord, type StoredDoc, type StoredLog } from './doc-store.ts';
import { AppendJournal, type JournalRecord } from './append-journal.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { ROOM_ROW, toIterationListing, type IterationRow } from './room-row.ts';
import { createSqliteSystems } from './sqlite-systems.ts';

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
	room_id TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	facilitator_key_hash TEXT NOT NULL,
	observer_id_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS doc_snapshots (
	room_id TEXT NOT NULL,
	doc_name TEXT NOT NULL,
	data BLOB NOT NULL,
	folded_updates INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (room_id, doc_name)
) STRICT;
CREATE TABLE IF NOT EXISTS doc_log (
	room_id TEXT NOT NULL,
	doc_name TEXT NOT NULL,
	seq INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (room_id, doc_name, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS doc_log_floor (
	room_id TEXT NOT NULL,
	doc_name TEXT NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (room_id, doc_name)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS iterations (
	room_id TEXT NOT NULL,
	number INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	started_by TEXT NOT NULL,
	summary TEXT NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (room_id, number)
) STRICT;
`;

/*
 * The update log is one table clustered by document (WITHOUT ROWID, keyed by room, document and
 * sequence number) and numbered per document, so most appends write one b-tree page to the WAL
 * (one in three fills a leaf in the middle of the tree, which SQLite rebalances: four pages).
 * The first schema, a rowid table with AUTOINCREMENT and an index by document, wrote three or
 * four (table, index, sqlite_sequence): 14 KB of WAL per append against 7.5 KB now, and 36 us of
 * CPU against 28 in a loop of 20,000 appends over 100 documents. In the running server under
 * edit load the difference was within the noise of the bench (3.30 s against 3.27 s of CPU).
 * A document's next number is one above its last entry, or above doc_log_floor once compaction
 * has emptied its log, so numbers never repeat within a document.
 */

/** Attempts of a compaction whose snapshot changed under it (only another writer can do that). */
const COMPACT_ATTEMPTS = 3;

/**
 * Snapshots of at least this many bytes that a compaction stored are kept in memory, up to
 * SNAPSHOT_CACHE_BYTES in all (least recently compacted dropped first), so that the next
 * compaction of the document need not read its snapshot back: at 10,000 notes that read (2.4 MB)
 * took 5-14 ms of the event loop once per ~1,000 updates. Smaller ones are quick to read.
 */
const CACHED_SNAPSHOT_MIN_BYTES = 64 * 1024;
const SNAPSHOT_CACHE_BYTES = 64 * 1024 * 1024;

/** Size the WAL file is truncated to after a checkpoint lets it restart. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * How long journal records wait before they are moved into the log table (one transaction for
 * all of them), and how many may wait before they move at the next turn (past JOURNAL_MOVE_BYTES
 * or JOURNAL_MAX_WAITING they move inside the append). A move costs mostly the B-tree pages it dirties, about one per row when moves are small
 * and rooms many: at 100 documents a row cost 14.7 us of CPU and 7.8 KB of WAL in moves of 25
 * rows (50 ms at 500 updates/s, the first setting), 8.5 us and 4.2 KB in moves of 250
 * (bench/journal-move.ts). The count bounds how long one move holds the event loop: 4.6 ms for
 * 250 rows over 1,000 documents, 7.5 ms for 500, which put edits-1000x5's p99 at 48-106 ms in
 * two runs against 13-17 ms with 250.
 */
const JOURNAL_MOVE_MS = 1_000;
const JOURNAL_MOVE_RECORDS = 250;
const JOURNAL_MOVE_BYTES = 4 * 1024 * 1024;
/**
 * While moving fails: how often it is tried again, and how many records may wait before appends
 * are refused. Otherwise, as many waiting are moved at once, not at the next turn.
 */
const JOURNAL_RETRY_MS = 500;
const JOURNAL_MAX_WAITING = 1_000;
/** Documents whose last sequence number is kept in memory, at most (each is re-read when dropped). */
const KNOWN_SEQS_MAX = 100_000;

export const JOURNAL_FILE = 'threatboard.journal';
const LOCK_FILE = 'threatboard.lock';

/** Held while a store is open on a data directory; see the header. */
function claimDataDir(dataDir: string): Database.Database {
	const lock = new Database(path.join(dataDir, LOCK_FILE));
	try {
		lock.pragma('busy_timeout = 0');
		lock.pragma('locking_mode = EXCLUSIVE');
		lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL) STRICT');
		// In EXCLUSIVE locking mode the lock taken by a write is kept until the connection closes.
		lock.exec(`BEGIN EXCLUSIVE; DELETE FROM holder; INSERT INTO holder VALUES (${process.pid}); COMMIT`);
		return lock;
	} catch (err) {
		lock.close();
		if ((err as { code?: string }).code === 'SQLITE_BUSY') {
			throw new Error(
				`the data directory ${dataDir} is in use by another Threatboard server: one server per SQLite data directory (several share a store through DATABASE_URL)`
			);
		}
		throw err;
	}
}

export function createSqliteStore(dataDir: string): DocStore {
	fs.mkdirSync(dataDir, { recursive: true });
	const lock = claimDataDir(dataDir);
	const file = path.join(dataDir, 'threatboard.sqlite3');
	let db: Database.Database;
	try {
		db = new Database(file);
	} catch (err) {
		lock.close();
		throw err;
	}
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.pragma('busy_timeout = 5000');
	// Once checkpointed, a WAL grown by a burst is cut back to this size when it restarts; without
	// it, one burst (401 MiB seen in a room-creation flood) stays on disk while the server runs.
	db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
	db.exec(SQLITE_SCHEMA);
	migrateUpdateLog(db);
	// Files written before snapshots counted their folded updates (StoredDoc.version).
	if (!(db.pragma('table_info(doc_snapshots)') as Array<{ name: string }>).some((column) => column.name === 'folded_updates')) {
		db.exec('ALTER TABLE doc_snapshots ADD COLUMN folded_updates INTEGER NOT NULL DEFAULT 0');
	}
	// Checkpoints (and their fsyncs) happen in a worker; if it fails, SQLite does them again.
	db.pragma('wal_autocheckpoint = 0');
	const checkpointer = startCheckpointer(file, (reason) => {
		process.emitWarning(`WAL checkpointer stopped (${reason}); falling back to automatic checkpoints`);
		if (!closed) db.pragma('wal_autocheckpoint = 1000');
	});

	const insertRoom = db.prepare(ROOM_ROW.insert('rooms', 'sqlite'));
	const selectRoom = db.prepare<[string], unknown>('SELECT * FROM rooms WHERE room_id = ?');
	const selectRoomByObserver = db.prepare<[string], unknown>('SELECT * FROM rooms WHERE observer_id_hash = ?');
	const selectSnapshot = db.prepare<[string, string], { data: Buffer; folded_updates: number }>(
		'SELECT data, folded_updates FROM doc_snapshots WHERE room_id = ? AND doc_name = ?'
	);
	const selectUpdates = db.prepare<[string, string], { seq: number; data: Buffer }>(
		'SELECT seq, data FROM doc_log WHERE room_id = ? AND doc_name = ? ORDER BY seq'
	);
	const raiseFloor = db.prepare(
		'INSERT INTO doc_log_floor (room_id, doc_name, seq) VALUES (?, ?, ?) ON CONFLICT (room_id, doc_name) DO UPDATE SET seq = max(seq, excluded.seq)'
	);
	const upsertSnapshot = db.prepare(
		'INSERT INTO doc_snapshots (room_id, doc_name, data) VALUES (?, ?, ?) ON CONFLICT (room_id, doc_name) DO UPDATE SET data = excluded.data'
	);
	const selectFolded = db.prepare<[string, string], { folded_updates: number }>(
		'SELECT folded_updates FROM doc_snapshots WHERE room_id = ? AND doc_name = ?'
	);
	const storeFold = db.prepare(
		'UPDATE doc_snapshots SET data = ?, folded_updates = folded_updates + ? WHERE room_id = ? AND doc_name = ?'
	);
	const insertFold = db.prepare('INSERT INTO doc_snapshots (room_id, doc_name, data, folded_updates) VALUES (?, ?, ?, ?)');
	const deleteUpdates = db.prepare('DELETE FROM doc_log WHERE room_id = ? AND doc_name = ? AND seq <= ?');
	const lastIteration = db.prepare<[string], { n: number }>('SELECT coalesce(max(number), 0) AS n FROM iterations WHERE room_id = ?');
	const insertIteration = db.prepare(
		'INSERT INTO iterations (room_id, number, created_at, started_by, summary, data) VALUES (?, ?, ?, ?, ?, ?)'
	);
	const selectIterations = db.prepare<[string], IterationRow>(
		'SELECT room_id, number, created_at, started_by, summary, length(data) AS bytes FROM iterations WHERE room_id = ? ORDER BY number'
	);
	const selectIteration = db.prepare<[string, number], IterationRow & { data: Buffer }>(
		'SELECT room_id, number, created_at, started_by, summary, length(data) AS bytes, data FROM iterations WHERE room_id = ? AND number = ?'
	);
	const ping = db.prepare('SELECT 1');
	const countRooms = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rooms');

	const createRoomTx = db.transaction(
		(room: RoomRecord, docs: ReadonlyArray<DocKey & { snapshot: Uint8Array }>) => {
			insertRoom.run(...ROOM_ROW.values(room));
			for (const doc of docs) upsertSnapshot.run(doc.roomId, doc.docName, doc.snapshot);
		}
	);
	let closed = false;

	// --- the journal (append-journal.ts) ---------------------------------------------------------
	const lastSeqOf = db
		.prepare<[string, string, string, string], number>(
			`SELECT coalesce(
				(SELECT max(seq) FROM doc_log WHERE room_id = ? AND doc_name = ?),
				(SELECT seq FROM doc_log_floor WHERE room_id = ? AND doc_name = ?),
				0)`
		)
		.pluck();
	const insertLogged = db.prepare('INSERT INTO doc_log (room_id, doc_name, seq, data) VALUES (?, ?, ?, ?)');
	// After a crash: records already moved (the crash came between the move and emptying the
	// journal) or already folded into a snapshot are there; the others are added.
	const insertRecovered = db.prepare(
		`INSERT INTO doc_log (room_id, doc_name, seq, data) SELECT @roomId, @docName, @seq, @update
		WHERE @seq > coalesce((SELECT seq FROM doc_log_floor WHERE room_id = @roomId AND doc_name = @docName), 0)
		ON CONFLICT (room_id, doc_name, seq) DO NOTHING`
	);
	const moveTx = db.transaction((records: readonly JournalRecord[], recovered: boolean) => {
		if (recovered) for (const r of records) insertRecovered.run(r);
		else for (const r of records) insertLogged.run(r.roomId, r.docName, r.seq, r.update);
	});
	let journal: AppendJournal;
	try {
		const opened = AppendJournal.open(path.join(dataDir, JOURNAL_FILE));
		journal = opened.journal;
		if (opened.recovered.length > 0) moveTx.immediate(opened.recovered, true);
		if (opened.tornBytes > 0) {
			process.emitWarning(`${JOURNAL_FILE}: dropped ${opened.tornBytes} bytes after its last whole record (a write cut short)`);
		}
		if (journal.bytes > 0) journal.reset();
	} catch (err) {
		void checkpointer.close();
		db.close();
		lock.close();
		throw err;
	}
	/** The last sequence number given to each document, by docId. */
	const knownSeqs = new Map<string, number>();
	/** Records in the journal and not yet in the log table, in the order they were written. */
	let waiting: JournalRecord[] = [];
	let moveTimer: NodeJS.Timeout | null = null;
	/**
	 * Moves the waiting records into the log table and empties the journal; throws when SQLite
	 * does, leaving a retry scheduled.
	 */
	const moveJournal = () => {
		if (moveTimer) clearTimeout(moveTimer);
		moveTimer = null;
		if (waiting.length === 0) return;
		try {
			moveTx(waiting, false);
		} catch (err) {
			if (!closed) moveTimer = setTimeout(moveLater, JOURNAL_RETRY_MS);
			throw err;
		}
		waiting = [];
		journal.reset();
		if (knownSeqs.size > KNOWN_SEQS_MAX) knownSeqs.clear();
	};
	/** Set while moving fails: tried again on a timer, not on every append. */
	let moveFailure: string | null = null;
	const moveLater = () => {
		try {
			moveJournal();
			moveFailure = null;
		} catch (err) {
			// The records stay in the journal (safe across a crash) and in memory; tried again soon.
			if (moveFailure === null) process.emitWarning(`moving journal records into SQLite failed: ${(err as Error).message}`);
			moveFailure = (err as Error).message;
		}
	};
	const append = (batch: readonly PendingUpdate[]): number[] => {
		// Past this the store fails like one whose commits fail: the persister holds updates back.
		if (moveFailure !== null && waiting.length >= JOURNAL_MAX_WAITING) throw new Error(`the journal cannot be moved into SQLite: ${moveFailure}`);
		const records: JournalRecord[] = new Array(batch.length);
		const seqs: number[] = new Array(batch.length);
		for (let i = 0; i < batch.length; i++) {
			const u = batch[i];
			const id = docId(u);
			const seq = (knownSeqs.get(id) ?? lastSeqOf.get(u.roomId, u.docName, u.roomId, u.docName)!) + 1;
			knownSeqs.set(id, seq);
			seqs[i] = seq;
			records[i] = { roomId: u.roomId, docName: u.docName, seq, update: u.update };
		}
		try {
			journal.append(records);
		} catch (err) {
			// Each document's number goes back to the one before its first record of this batch.
			for (let i = batch.length - 1; i >= 0; i--) knownSeqs.set(docId(batch[i]), seqs[i] - 1);
			throw err;
		}
		for (const r of records) waiting.push(r);
		if (moveFailure !== null) return seqs; // the retry timer moves them
		if (journal.bytes >= JOURNAL_MOVE_BYTES || waiting.length >= JOURNAL_MAX_WAITING) {
			// Memory's bound: now, even if appends come faster than the event loop turns.
			moveLater();
		} else if (waiting.length >= JOURNAL_MOVE_RECORDS && waiting.length - records.length < JOURNAL_MOVE_RECORDS) {
			// At the next turn: this batch's updates are broadcast first, not held behind the move.
			if (moveTimer) clearTimeout(moveTimer);
			moveTimer = setTimeout(moveLater, 0);
		} else moveTimer ??= setTimeout(moveLater, JOURNAL_MOVE_MS);
		return seqs;
	};
	const appendNow = (batch: readonly PendingUpdate[]): number[] => {
		open();
		return append(batch);
	};
	/** Before anything reads the log table. */
	const readable = () => {
		open();
		moveJournal();
	};
	// Compaction in two short transactions, so that the fold (in a worker, for large documents)
	// does not hold the database: read the snapshot and the log up to its last entry N; fold; then
	// store the snapshot and delete the entries <= N, unless the snapshot changed in between.
	// The snapshot comes from the cache when it is the one stored (same count of folded updates).
	const snapshots = new SnapshotCache();
	const readLogTx = db.transaction((key: DocKey, id: string) => {
		const folded = selectFolded.get(key.roomId, key.docName)?.folded_updates ?? null;
		const snapshot = folded === null ? null : (snapshots.get(id, folded) ?? selectSnapshot.get(key.roomId, key.docName)!.data);
		const rows = selectUpdates.all(key.roomId, key.docName);
		return { snapshot, folded, entries: rows.map((r) => ({ seq: r.seq, update: r.data })) };
	});
	// The snapshot is the one read if its count of folded updates is: every fold raises it (by the
	// entries it folds, at least one), and nothing else replaces a snapshot once the room exists.
	// Comparing the bytes instead read the whole snapshot again (2.4 MB at 10,000 notes: 14 ms).
	const writeFoldTx = db.transaction((key: DocKey, read: number | null, folded: Uint8Array, entries: number, lastSeq: number) => {
		const current = selectFolded.get(key.roomId, key.docName)?.folded_updates ?? null;
		if (current !== read) return false;
		if (current !== null) storeFold.run(folded, entries, key.roomId, key.docName);
		else insertFold.run(key.roomId, key.docName, folded, entries);
		deleteUpdates.run(key.roomId, key.docName, lastSeq);
		raiseFloor.run(key.roomId, key.docName, lastSeq);
		return true;
	});
	/** Compactions in progress, by document: one at a time per document. */
	const compacting = new Map<string, Promise<unknown>>();
	async function compactOnce(key: DocKey, id: string, fold: (stored: StoredLog) => Uint8Array | Promise<Uint8Array>): Promise<number> {
		for (let attempt = 1; ; attempt++) {
			readable();
			const stored = readLogTx(key, id);
			if (stored.entries.length === 0) return 0;
			const folded = await fold(stored);
			open();
			const entries = stored.entries.length;
			if (writeFoldTx(key, stored.folded, folded, entries, stored.entries[entries - 1].seq)) {
				snapshots.set(id, (stored.folded ?? 0) + entries, folded);
				return entries;
			}
			if (attempt >= COMPACT_ATTEMPTS) throw new Error('the snapshot kept changing during compaction');
		}
	}

	// Synchronous: nothing can take the same number in between.
	const addIterationTx = db.transaction((it: IterationRecord, maxPerRoom: number): number | undefined => {
		const last = lastIteration.get(it.roomId)!.n;
		if (last >= maxPerRoom) return undefined;
		insertIteration.run(it.roomId, last + 1, it.createdAt, it.startedBy, it.summary, it.data);
		return last + 1;
	});

	const open = () => {
		if (closed) throw new Error('store is closed');
	};
	// Systems read each board's version, which counts its log entries.
	const systems = createSqliteSystems(db, open, readable);

	return {
		kind: 'sqlite',
		// appendUpdates commits before it returns: a second one could only wait behind it.
		concurrentAppends: 1,
		systems,
		async createRoom(room, initialDocs) {
			open();
			createRoomTx(room, initialDocs);
		},
		async getRoom(roomId) {
			open();
			return ROOM_ROW.read(selectRoom.get(roomId));
		},
		async getRoomByObserverHash(hash) {
			open();
			return ROOM_ROW.read(selectRoomByObserver.get(hash));
		},
		async loadDoc(key): Promise<StoredDoc> {
			readable();
			// Nothing of it waits in the journal now: its next number is read from the table again,
			// which also counts rows a tool added while the document was not loaded (tests/e2e seeds).
			knownSeqs.delete(docId(key));
			const updates: Uint8Array[] = [];
			const snapshot = selectSnapshot.get(key.roomId, key.docName);
			if (snapshot) updates.push(snapshot.data);
			let lastSeq = 0;
			const seqs: number[] = [];
			for (const row of selectUpdates.iterate(key.roomId, key.docName)) {
				updates.push(row.data);
				lastSeq = row.seq;
				seqs.push(row.seq);
			}
			return { updates, lastSeq, logLength: seqs.length, seqs, version: (snapshot?.folded_updates ?? 0) + seqs.length };
		},
		async appendUpdates(batch) {
			return appendNow(batch);
		},
		appendUpdatesNow: appendNow,
		async compact(key, fold) {
			open();
			const id = docId(key);
			const before = compacting.get(id) ?? Promise.resolve();
			const run = before.catch(() => {}).then(() => compactOnce(key, id, fold));
			compacting.set(id, run);
			try {
				return await run;
			} finally {
				if (compacting.get(id) === run) compacting.delete(id);
			}
		},
		async addIteration(iteration, maxPerRoom) {
			open();
			return addIterationTx(iteration, maxPerRoom);
		},
		async listIterations(roomId) {
			open();
			return selectIterations.all(roomId).map(toIterationListing);
		},
		async getIteration(roomId, number) {
			open();
			const row = selectIteration.get(roomId, number);
			return row && { ...toIterationListing(row), data: row.data };
		},
		async countRooms() {
			open();
			return countRooms.get()!.n;
		},
		async freeDiskBytes() {
			open();
			const stats = await fs.promises.statfs(dataDir);
			return stats.bavail * stats.bsize;
		},
		async ping() {
			open();
			ping.get();
		},
		async close() {
			if (closed) return;
			closed = true;
			try {
				moveJournal();
			} catch (err) {
				// Kept in the journal: the next open moves them.
				process.emitWarning(`closing with ${waiting.length} updates in the journal: ${(err as Error).message}`);
			}
			journal.close();
			await checkpointer.close();
			db.close();
			lock.close();
		}
	};
}

/**
 * Moves a log written by the first schema (doc_updates, numbered across all documents) into
 * doc_log, keeping its numbers, and floors every document at the last number given, so that no
 * number is handed out again. One transaction: a failed move leaves the old table in place.
 */
function migrateUpdateLog(db: Database.Database): void {
	const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doc_updates'").get();
	if (!old) return;
	db.transaction(() => {
		const last = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'doc_updates'").get()?.seq ?? 0;
		db.exec('INSERT INTO doc_log (room_id, doc_name, seq, data) SELECT room_id, doc_name, seq, data FROM doc_updates');
		db.prepare(
			`INSERT INTO doc_log_floor (room_id, doc_name, seq)
			SELECT room_id, doc_name, ? FROM (SELECT room_id, doc_name FROM doc_snapshots UNION SELECT room_id, doc_name FROM doc_updates)
			WHERE true ON CONFLICT (room_id, doc_name) DO UPDATE SET seq = max(seq, excluded.seq)`
		).run(last);
		db.exec('DROP TABLE doc_updates');
	}).immediate();
}

/** The snapshots this store last wrote, by document, with the count of updates each folds. */
export class SnapshotCache {
	#entries = new Map<string, { folded: number; bytes: Uint8Array }>();
	#bytes = 0;

	constructor(
		private readonly minBytes = CACHED_SNAPSHOT_MIN_BYTES,
		private readonly maxBytes = SNAPSHOT_CACHE_BYTES
	) {}

	/** Bytes held in all. */
	get bytes(): number {
		return this.#bytes;
	}

	/** The snapshot stored with `folded` updates folded, if it is kept. */
	get(id: string, folded: number): Uint8Array | undefined {
		const entry = this.#entries.get(id);
		if (!entry || entry.folded !== folded) return undefined;
		this.#entries.delete(id);
		this.#entries.set(id, entry);
		return entry.bytes;
	}

	set(id: string, folded: number, bytes: Uint8Array): void {
		this.#drop(id);
		if (bytes.length < this.minBytes || bytes.length > this.maxBytes) return;
		this.#entries.set(id, { folded, bytes });
		this.#bytes += bytes.length;
		for (const oldest of this.#entries.keys()) {
			if (this.#bytes <= this.maxBytes) break;
			this.#drop(oldest);
		}
	}

	#drop(id: string): void {
		const entry = this.#entries.get(id);
		if (!entry) return;
		this.#bytes -= entry.bytes.length;
		this.#entries.delete(id);
	}
}
