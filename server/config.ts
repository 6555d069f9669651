/**
 * The only reader of process.env. Everything is validated once at start-up; a bad value stops
 * the process with every problem listed, rather than failing later in some code path.
 */
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A URL with one of the given schemes. Messages never repeat the value: it may hold a password. */
const serviceUrl = (schemes: string[]) =>
	z.string().refine((value) => {
		try {
			return schemes.includes(new URL(value).protocol);
		} catch {
			return false;
		}
	}, `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`);

/** A comma-separated list; blanks dropped. */
const list = z.string().transform((value) =>
	value
		.split(',')
		.map((item) => item.trim())
		.filter(Boolean)
);

/** An IP address or CIDR block (10.0.0.0/8, fd00::/8). */
function isAddressOrBlock(value: string): boolean {
	const [address, bits, extra] = value.split('/');
	const family = net.isIP(address);
	if (family === 0 || extra !== undefined) return false;
	if (bits === undefined) return true;
	const n = Number(bits);
	return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

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
	AWARENESS_FLUSH_MAX_MS: int(0, 1000).default(50),
	/**
	 * tldraw's licence key, handed to browsers at run time (it is not a secret: tldraw expects it
	 * in client code). Without one, tldraw refuses to draw on production https hosts.
	 */
	TLDRAW_LICENSE_KEY: z
		.string()
		.trim()
		.max(4096)
		.regex(/^[A-Za-z0-9+/=._-]+$/, 'must be a tldraw licence key (base64 characters only)')
		.optional(),

	// --- scale-out -------------------------------------------------------------------------
	/** PostgreSQL instead of SQLite: the shared store of several instances. */
	DATABASE_URL: serviceUrl(['postgres:', 'postgresql:']).optional(),
	DATABASE_SCHEMA: z
		.string()
		.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL identifier')
		.default('public'),
	DATABASE_POOL_SIZE: int(1, 200).default(10),
	/** Redis pub/sub between instances; needs DATABASE_URL. */
	REDIS_URL: serviceUrl(['redis:', 'rediss:']).optional(),
	/** Prefix of the Redis channels, so several deployments can share one Redis. */
	REDIS_CHANNEL_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 letters, digits or : _ . -')
		.default('threatboard'),

	// --- hardening -------------------------------------------------------------------------
	/**
	 * Origins (scheme://host[:port]) whose pages may open sync connections, besides the server's
	 * own origin. Browsers always send Origin; clients that send none (tools, tests) are allowed.
	 */
	ALLOWED_ORIGINS: list
		.pipe(
			z.array(
				z.string().refine((value) => {
					try {
						const url = new URL(value);
						return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
					} catch {
						return false;
					}
				}, 'each entry must be an origin like https://board.example.com (no path)')
			)
		)
		.transform((origins) => origins.map((o) => new URL(o).origin))
		.default([]),
	/**
	 * Proxies whose X-Forwarded-For is believed (addresses, CIDR blocks, or "loopback"); the
	 * client address is the last one in the header not in this list. "none" trusts nobody.
	 */
	TRUSTED_PROXIES: list
		.pipe(
			z.array(
				z
					.string()
					.refine(
						(value) => value === 'loopback' || value === 'none' || isAddressOrBlock(value),
						'each entry must be an IP address, a CIDR block, "loopback" or "none"'
					)
			)
		)
		.transform((entries) => entries.filter((e) => e !== 'none'))
		.default(['loopback']),
	/**
	 * How many leading bits of an IPv6 client's address every per-address limit counts it by (a
	 * host usually holds a /64; a provider may give each customer a /56 or a /48).
	 */
	IPV6_LIMIT_PREFIX: int(32, 64).default(64),
	/** Sync connections this server holds at most; more are refused with HTTP 503. */
	MAX_CONNECTIONS: int(1, 1_000_000).default(10_000),
	/** Sync connections per client address; more are refused with HTTP 429. */
	MAX_CONNECTIONS_PER_IP: int(1, 1_000_000).default(500),
	/** Sync connections per room on this server (each browser tab holds two); more get 4529. */
	MAX_CONNECTIONS_PER_ROOM: int(1, 1_000_000).default(1_000),
	/** Sustained bytes per second one connection may send (bursts of one largest frame allowed). */
	MAX_BYTES_PER_SECOND: int(1024, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
	/** Largest a document may grow to; client updates past it are refused with 4422. */
	MAX_DOC_BYTES: int(64 * 1024, 4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
	/** Workshops created or imported per minute per client address (bursts of as many); more get 429. */
	ROOMS_PER_MINUTE_PER_IP: int(1, 100_000).default(20),
	/** Workshops the store may hold; beyond it creation and import are refused with 507. */
	MAX_ROOMS: int(1, 1_000_000_000).default(100_000),
	/** Free space the data directory's disk must keep (SQLite); below it creation and import get 507. 0 turns it off. */
	MIN_FREE_DISK_BYTES: int(0, Number.MAX_SAFE_INTEGER).default(1024 * 1024 * 1024),
	/** Time a client has to send its request headers; slower requests are cut. */
	HEADERS_TIMEOUT_MS: int(1000, 600_000).default(10_000),
	/** Open HTTP connections (sync sockets included) per client address; more are closed at once. */
	MAX_HTTP_CONNECTIONS_PER_IP: int(1, 1_000_000).default(600),
	/** Live dependency streams (GET /api/rooms/<id>/dependencies/events) per workshop, per client address and in all. */
	DEPENDENCY_STREAMS_PER_ROOM: int(1, 100_000).default(32),
	DEPENDENCY_STREAMS_PER_IP: int(1, 100_000).default(16),
	MAX_DEPENDENCY_STREAMS: int(1, 1_000_000).default(2000),
	/** Bearer token for /metrics; without one, /metrics answers loopback clients only. */
	METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(512).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional()
}).superRefine((env, ctx) => {
	if (env.REDIS_URL && !env.DATABASE_URL) {
		ctx.addIssue({
			code: 'custom',
			path: ['REDIS_URL'],
			message:
				'needs DATABASE_URL as well: instances that share rooms through Redis must share one PostgreSQL store (SQLite is one process\'s file)'
		});
	}
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
