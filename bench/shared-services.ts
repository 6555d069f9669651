/**
 * PostgreSQL and Redis for the multi-instance scenarios: a schema and a channel prefix of their
 * own per run, dropped afterwards. BENCH_DATABASE_URL and BENCH_REDIS_URL override the local
 * defaults.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface SharedServices {
	/** Environment for every instance of the run. */
	env: Record<string, string>;
	cleanup(): Promise<void>;
}

/** With redis false, the instances get PostgreSQL only (one instance needs no fan-out). */
export async function prepareSharedServices({ redis = true } = {}): Promise<SharedServices> {
	const suffix = randomBytes(6).toString('hex');
	const schema = `tb_bench_${suffix}`;
	return {
		env: {
			DATABASE_URL,
			DATABASE_SCHEMA: schema,
			...(redis ? { REDIS_URL, REDIS_CHANNEL_PREFIX: `tb-bench-${suffix}` } : {})
		},
		async cleanup() {
			const client = new pg.Client({ connectionString: DATABASE_URL });
			await client.connect();
			try {
				await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			} finally {
				await client.end();
			}
		}
	};
}
