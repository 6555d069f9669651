/**
 * Rooms and systems are stored alike: an id that is the member link, a name, the hash of the
 * owner's key (a room's facilitator key, a system's owner key), the hash of the observer id, and
 * when it was made. One description of such a table gives both SQL stores the insert statement,
 * its values and the record a row reads as, so the two tables cannot drift apart in one store.
 */

/** The fields every capability record has besides its id, name and owner key hash. */
interface CapabilityRecord {
	observerIdHash: string;
	createdAt: number;
}

export interface CapabilityTable<R extends CapabilityRecord> {
	/** `INSERT INTO <table> (...) VALUES (...)` with SQLite's or PostgreSQL's placeholders. */
	insert(table: string, placeholders: 'sqlite' | 'postgres'): string;
	/** The insert's values, in its column order. */
	values(record: R): unknown[];
	/** The record of a `SELECT *` row (bigints arrive from PostgreSQL as strings). */
	read(row: unknown): R | undefined;
}

/** `columns` names each field's column, in insert order. */
export function capabilityTable<R extends CapabilityRecord>(columns: { readonly [K in keyof R]: string }): CapabilityTable<R> {
	const fields = Object.keys(columns) as Array<keyof R & string>;
	const names = fields.map((field) => columns[field]);
	return {
		insert(table, placeholders) {
			const marks = names.map((_, i) => (placeholders === 'sqlite' ? '?' : `$${i + 1}`));
			return `INSERT INTO ${table} (${names.join(', ')}) VALUES (${marks.join(', ')})`;
		},
		values: (record) => fields.map((field) => record[field]),
		read(row) {
			if (!row) return undefined;
			const values = row as Record<string, unknown>;
			const record: Record<string, unknown> = {};
			for (const field of fields) record[field] = field === 'createdAt' ? Number(values[columns[field]]) : values[columns[field]];
			return record as R;
		}
	};
}
