/**
 * The only reader of process.env. Everything is validated once at start-up; a bad value stops
 * the process with every problem listed, rather than failing later in some code path.
 */
import path from 'node:path';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
	PORT: int(0, 65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	DATA_DIR: z.string().min(1).default('./data'),
	LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
	/** Largest WebSocket frame accepted. A whole offline board arrives in one frame. */
	MAX_MESSAGE_BYTES: int(1024, 256 * 1024 * 1024).default(16 * 1024 * 1024),
	/** Largest awareness (presence) state of one client, as JSON. */
	MAX_AWARENESS_BYTES: int(64, 1024 * 1024).default(8 * 1024),
	/** Bytes queued to one client before it is dropped as too slow. */
	MAX_BUFFERED_BYTES: int(64 * 1024, 1024 * 1024 * 1024).default(32 * 1024 * 1024),
	/** Sustained messages per second one connection may send (bursts of 4x are allowed). */
	MAX_MESSAGES_PER_SECOND: int(1, 100_000).default(300),
	HEARTBEAT_INTERVAL_MS: int(100, 600_000).default(30_000),
	/** How long a room with nobody connected stays in memory. */
	IDLE_EVICT_MS: int(0, 24 * 3600_000).default(30_000),
	/** Log entries per document after which the log is folded into a snapshot. */
	COMPACT_AFTER_UPDATES: int(1, 10_000_000).default(1000),
	/** Upper bound of the awareness coalescing window; small rooms flush much sooner. */
	AWARENESS_FLUSH_MAX_MS: int(0, 1000).default(50)
});

export type Config = z.infer<typeof EnvSchema> & { dataDir: string };

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
	}
}

/** Empty strings count as unset, so `PORT= npm start` means the default, not an error. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(env)) {
		if (value !== undefined && value !== '') out[key] = value;
	}
	return out;
}

export function parseConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
	const result = EnvSchema.safeParse(withoutEmpty(env));
	if (!result.success) {
		throw new ConfigError(
			result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)
		);
	}
	return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}

export function loadConfig(): Config {
	return parseConfig(process.env);
}
