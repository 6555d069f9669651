/**
 * Production entry point (`npm start`): one process, one port, serving the SvelteKit app, the
 * API, health, metrics and WebSocket sync. SIGTERM/SIGINT flush every room and exit cleanly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, errorMessage } from './log.ts';
import { oneCpuAdvice } from './runtime-advice.ts';
import { startServer } from './threatboard.ts';

async function loadWebHandler(): Promise<RequestHandler | undefined> {
	// The SvelteKit build sits beside dist/ at the project root.
	const handlerPath = path.resolve(import.meta.dirname, '../../build/handler.js');
	if (!fs.existsSync(handlerPath)) return undefined;
	const mod = (await import(pathToFileURL(handlerPath).href)) as { handler: RequestHandler };
	return mod.handler;
}

async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig();
	} catch (err) {
		if (err instanceof ConfigError) {
			process.stderr.write(err.message + '\n');
			process.exit(1);
		}
		throw err;
	}
	const log = createLogger(config.LOG_LEVEL);
	const webHandler = await loadWebHandler();
	if (!webHandler) log.warn('no web build found (run `npm run build`): serving the API and sync only');
	const advice = oneCpuAdvice(os.availableParallelism(), process.execArgv);
	if (advice) log.warn(advice);
	const server = await startServer({ config, log, webHandler });
	log.info('threatboard listening', { url: server.url, dataDir: config.dataDir, store: server.store.kind });

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info('shutting down', { signal });
		server.close().then(
			() => process.exit(0),
			(err: unknown) => {
				log.error('shutdown failed', { error: errorMessage(err) });
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
	process.stderr.write(`threatboard failed to start: ${errorMessage(err)}\n`);
	process.exit(1);
});
