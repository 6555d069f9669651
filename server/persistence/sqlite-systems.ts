/** Systems in the SQLite store (system-store.ts); the tables live in the same file as the rooms. */
import type Database from 'better-sqlite3';
import {
	SYSTEM_ROW,
	toStoredModels,
	toSystemModel,
	type AddModelResult,
	type RestoreModelResult,
	type StoredModelRow,
	type SystemModelRecord,
	type SystemModelRow,
	type SystemStore
} from './system-store.ts';

export const SQLITE_SYSTEMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS systems (
	system_id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	owner_key_hash TEXT NOT NULL,
	observer_id_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS system_models (
	system_id TEXT NOT NULL,
	model_ref TEXT NOT NULL,
	room_id TEXT NOT NULL,
	name TEXT NOT NULL,
	added_at INTEGER NOT NULL,
	removed_at INTEGER,
	PRIMARY KEY (system_id, model_ref)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS system_models_member_room ON system_models (room_id) WHERE removed_at IS NULL;
CREATE TABLE IF NOT EXISTS model_figures (
	room_id TEXT PRIMARY KEY,
	token TEXT NOT NULL,
	figures TEXT NOT NULL
) STRICT;
`;

/**
 * `open` throws once the store is closed; `readable` also moves the store's journal into the log
 * table first (sqlite-store.ts), for the one read that counts a board's log entries. The others
 * must not: the figures keeper asks modelOfRoom of every edited room two seconds after its last
 * edit, and moving the journal for each of those took twice the moves the journal's own timer
 * makes (issue 17: 5% of the server's CPU at 100 rooms x 5 clients).
 */
export function createSqliteSystems(db: Database.Database, open: () => void, readable: () => void): SystemStore {
	db.exec(SQLITE_SYSTEMS_SCHEMA);
	const insertSystem = db.prepare(SYSTEM_ROW.insert('systems', 'sqlite'));
	const selectSystem = db.prepare<[string], unknown>('SELECT * FROM systems WHERE system_id = ?');
	const selectByObserver = db.prepare<[string], unknown>('SELECT * FROM systems WHERE observer_id_hash = ?');
	const rename = db.prepare('UPDATE systems SET name = ? WHERE system_id = ?');
	const memberOfRoom = db.prepare<[string], SystemModelRow>('SELECT * FROM system_models WHERE room_id = ? AND removed_at IS NULL');
	const countMembers = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM system_models WHERE system_id = ? AND removed_at IS NULL');
	const insertModel = db.prepare('INSERT INTO system_models (system_id, model_ref, room_id, name, added_at, removed_at) VALUES (?, ?, ?, ?, ?, NULL)');
	const selectMembers = db.prepare<[string], SystemModelRow>('SELECT * FROM system_models WHERE system_id = ? ORDER BY added_at, model_ref');
	// The rooms' ids as one JSON array parameter; every part is an indexed lookup per room.
	const selectModels = db.prepare<[string], StoredModelRow>(`
		SELECT r.value AS room_id,
			(SELECT folded_updates FROM doc_snapshots WHERE room_id = r.value AND doc_name = 'board') AS folded,
			(SELECT count(*) FROM doc_log WHERE room_id = r.value AND doc_name = 'board') AS logged,
			f.token AS token, f.figures AS figures,
			i.number AS iteration, i.created_at AS iteration_at
		FROM json_each(?) AS r
		JOIN rooms ON rooms.room_id = r.value
		LEFT JOIN model_figures AS f ON f.room_id = r.value
		LEFT JOIN iterations AS i ON i.room_id = r.value AND i.number = (SELECT max(number) FROM iterations WHERE room_id = r.value)`);
	const upsertFigures = db.prepare(
		'INSERT INTO model_figures (room_id, token, figures) VALUES (?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET token = excluded.token, figures = excluded.figures'
	);
	const remove = db.prepare('UPDATE system_models SET removed_at = ? WHERE system_id = ? AND model_ref = ? AND removed_at IS NULL');
	const selectRemoved = db.prepare<[string, string], SystemModelRow>('SELECT * FROM system_models WHERE system_id = ? AND model_ref = ? AND removed_at IS NOT NULL');
	const restore = db.prepare('UPDATE system_models SET removed_at = NULL WHERE system_id = ? AND model_ref = ?');

	/** Why a room may not become a member of a system now, if it may not. */
	const refusal = (systemId: string, roomId: string, maxModels: number): 'taken' | 'full' | undefined => {
		if (memberOfRoom.get(roomId)) return 'taken';
		if (countMembers.get(systemId)!.n >= maxModels) return 'full';
		return undefined;
	};
	// Synchronous: nothing can join the room or fill the system in between.
	const addTx = db.transaction((model: Omit<SystemModelRecord, 'removedAt'>, maxModels: number): AddModelResult => {
		const refused = refusal(model.systemId, model.roomId, maxModels);
		if (refused) return refused;
		insertModel.run(model.systemId, model.modelRef, model.roomId, model.name, model.addedAt);
		return 'added';
	});
	const restoreTx = db.transaction((systemId: string, modelRef: string, maxModels: number): RestoreModelResult => {
		const row = selectRemoved.get(systemId, modelRef);
		if (!row) return 'missing';
		const refused = refusal(systemId, row.room_id, maxModels);
		if (refused) return refused;
		restore.run(systemId, modelRef);
		return 'restored';
	});

	return {
		async createSystem(s) {
			open();
			insertSystem.run(...SYSTEM_ROW.values(s));
		},
		async getSystem(systemId) {
			open();
			return SYSTEM_ROW.read(selectSystem.get(systemId));
		},
		async getSystemByObserverHash(hash) {
			open();
			return SYSTEM_ROW.read(selectByObserver.get(hash));
		},
		async renameSystem(systemId, name) {
			open();
			return rename.run(name, systemId).changes > 0;
		},
		async addModel(model, maxModels) {
			open();
			return addTx(model, maxModels);
		},
		async listModels(systemId) {
			open();
			return selectMembers.all(systemId).map(toSystemModel);
		},
		async modelOfRoom(roomId) {
			open();
			const row = memberOfRoom.get(roomId);
			return row && toSystemModel(row);
		},
		async removeModel(systemId, modelRef, removedAt) {
			open();
			return remove.run(removedAt, systemId, modelRef).changes > 0;
		},
		async restoreModel(systemId, modelRef, maxModels) {
			open();
			return restoreTx(systemId, modelRef, maxModels);
		},
		async readModels(roomIds) {
			readable();
			return toStoredModels(selectModels.all(JSON.stringify(roomIds)));
		},
		async putFigures(roomId, token, figures) {
			open();
			upsertFigures.run(roomId, token, figures);
		}
	};
}
