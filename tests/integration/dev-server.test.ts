/**
 * `npm run dev` (README): Vite's dev server with the Threatboard server attached by
 * server/dev-plugin.ts, one command and one port. Started as a developer starts it, on a port of
 * its own choosing and a fresh data directory: the page renders, the API creates a workshop, two
 * clients sync through the same port (Vite's HMR keeps its own WebSocket), and it stops cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNote, listNotes } from '../../src/lib/shared/board/doc.ts';
import { connectClient, synced, waitUntil } from '../helpers/clients.ts';
import { createRoom, startTestServer, tempDataDir } from '../helpers/server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dev: ChildProcess;
let exited: Promise<number | string>;
let url = '';
const output: string[] = [];
const dataDir = tempDataDir();
let roomId = '';

beforeAll(async () => {
	dev = spawn(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'dev', '--host', '127.0.0.1', '--port', '0', '--strictPort'], {
		cwd: ROOT,
		env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info', ROOMS_PER_MINUTE_PER_IP: '1000', NODE_ENV: 'development' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	// 'close', not 'exit': its output is read to the end first.
	exited = new Promise((resolve) => dev.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
	readline.createInterface({ input: dev.stderr! }).on('line', (line) => output.push(line));
	url = await new Promise<string>((resolve, reject) => {
		readline.createInterface({ input: dev.stdout! }).on('line', (line) => {
			output.push(line);
			// eslint-disable-next-line no-control-regex -- Vite colours its banner
			const local = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(line.replace(/\u001b\[[0-9;]*m/g, ''));
			if (local) resolve(local[1]);
		});
		void exited.then((code) => reject(new Error(`vite dev exited (${code}) before listening:\n${output.join('\n')}`)));
	});
}, 60_000);

afterAll(async () => {
	dev?.kill('SIGTERM');
	await exited;
});

describe('npm run dev', () => {
	it('serves the landing page, the API and sync on one port', async () => {
		const health = await fetch(`${url}/healthz`);
		expect(health.status).toBe(200);

		const page = await fetch(`${url}/`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Threatboard');

		const room = await createRoom(url, 'Dev workshop');
		roomId = room.roomId;
		const wsUrl = url.replace(/^http/, 'ws');
		const [ana, ben] = [connectClient(wsUrl, room.roomId), connectClient(wsUrl, room.roomId)];
		try {
			await Promise.all([synced(ana), synced(ben)]);
			createNote(ana.doc, { kind: 'threat', question: 2, text: 'Spoofed login', author: 'Ana', authorColor: '#2563eb' });
			await waitUntil(() => listNotes(ben.doc).some((note) => note.text === 'Spoofed login'), 'ben sees the note', { docs: [ben.doc] });
		} finally {
			ana.destroy();
			ben.destroy();
		}

		const workshop = await fetch(`${url}/w/${room.roomId}`);
		expect(workshop.status).toBe(200);
	}, 90_000);

	it('stops on SIGTERM, and what was written is there for the next start', async () => {
		dev.kill('SIGTERM');
		const code = await exited;
		// Vite's CLI exits with 128 + SIGTERM once its server is closed.
		expect([0, 143, 'SIGTERM']).toContain(code);
		const log = output.join('\n');
		expect(log).not.toMatch(/"level":"error"/);
		// Vite waits for its plugins to close: the rooms were written out before the process ended.
		expect(log, `exit ${String(code)}: ${log}`).toContain('"msg":"rooms written out and store closed"');
		// The data directory is free again (one server per directory) and holds the note.
		const after = await startTestServer({ LOG_LEVEL: 'warn' }, dataDir);
		try {
			const reader = connectClient(after.wsUrl, roomId);
			await synced(reader);
			expect(listNotes(reader.doc).map((note) => note.text)).toEqual(['Spoofed login']);
			reader.destroy();
		} finally {
			await after.close();
		}
	});
});
