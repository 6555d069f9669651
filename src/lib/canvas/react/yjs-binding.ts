/**
 * Binds a tldraw store to the room's `board` document (roots `canvas` and `canvasSchema`).
 *
 * - Each local user change (tldraw's document-scope history entry) goes out as one Yjs
 *   transaction, tagged with this binding as origin so it is not applied back (no echo).
 * - Remote changes come in through `store.mergeRemoteChanges`, so tldraw does not record them in
 *   this user's undo history. Every remote record is validated by tldraw's schema first; one bad
 *   record from a hostile or buggy peer is skipped, never allowed to break the canvas.
 * - The room stores tldraw's serialized schema. A room written by an older tldraw is migrated on
 *   load (and written back once); a room written by a newer one is not touched: the binding
 *   reports `room-schema-newer` and stops, so an outdated tab can never corrupt the canvas.
 *
 * Plain TypeScript (no React), unit-tested in Node with a real tldraw store.
 */
import type * as Y from 'yjs';
import { equalityDeep } from 'lib0/function';
import type { SerializedSchema, StoreSnapshot, TLRecord, TLStore } from 'tldraw';
import { CANVAS_SCHEMA_KEY as SCHEMA_KEY, canvasMap, canvasSchemaMap } from '#shared/board/doc';
import { canvasRecordProblem, shapeParentId, shapeParentsLoop } from '#shared/canvas/record-rules';

export type CanvasBindingProblem =
	| { kind: 'room-schema-newer' }
	| { kind: 'migration-failed'; reason: string };

export interface CanvasBindingOptions {
	/** Told once when the room cannot be shown safely; the binding has stopped by then. */
	onProblem?: (problem: CanvasBindingProblem) => void;
	/** Told how many remote records were refused as invalid (for diagnostics; never fatal). */
	onRejected?: (count: number) => void;
}

export interface CanvasBinding {
	readonly problem: CanvasBindingProblem | undefined;
	destroy(): void;
}

