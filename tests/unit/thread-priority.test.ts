/**
 * Background threads run below the event loop's priority (server/worker-entry.ts): on a core
 * they share with it, a fold's time slices used to delay the event loop by tens of ms. Linux
 * only, like the deployments it is for: the nice value is per thread there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createFoldRunner } from '../../server/persistence/fold-runner.ts';
import { createSqliteStore } from '../../server/persistence/sqlite-store.ts';
import { BACKGROUND_NICE, thisThreadId } from '../../server/worker-entry.ts';

/** The nice value of each thread of this process, by thread id (proc(5): field 19 of stat). */
function niceByThread(): Map<number, number> {
	const nices = new Map<number, number>();
	for (const tid of fs.readdirSync('/proc/self/task')) {
		try {
			const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
			nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
		} catch {
			// The thread ended between the listing and the read.
		}
	}
	return nices;
}

const backgroundThreads = () => [...niceByThread()].filter(([, nice]) => nice === BACKGROUND_NICE).map(([tid]) => tid);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('runs folds in a worker thread below the event loop\'s priority, and leaves the event loop\'s alone', async () => {
	const before = new Set(backgroundThreads());
	const runner = createFoldRunner(0); // every fold goes to the worker
	cleanups.push(() => runner.close());
	const doc = new Y.Doc();
	doc.getMap('notes').set('a', 'threat');
	expect(Y.decodeUpdate(await runner.fold([Y.encodeStateAsUpdate(doc)])).structs.length).toBeGreaterThan(0);
	expect(backgroundThreads().filter((tid) => !before.has(tid))).toHaveLength(1);
	expect(niceByThread().get(thisThreadId()!)).toBe(0);
	expect(BACKGROUND_NICE).toBeGreaterThan(0);
});

it('checkpoints the SQLite WAL in a thread below the event loop\'s priority', async () => {
	const before = new Set(backgroundThreads());
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threatboard-priority-'));
	const store = createSqliteStore(dir);
	cleanups.push(async () => {
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});
	// The checkpointer reports its thread as it starts, after the store is returned; then it is lowered.
	await expect.poll(() => backgroundThreads().filter((tid) => !before.has(tid)).length).toBe(1);
	expect(niceByThread().get(thisThreadId()!)).toBe(0);
});
