/**
 * The worker runner (server/worker-entry.ts) hands tasks over one at a time: a task that hangs
 * fails alone, and each task's time budget starts when it is handed over.
 */
import { afterEach, expect, it } from 'vitest';
import { createTaskWorker, type TaskWorker } from '../../server/worker-entry.ts';

type Task = { n: number; busyMs?: number; forever?: boolean };
const runners: Array<TaskWorker<Task, string>> = [];
afterEach(async () => {
	for (const runner of runners.splice(0)) await runner.close();
});

function runner(timeoutMs: number): TaskWorker<Task, string> {
	const made = createTaskWorker<Task, string>({ source: '../tests/fixtures/task-worker.ts', heapMb: 64, timeoutMs, name: 'test task' });
	runners.push(made);
	return made;
}

it('fails a task that hangs alone: the tasks queued behind it run on a fresh worker', async () => {
	const tasks = runner(1_000);
	const stuck = tasks.run({ n: 1, forever: true });
	const after = [tasks.run({ n: 2 }), tasks.run({ n: 3 })];
	await expect(stuck).rejects.toThrow('took longer than 1000 ms');
	await expect(Promise.all(after)).resolves.toEqual(['done 2', 'done 3']);
	await expect(tasks.run({ n: 4 })).resolves.toBe('done 4');
	expect(tasks.pending).toBe(0);
});

it("starts each task's time budget when it is handed over, not when it is queued", async () => {
	const tasks = runner(1_000);
	// Six tasks of 250 ms: the last ends about 1.5 s after they were queued, each within its budget.
	const all = Array.from({ length: 6 }, (_, i) => tasks.run({ n: i, busyMs: 250 }));
	await expect(Promise.all(all)).resolves.toEqual(['done 0', 'done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
});
