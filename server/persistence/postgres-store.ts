/**
 * The shared store for running several instances (DATABASE_URL): the same snapshot-plus-log
 * layout as SQLite, in one schema (DATABASE_SCHEMA) created on first use.
 *
 * Several writers change two things compared with SQLite:
 * - sequence numbers are handed out at insert time, not commit time, so a log entry with a lower
 *   seq can become visible after one with a higher seq. Compaction therefore deletes exactly
 *   the entries it read, never "everything up to seq N";
 * - two instances may compact one document at once; a transaction-scoped advisory lock per
 *   document serialises them, so neither overwrites a snapshot the other has just extended.
 *
 * A commit returns once PostgreSQL has flushed its WAL (synchronous_commit, the default), which
 * keeps the DocStore contract: appended updates survive a crash of this process or the database.
 */
import pg from 'pg';
import type { DocKey, DocStore, PendingUpdate, StoredDoc, StoredLog } from './doc-store.ts';
import { ROOM_ROW, toIterationListing, type IterationRow } from './room-row.ts';
import { createPostgresSystems, postgresSystemsDdl } from './postgres-systems.ts';

export interface PostgresStoreOptions {
	connectionString: string;
	/** Schema holding the tables; created if missing. */
	schema: string;
	poolSize: number;
	/** Errors of idle pooled connections (e.g. the database restarted); they must not crash us. */
	onIdleError?: (err: Error) => void;
}

/** Rows per INSERT statement (3 parameters each; PostgreSQL allows 65,535 per statement). */
const MAX_ROWS_PER_INSERT = 1000;

/**
 * Appends in flight at once: half the pool, so that room loads, compactions and system pages keep
 * connections, and at most 4. PostgreSQL flushes the WAL of commits waiting together once, so an
 * update no longer waits for another room's commit to finish before its own starts.
 */
export function concurrentAppendsFor(poolSize: number): number {
	return Math.min(MAX_CONCURRENT_APPENDS, Math.max(1, Math.floor(poolSize / 2)));
}
const MAX_CONCURRENT_APPENDS = 4;

/** A valid, unquoted PostgreSQL identifier, so it can be interpolated into DDL safely. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A Buffer view of the same bytes: pg sends Buffers as binary bytea parameters. */
const bytes = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

