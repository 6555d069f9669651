import { expect, it } from 'vitest';
import { TaskSlots } from '../../../server/rooms/task-slots.ts';

/** A task that runs until released, recording when it started. */
function heldTask(started: string[], name: string) {
	let release!: () => void;
	const done = new Promise<void>((resolve) => (release = resolve));
	return {
		run: async () => {
			started.push(name);
			await done;
			return name;
		},
		release: () => release()
	};
}

it('runs at most its size at once and the rest in arrival order', async () => {
	const slots = new TaskSlots(2);
	const started: string[] = [];
	const tasks = ['a', 'b', 'c', 'd'].map((name) => heldTask(started, name));
	const results = tasks.map((task) => slots.run(task.run));
	await Promise.resolve();
	expect(started).toEqual(['a', 'b']);
	expect([slots.running, slots.waiting]).toEqual([2, 2]);

	tasks[1].release();
	await results[1];
	await Promise.resolve();
	expect(started).toEqual(['a', 'b', 'c']);

	tasks[0].release();
	tasks[2].release();
	tasks[3].release();
	expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
	expect([slots.running, slots.waiting]).toEqual([0, 0]);
});

it('frees the slot of a task that fails, and passes the failure on', async () => {
	const slots = new TaskSlots(1);
	const failing = slots.run(async () => {
		throw new Error('store down');
	});
	const next = slots.run(async () => 'ran');
	await expect(failing).rejects.toThrow('store down');
	expect(await next).toBe('ran');
	expect(slots.running).toBe(0);
});

it('refuses a size below one', () => {
	expect(() => new TaskSlots(0)).toThrow(RangeError);
	expect(() => new TaskSlots(1.5)).toThrow(RangeError);
});
