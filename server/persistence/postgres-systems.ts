/** Systems in the PostgreSQL store (system-store.ts), in the store's schema. */
import type pg from 'pg';
import { SYSTEM_ROW, toStoredModels, toSystemModel, type StoredModelRow, type SystemModelRow, type SystemStore } from './system-store.ts';

export function postgresSystemsDdl(schema: string): string {
	return `
		CREATE TABLE IF NOT EXISTS "${schema}".systems (
			system_id text PRIMARY KEY,
			name text NOT NULL,
			owner_key_hash text NOT NULL,
			observer_id_hash text NOT NULL UNIQUE,
			created_at bigint NOT NULL
		);
		CREATE TABLE IF NOT EXISTS "${schema}".system_models (
			system_id text NOT NULL,
			model_ref text NOT NULL,
			room_id text NOT NULL,
			name text NOT NULL,
			added_at bigint NOT NULL,
			removed_at bigint,
			PRIMARY KEY (system_id, model_ref)
		);
		CREATE UNIQUE INDEX IF NOT EXISTS system_models_member_room ON "${schema}".system_models (room_id) WHERE removed_at IS NULL;
		CREATE TABLE IF NOT EXISTS "${schema}".model_figures (
			room_id text PRIMARY KEY,
			token text NOT NULL,
			figures text NOT NULL
		);`;
}

export interface PostgresAccess {
	query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
	transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

export function createPostgresSystems(schema: string, db: PostgresAccess): SystemStore {
	const systems = `"${schema}".systems`;
	const models = `"${schema}".system_models`;
	const figures = `"${schema}".model_figures`;
	const systemLock = (systemId: string) => `threatboard-system:${schema}:${systemId}`;
	const roomLock = (roomId: string) => `threatboard-system-room:${schema}:${roomId}`;
	/**
	 * Two instances adding to one system (or one room to two systems) take turns: locks the pair,
	 * then says why the room may not become a member of the system now, if it may not.
	 */
	async function lockAndCheck(client: pg.PoolClient, systemId: string, roomId: string, maxModels: number): Promise<'taken' | 'full' | undefined> {
		const [first, second] = [systemLock(systemId), roomLock(roomId)].sort();
		await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [first]);
		await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [second]);
		const taken = await client.query(`SELECT 1 FROM ${models} WHERE room_id = $1 AND removed_at IS NULL`, [roomId]);
		if (taken.rows.length > 0) return 'taken';
		const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${models} WHERE system_id = $1 AND removed_at IS NULL`, [systemId]);
		return Number(count.rows[0].n) >= maxModels ? 'full' : undefined;
	}
	return {
		async createSystem(s) {
			await db.query(SYSTEM_ROW.insert(systems, 'postgres'), SYSTEM_ROW.values(s));
		},
		async getSystem(systemId) {
			return SYSTEM_ROW.read((await db.query(`SELECT * FROM ${systems} WHERE system_id = $1`, [systemId]))[0]);
		},
		async getSystemByObserverHash(hash) {
			return SYSTEM_ROW.read((await db.query(`SELECT * FROM ${systems} WHERE observer_id_hash = $1`, [hash]))[0]);
		},
		async renameSystem(systemId, name) {
			return (await db.query<{ system_id: string }>(`UPDATE ${systems} SET name = $1 WHERE system_id = $2 RETURNING system_id`, [name, systemId])).length > 0;
		},
		async addModel(model, maxModels) {
			return db.transaction(async (client) => {
				const refused = await lockAndCheck(client, model.systemId, model.roomId, maxModels);
				if (refused) return refused;
				await client.query(`INSERT INTO ${models} (system_id, model_ref, room_id, name, added_at, removed_at) VALUES ($1, $2, $3, $4, $5, NULL)`, [
					model.systemId,
					model.modelRef,
					model.roomId,
					model.name,
					model.addedAt
				]);
				return 'added' as const;
			});
		},
		async listModels(systemId) {
			return (await db.query<SystemModelRow>(`SELECT * FROM ${models} WHERE system_id = $1 ORDER BY added_at, model_ref`, [systemId])).map(toSystemModel);
		},
		async modelOfRoom(roomId) {
			const row = (await db.query<SystemModelRow>(`SELECT * FROM ${models} WHERE room_id = $1 AND removed_at IS NULL`, [roomId]))[0];
			return row && toSystemModel(row);
		},
		async removeModel(systemId, modelRef, removedAt) {
			const rows = await db.query<{ model_ref: string }>(
				`UPDATE ${models} SET removed_at = $1 WHERE system_id = $2 AND model_ref = $3 AND removed_at IS NULL RETURNING model_ref`,
				[removedAt, systemId, modelRef]
			);
			return rows.length > 0;
		},
		async restoreModel(systemId, modelRef, maxModels) {
			return db.transaction(async (client) => {
				const removed = `SELECT room_id FROM ${models} WHERE system_id = $1 AND model_ref = $2 AND removed_at IS NOT NULL`;
				const row = (await client.query<{ room_id: string }>(removed, [systemId, modelRef])).rows[0];
				if (!row) return 'missing' as const;
				const refused = await lockAndCheck(client, systemId, row.room_id, maxModels);
				if (refused) return refused;
				await client.query(`UPDATE ${models} SET removed_at = NULL WHERE system_id = $1 AND model_ref = $2`, [systemId, modelRef]);
				return 'restored' as const;
			});
		},
		async readModels(roomIds) {
			// One statement: the board's version, its kept figures and the last iteration agree.
			const rows = await db.query<StoredModelRow>(
				`SELECT r.room_id,
					(SELECT folded_updates FROM "${schema}".doc_snapshots WHERE room_id = r.room_id AND doc_name = 'board') AS folded,
					(SELECT count(*) FROM "${schema}".doc_updates WHERE room_id = r.room_id AND doc_name = 'board') AS logged,
					f.token, f.figures, i.number AS iteration, i.created_at AS iteration_at
				FROM unnest($1::text[]) AS r(room_id)
				JOIN "${schema}".rooms ON rooms.room_id = r.room_id
				LEFT JOIN ${figures} AS f ON f.room_id = r.room_id
				LEFT JOIN LATERAL (SELECT number, created_at FROM "${schema}".iterations WHERE room_id = r.room_id ORDER BY number DESC LIMIT 1) AS i ON true`,
				[roomIds]
			);
			return toStoredModels(rows);
		},
		async putFigures(roomId, token, json) {
			await db.query(
				`INSERT INTO ${figures} (room_id, token, figures) VALUES ($1, $2, $3) ON CONFLICT (room_id) DO UPDATE SET token = excluded.token, figures = excluded.figures`,
				[roomId, token, json]
			);
		}
	};
}