export function createPostgresStore(options: PostgresStoreOptions): DocStore {
	const { schema } = options;
	if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
	const pool = new pg.Pool({
		connectionString: options.connectionString,
		max: options.poolSize,
		application_name: 'threatboard',
		connectionTimeoutMillis: 10_000
	});
	pool.on('error', (err) => options.onIdleError?.(err));

	const t = {
		rooms: `"${schema}".rooms`,
		snapshots: `"${schema}".doc_snapshots`,
		updates: `"${schema}".doc_updates`,
		iterations: `"${schema}".iterations`
	};
	const ddl = `
		CREATE SCHEMA IF NOT EXISTS "${schema}";
		CREATE TABLE IF NOT EXISTS ${t.rooms} (
			room_id text PRIMARY KEY,
			title text NOT NULL,
			facilitator_key_hash text NOT NULL,
			observer_id_hash text NOT NULL UNIQUE,
			created_at bigint NOT NULL
		);
		CREATE TABLE IF NOT EXISTS ${t.snapshots} (
			room_id text NOT NULL,
			doc_name text NOT NULL,
			data bytea NOT NULL,
			PRIMARY KEY (room_id, doc_name)
		);
		-- Schemas written before snapshots counted their folded updates (StoredDoc.version). Altered
		-- only when the column is missing: ALTER TABLE waits for every open transaction on the table
		-- (a compaction holding its lock while another instance's compaction runs, for one).
		DO $$ BEGIN
			IF NOT EXISTS (SELECT 1 FROM information_schema.columns
				WHERE table_schema = '${schema}' AND table_name = 'doc_snapshots' AND column_name = 'folded_updates') THEN
				ALTER TABLE ${t.snapshots} ADD COLUMN folded_updates bigint NOT NULL DEFAULT 0;
			END IF;
		END $$;
		CREATE TABLE IF NOT EXISTS ${t.updates} (
			seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			room_id text NOT NULL,
			doc_name text NOT NULL,
			data bytea NOT NULL
		);
		CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON ${t.updates} (room_id, doc_name, seq);
		CREATE TABLE IF NOT EXISTS ${t.iterations} (
			room_id text NOT NULL,
			number integer NOT NULL,
			created_at bigint NOT NULL,
			started_by text NOT NULL,
			summary text NOT NULL,
			data bytea NOT NULL,
			PRIMARY KEY (room_id, number)
		);
		${postgresSystemsDdl(schema)}`;

	let closed = false;
	let ready: Promise<void> | null = null;
	/** Creates the schema once; a failure (database not up yet) is retried by the next call. */
	function ensureSchema(): Promise<void> {
		ready ??= inTransaction(async (client) => {
			// Instances starting together would otherwise race on CREATE ... IF NOT EXISTS.
			await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`threatboard-schema:${schema}`]);
			await client.query(ddl);
		}).catch((err: unknown) => {
			ready = null;
			throw err;
		});
		return ready;
	}

	async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			return result;
		} catch (err) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw err;
		} finally {
			client.release();
		}
	}

	async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
		if (closed) throw new Error('store is closed');
		await ensureSchema();
		return (await pool.query<R>(text, values)).rows;
	}

	async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		if (closed) throw new Error('store is closed');
		await ensureSchema();
		return inTransaction(work);
	}

	const docLock = (key: DocKey) => `threatboard-doc:${schema}:${key.roomId}:${key.docName}`;
	const iterationLock = (roomId: string) => `threatboard-iterations:${schema}:${roomId}`;
	const iterationColumns = 'room_id, number, created_at, started_by, summary, octet_length(data) AS bytes';

	const systems = createPostgresSystems(schema, { query, transaction });

	return {
		kind: 'postgres',
		concurrentAppends: concurrentAppendsFor(options.poolSize),
		systems,
		async createRoom(room, initialDocs) {
			await transaction(async (client) => {
				await client.query(ROOM_ROW.insert(t.rooms, 'postgres'), ROOM_ROW.values(room));
				for (const doc of initialDocs) {
					await client.query(
						`INSERT INTO ${t.snapshots} (room_id, doc_name, data) VALUES ($1, $2, $3)
						 ON CONFLICT (room_id, doc_name) DO UPDATE SET data = excluded.data`,
						[doc.roomId, doc.docName, bytes(doc.snapshot)]
					);
				}
			});
		},
		async getRoom(roomId) {
			return ROOM_ROW.read((await query(`SELECT * FROM ${t.rooms} WHERE room_id = $1`, [roomId]))[0]);
		},
		async getRoomByObserverHash(hash) {
			return ROOM_ROW.read((await query(`SELECT * FROM ${t.rooms} WHERE observer_id_hash = $1`, [hash]))[0]);
		},
		async loadDoc(key): Promise<StoredDoc> {
			// One statement, so one consistent view: a compaction committing between reading the
			// snapshot and reading the log cannot make entries disappear from both.
			const rows = await query<{ seq: string; data: Buffer; folded: string }>(
				`SELECT 0::bigint AS seq, data, folded_updates AS folded FROM ${t.snapshots} WHERE room_id = $1 AND doc_name = $2
				 UNION ALL
				 SELECT seq, data, 0::bigint FROM ${t.updates} WHERE room_id = $1 AND doc_name = $2
				 ORDER BY seq`,
				[key.roomId, key.docName]
			);
			const seqs = rows.map((r) => Number(r.seq)).filter((seq) => seq !== 0);
			const lastSeq = seqs.reduce((max, seq) => Math.max(max, seq), 0);
			const folded = rows.length > seqs.length ? Number(rows[0].folded) : 0;
			return { updates: rows.map((r) => r.data), lastSeq, logLength: seqs.length, seqs, version: folded + seqs.length };
		},
		async appendUpdates(batch) {
			if (batch.length === 0) return [];
			const insert = async (client: pg.Pool | pg.PoolClient, chunk: readonly PendingUpdate[]) => {
				const values: unknown[] = [];
				const tuples = chunk.map((u, i) => {
					values.push(u.roomId, u.docName, bytes(u.update));
					return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
				});
				const result = await client.query<{ seq: string }>(
					`INSERT INTO ${t.updates} (room_id, doc_name, data) VALUES ${tuples.join(', ')} RETURNING seq`,
					values
				);
				return result.rows.map((r) => Number(r.seq));
			};
			if (batch.length <= MAX_ROWS_PER_INSERT) {
				if (closed) throw new Error('store is closed');
				await ensureSchema();
				return insert(pool, batch);
			}
			return transaction(async (client) => {
				const seqs: number[] = [];
				for (let i = 0; i < batch.length; i += MAX_ROWS_PER_INSERT) {
					seqs.push(...(await insert(client, batch.slice(i, i + MAX_ROWS_PER_INSERT))));
				}
				return seqs;
			});
		},
		async compact(key, fold) {
			return transaction(async (client) => {
				await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [docLock(key)]);
				const snapshotRows = await client.query<{ data: Buffer }>(
					`SELECT data FROM ${t.snapshots} WHERE room_id = $1 AND doc_name = $2`,
					[key.roomId, key.docName]
				);
				const entries = await client.query<{ seq: string; data: Buffer }>(
					`SELECT seq, data FROM ${t.updates} WHERE room_id = $1 AND doc_name = $2 ORDER BY seq`,
					[key.roomId, key.docName]
				);
				if (entries.rows.length === 0) return 0;
				const stored: StoredLog = {
					snapshot: snapshotRows.rows[0]?.data ?? null,
					entries: entries.rows.map((r) => ({ seq: Number(r.seq), update: r.data }))
				};
				// The advisory lock is held while the fold runs (in a worker, for large documents).
				const snapshot = await fold(stored);
				await client.query(
					`INSERT INTO ${t.snapshots} (room_id, doc_name, data, folded_updates) VALUES ($1, $2, $3, $4)
					 ON CONFLICT (room_id, doc_name) DO UPDATE SET data = excluded.data, folded_updates = ${t.snapshots}.folded_updates + excluded.folded_updates`,
					[key.roomId, key.docName, bytes(snapshot), entries.rows.length]
				);
				await client.query(`DELETE FROM ${t.updates} WHERE seq = ANY($1::bigint[])`, [entries.rows.map((r) => r.seq)]);
				return entries.rows.length;
			});
		},
		async addIteration(iteration, maxPerRoom) {
			// Two instances freezing one room at once take turns, so each gets its own number.
			return transaction(async (client) => {
				await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [iterationLock(iteration.roomId)]);
				const last = await client.query<{ n: number }>(`SELECT coalesce(max(number), 0) AS n FROM ${t.iterations} WHERE room_id = $1`, [iteration.roomId]);
				const number = Number(last.rows[0].n) + 1;
				if (number > maxPerRoom) return undefined;
				await client.query(
					`INSERT INTO ${t.iterations} (room_id, number, created_at, started_by, summary, data) VALUES ($1, $2, $3, $4, $5, $6)`,
					[iteration.roomId, number, iteration.createdAt, iteration.startedBy, iteration.summary, bytes(iteration.data)]
				);
				return number;
			});
		},
		async listIterations(roomId) {
			const rows = await query<IterationRow>(`SELECT ${iterationColumns} FROM ${t.iterations} WHERE room_id = $1 ORDER BY number`, [roomId]);
			return rows.map(toIterationListing);
		},
		async getIteration(roomId, number) {
			const [row] = await query<IterationRow & { data: Buffer }>(
				`SELECT ${iterationColumns}, data FROM ${t.iterations} WHERE room_id = $1 AND number = $2`,
				[roomId, number]
			);
			return row && { ...toIterationListing(row), data: row.data };
		},
		async countRooms() {
			return Number((await query<{ n: string }>(`SELECT count(*) AS n FROM ${t.rooms}`))[0].n);
		},
		async freeDiskBytes() {
			return undefined; // the database server's disk is its operator's to watch
		},
		async ping() {
			await query('SELECT 1');
		},
		async close() {
			if (closed) return;
			closed = true;
			await pool.end();
		}
	};
}