export function bindCanvasStore(store: TLStore, doc: Y.Doc, options: CanvasBindingOptions = {}): CanvasBinding {
	const records = canvasMap(doc);
	const schemas = canvasSchemaMap(doc);
	const origin = Symbol('tldraw-binding');
	const cleanups: Array<() => void> = [];
	let problem: CanvasBindingProblem | undefined;

	const stop = (found: CanvasBindingProblem) => {
		if (problem) return;
		problem = found;
		for (const cleanup of cleanups.splice(0)) cleanup();
		options.onProblem?.(found);
	};

	/**
	 * Validates each record (given with its key in the room) against this client's schema and the
	 * room's record rules (shared/canvas/record-rules.ts: the diagram's own types under their own
	 * ids, bounded sizes, no loop of parents); invalid ones are left out.
	 */
	const validRecords = (candidates: Array<[key: string, value: unknown]>): TLRecord[] => {
		const valid: TLRecord[] = [];
		const incoming = new Map(candidates);
		const parentOf = (id: string) => shapeParentId(incoming.has(id) ? incoming.get(id) : store.get(id as TLRecord['id']));
		for (const [key, candidate] of candidates) {
			if (canvasRecordProblem(key, candidate) !== undefined || shapeParentsLoop(key, parentOf)) continue;
			try {
				const record = candidate as TLRecord;
				const before = store.get(record.id) ?? null;
				valid.push(store.schema.validateRecord(store, record, before ? 'updateRecord' : 'createRecord', before));
			} catch {
				// Not a record this schema accepts: skipped.
			}
		}
		if (valid.length < candidates.length) options.onRejected?.(candidates.length - valid.length);
		return valid;
	};

	const ourSchema = store.schema.serialize();
	const roomSchema = schemas.get(SCHEMA_KEY) as SerializedSchema | undefined;

	if (records.size === 0 && roomSchema === undefined) {
		// A fresh canvas: publish this store's document records (its page) and schema.
		doc.transact(() => {
			for (const record of store.allRecords()) {
				if (store.scopedTypes.document.has(record.typeName)) records.set(record.id, record);
			}
			schemas.set(SCHEMA_KEY, ourSchema);
		}, origin);
	} else {
		const loaded = loadRoom(roomSchema);
		if (loaded) return loaded;
	}

	function loadRoom(schema: SerializedSchema | undefined): CanvasBinding | undefined {
		const snapshot = {
			store: Object.fromEntries(records.entries()),
			// A room holding records but no schema (written by hand or a broken client) is read as ours.
			schema: schema ?? ourSchema
		} as StoreSnapshot<TLRecord>;
		if (schema && store.schema.getMigrationsSince(schema).ok === false) {
			stop({ kind: 'room-schema-newer' });
			return handle();
		}
		const migrated = store.schema.migrateStoreSnapshot(snapshot);
		if (migrated.type === 'error') {
			stop(
				migrated.reason === 'target-version-too-new'
					? { kind: 'room-schema-newer' }
					: { kind: 'migration-failed', reason: migrated.reason }
			);
			return handle();
		}
		const incoming = validRecords(Object.entries(migrated.value));
		store.mergeRemoteChanges(() => {
			const keep = new Set(incoming.map((record) => record.id));
			const stale = store
				.allRecords()
				.filter((record) => store.scopedTypes.document.has(record.typeName) && !keep.has(record.id))
				.map((record) => record.id);
			if (stale.length) store.remove(stale);
			if (incoming.length) store.put(incoming);
		});
		if (schema && !equalityDeep(schema, ourSchema)) {
			// Written by an older tldraw: store the migrated records once, under our schema.
			doc.transact(() => {
				for (const record of incoming) {
					if (!equalityDeep(records.get(record.id), record)) records.set(record.id, record);
				}
				schemas.set(SCHEMA_KEY, ourSchema);
			}, origin);
		}
		return undefined;
	}

	// Local user changes out, one Yjs transaction per tldraw history entry. tldraw keeps a `user`
	// record of whoever edits (for attribution, which we do not show); shared, it would put one
	// record per visitor, with a random id and no name, into the room. It stays in this tab.
	cleanups.push(
		store.listen(
			({ changes }) => {
				const shared = (record: TLRecord) => record.typeName !== 'user';
				doc.transact(() => {
					for (const record of Object.values(changes.added)) if (shared(record)) records.set(record.id, record);
					for (const [, after] of Object.values(changes.updated)) if (shared(after)) records.set(after.id, after);
					for (const record of Object.values(changes.removed)) if (shared(record)) records.delete(record.id);
				}, origin);
			},
			{ source: 'user', scope: 'document' }
		)
	);

	// Remote changes in, without echo and outside the local undo history.
	const onRecords = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
		if (transaction.origin === origin) return;
		const put: Array<[string, unknown]> = [];
		const removed: TLRecord['id'][] = [];
		for (const [id, change] of event.changes.keys) {
			if (change.action === 'delete') {
				if (store.has(id as TLRecord['id'])) removed.push(id as TLRecord['id']);
			} else {
				put.push([id, records.get(id)]);
			}
		}
		const valid = validRecords(put);
		store.mergeRemoteChanges(() => {
			if (removed.length) store.remove(removed);
			if (valid.length) store.put(valid);
		});
	};
	records.observe(onRecords);
	cleanups.push(() => records.unobserve(onRecords));

	// Someone with a newer tldraw upgraded the room: stop before we write anything it cannot read.
	const onSchema = (_event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
		if (transaction.origin === origin) return;
		const schema = schemas.get(SCHEMA_KEY) as SerializedSchema | undefined;
		if (schema && store.schema.getMigrationsSince(schema).ok === false) stop({ kind: 'room-schema-newer' });
	};
	schemas.observe(onSchema);
	cleanups.push(() => schemas.unobserve(onSchema));

	function handle(): CanvasBinding {
		return {
			get problem() {
				return problem;
			},
			destroy() {
				for (const cleanup of cleanups.splice(0)) cleanup();
			}
		};
	}
	return handle();
}
