/**
 * Structured, one-line JSON logs. Callers pass fields, never document contents or secrets:
 * rooms are identified by roomTag(), a short hash, because a room id is itself a capability.
 */
import { createHash } from 'node:crypto';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | undefined>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
	debug(msg: string, fields?: LogFields): void;
	info(msg: string, fields?: LogFields): void;
	warn(msg: string, fields?: LogFields): void;
	error(msg: string, fields?: LogFields): void;
}

export type LogSink = (line: string, level: Exclude<LogLevel, 'silent'>) => void;

const defaultSink: LogSink = (line, level) => {
	(level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
};

export function createLogger(level: LogLevel, sink: LogSink = defaultSink): Logger {
	const min = RANK[level];
	const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
		if (RANK[lvl] < min) return;
		sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }), lvl);
	};
	return {
		debug: (msg, fields) => emit('debug', msg, fields),
		info: (msg, fields) => emit('info', msg, fields),
		warn: (msg, fields) => emit('warn', msg, fields),
		error: (msg, fields) => emit('error', msg, fields)
	};
}

/** A stable, non-reversible handle for a room in logs and metrics. */
export function roomTag(roomId: string): string {
	return createHash('sha256').update(roomId).digest('hex').slice(0, 12);
}

/** The message of an unknown thrown value, without stack or payload. */
export function errorMessage(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}
