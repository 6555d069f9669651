/**
 * Systems (issue 15, item 2): a system groups the threat models (rooms) of one product. Its links
 * are capabilities as a room's are: the system id is the member link, the observer id and the
 * owner key are stored only as hashes. A model is a room joined to the system under a random
 * model ref (src/lib/shared/systems/contract.ts); removing it keeps the row, with its name, so
 * references to it read "removed" rather than vanish.
 */
import { capabilityTable } from './capability-row.ts';

export interface SystemRecord {
	systemId: string;
	name: string;
	/** SHA-256 (hex) of the owner key; the key itself is never stored. */
	ownerKeyHash: string;
	/** SHA-256 (hex) of the observer id, which is looked up by hash. */
	observerIdHash: string;
	createdAt: number;
}

export interface SystemModelRecord {
	systemId: string;
	modelRef: string;
	roomId: string;
	/** The workshop's title when it joined (kept so a removed model still has a name). */
	name: string;
	addedAt: number;
	/** When it was removed (archived) from the system; null while it is a member. */
	removedAt: number | null;
}

export type AddModelResult = 'added' | 'taken' | 'full';
/** `missing` when the system has no removed model of that ref; `taken` and `full` as for adding. */
export type RestoreModelResult = 'restored' | 'missing' | 'taken' | 'full';

export interface SystemStore {
	createSystem(system: SystemRecord): Promise<void>;
	getSystem(systemId: string): Promise<SystemRecord | undefined>;
	getSystemByObserverHash(observerIdHash: string): Promise<SystemRecord | undefined>;
	/** Resolves false when there is no such system. */
	renameSystem(systemId: string, name: string): Promise<boolean>;
	/**
	 * Joins a room to a system, atomically with several writers: `taken` when the room is already
	 * a member of a system (this one or another), `full` when the system holds `maxModels` models
	 * that are not removed.
	 */
	addModel(model: Omit<SystemModelRecord, 'removedAt'>, maxModels: number): Promise<AddModelResult>;
	/** Every model the system ever held, removed ones included, in the order they joined. */
	listModels(systemId: string): Promise<SystemModelRecord[]>;
	/** The membership of a room that is a member now (not removed), if any. */
	modelOfRoom(roomId: string): Promise<SystemModelRecord | undefined>;
	/** Marks a member model removed; resolves false when it is not a member of that system now. */
	removeModel(systemId: string, modelRef: string, removedAt: number): Promise<boolean>;
	/**
	 * Makes a removed model a member again under its own ref (so the dependency elements naming it
	 * come back to life), atomically with several writers, on the same terms as `addModel`.
	 */
	restoreModel(systemId: string, modelRef: string, maxModels: number): Promise<RestoreModelResult>;
	/**
	 * What a system page shows of these rooms, in one consistent read: each board's version
	 * (StoredDoc.version), the figures kept for it and the last iteration. Rooms the store does
	 * not know are left out.
	 */
	readModels(roomIds: readonly string[]): Promise<Map<string, StoredModel>>;
	/**
	 * Keeps a room board's figures (server/systems/model-figures.ts), with the token of the board
	 * version they were computed from; opaque JSON text to the store. Figures whose token does not
	 * match the board's version are computed again, so losing or overtaking a write costs a
	 * recomputation, nothing else.
	 */
	putFigures(roomId: string, token: string, figures: string): Promise<void>;
}

export interface StoredModel {
	/** The board's StoredDoc.version; undefined when the room has no board document. */
	boardVersion: number | undefined;
	/** The figures last kept for the board, if any. */
	kept: { token: string; figures: string } | undefined;
	lastIteration: { number: number; createdAt: number } | null;
}

/** The systems table row, as both SQL stores lay it out. */
export const SYSTEM_ROW = capabilityTable<SystemRecord>({
	systemId: 'system_id',
	name: 'name',
	ownerKeyHash: 'owner_key_hash',
	observerIdHash: 'observer_id_hash',
	createdAt: 'created_at'
});

export interface SystemModelRow {
	system_id: string;
	model_ref: string;
	room_id: string;
	name: string;
	added_at: number | string;
	removed_at: number | string | null;
}

/** The row of readModels, as both SQL stores select it. */
export interface StoredModelRow {
	room_id: string;
	/** The board snapshot's folded_updates; null without a snapshot. */
	folded: number | string | null;
	/** The board's log entries. */
	logged: number | string;
	token: string | null;
	figures: string | null;
	iteration: number | string | null;
	iteration_at: number | string | null;
}

export function toStoredModels(rows: readonly StoredModelRow[]): Map<string, StoredModel> {
	const models = new Map<string, StoredModel>();
	for (const row of rows) {
		const logged = Number(row.logged);
		models.set(row.room_id, {
			boardVersion: row.folded === null && logged === 0 ? undefined : Number(row.folded ?? 0) + logged,
			kept: row.token === null || row.figures === null ? undefined : { token: row.token, figures: row.figures },
			lastIteration: row.iteration === null ? null : { number: Number(row.iteration), createdAt: Number(row.iteration_at) }
		});
	}
	return models;
}

export function toSystemModel(row: SystemModelRow): SystemModelRecord {
	return {
		systemId: row.system_id,
		modelRef: row.model_ref,
		roomId: row.room_id,
		name: row.name,
		addedAt: Number(row.added_at),
		removedAt: row.removed_at === null ? null : Number(row.removed_at)
	};
}
