/** The store the configuration asks for: PostgreSQL with DATABASE_URL, else embedded SQLite. */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { errorMessage } from '../log.ts';
import type { DocStore } from './doc-store.ts';
import { createPostgresStore } from './postgres-store.ts';
import { createSqliteStore } from './sqlite-store.ts';

export function createStore(config: Config, log: Logger): DocStore {
	if (!config.DATABASE_URL) return createSqliteStore(config.dataDir);
	return createPostgresStore({
		connectionString: config.DATABASE_URL,
		schema: config.DATABASE_SCHEMA,
		poolSize: config.DATABASE_POOL_SIZE,
		// The pool replaces the connection; failing queries surface through the persister.
		onIdleError: (err) => log.warn('database connection lost', { error: errorMessage(err) })
	});
}
