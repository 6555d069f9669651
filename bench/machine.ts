/** Where the bench ran: CPU, Node, limits, versions, and pinning of the load generator. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
export const LOAD_GENERATOR_CORE = 1;
export const SERVER_CORE = 0;

export interface Pinning {
	server: number | null;
	loadGenerator: number | null;
	note: string;
}

/** Pins this process (all threads) to the load-generator core, if taskset and 2 cores exist. */
export function pinLoadGenerator(): Pinning {
	if (os.availableParallelism() < 2) {
		return { server: null, loadGenerator: null, note: 'fewer than 2 cores: unpinned' };
	}
	try {
		execFileSync('taskset', ['-a', '-cp', String(LOAD_GENERATOR_CORE), String(process.pid)], { stdio: 'ignore' });
		return {
			server: SERVER_CORE,
			loadGenerator: LOAD_GENERATOR_CORE,
			note: `server processes on core ${SERVER_CORE} (taskset -c), load generator on core ${LOAD_GENERATOR_CORE}`
		};
	} catch {
		return { server: null, loadGenerator: null, note: 'taskset unavailable: unpinned' };
	}
}

function packageVersion(name: string): string | null {
	try {
		const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
		return pkg.version;
	} catch {
		return null;
	}
}

function shell(command: string): string | null {
	try {
		return execFileSync('sh', ['-c', command], { encoding: 'utf8', cwd: ROOT }).trim();
	} catch {
		return null;
	}
}

export function machineInfo(pinning: Pinning) {
	const fdLimit = Number(shell('ulimit -n'));
	return {
		cpuModel: os.cpus()[0]?.model ?? 'unknown',
		cores: os.cpus().length,
		memoryMB: Math.round(os.totalmem() / 2 ** 20),
		os: `${os.type()} ${os.release()}`,
		node: process.version,
		fdLimit,
		fdLimitEnough: !(fdLimit < 2500),
		loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
		pinning,
		commit: shell('git rev-parse --short HEAD'),
		workingTreeDirty: (shell('git status --porcelain -- server src') ?? '') !== '',
		versions: {
			yjs: packageVersion('yjs'),
			'y-protocols': packageVersion('y-protocols'),
			ws: packageVersion('ws'),
			'@y/websocket-server': packageVersion('@y/websocket-server'),
			'@hocuspocus/server': packageVersion('@hocuspocus/server')
		}
	};
}
