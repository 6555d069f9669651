import { describe, expect, it } from 'vitest';
import { RETRY_FIRST_MS, RETRY_MAX_MS, Renamer, type RenameOutcome } from './rename.ts';

/** A renamer whose requests and timers the test answers by hand. */
function harness() {
	const sent: Array<{ name: string; from: readonly string[]; answer: (outcome: RenameOutcome) => void }> = [];
	const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
	const renamer = new Renamer({
		send: (name, from) => new Promise((resolve) => sent.push({ name, from, answer: resolve })),
		setTimer: (fn, ms) => {
			const timer = { fn, ms, cleared: false };
			timers.push(timer);
			return timer;
		},
		clearTimer: (timer) => void ((timer as { cleared: boolean }).cleared = true)
	});
	const settle = () => new Promise<void>((resolve) => queueMicrotask(() => queueMicrotask(() => queueMicrotask(resolve))));
	const fire = () => {
		const due = timers.filter((t) => !t.cleared);
		expect(due).toHaveLength(1);
		due[0].cleared = true;
		due[0].fn();
	};
	return { renamer, sent, timers, settle, fire };
}

describe('Renamer', () => {
	it('sends again after failures, waiting longer each time, until the workshop has heard it', async () => {
		const { renamer, sent, timers, settle, fire } = harness();
		renamer.rename('Bo');
		expect(sent.map((s) => s.name)).toEqual(['Bo']);
		sent[0].answer(undefined); // offline
		await settle();
		expect(timers.at(-1)?.ms).toBe(RETRY_FIRST_MS);
		fire();
		sent[1].answer({ status: 503 });
		await settle();
		expect(timers.at(-1)?.ms).toBe(2 * RETRY_FIRST_MS);
		fire();
		sent[2].answer({ status: 429, retryAfterSeconds: 60 }); // the server's wait, when longer
		await settle();
		expect(timers.at(-1)?.ms).toBe(60_000);
		fire();
		sent[3].answer({ status: 200 });
		await settle();
		expect(sent.map((s) => s.name)).toEqual(['Bo', 'Bo', 'Bo', 'Bo']);
		expect(renamer.pending).toBe(false);
		expect(timers.filter((t) => !t.cleared)).toHaveLength(0);
	});

	it('says every name the workshop may hold: seen there, taken, or sent with the answer lost', async () => {
		const { renamer, sent, settle } = harness();
		renamer.rename('Bo', 'Ann');
		renamer.rename('Cy', 'Ann'); // while the first is on its way
		sent[0].answer(undefined); // the answer was lost: the workshop may hold Bo now
		await settle();
		expect(sent.map((s) => [s.name, s.from])).toEqual([
			['Bo', ['Ann']],
			['Cy', ['Ann', 'Bo']]
		]);
		sent[1].answer({ status: 200 }); // Cy taken
		await settle();
		// Renamed again before this device's copy of the workshop shows Cy: Cy is known all the same.
		renamer.rename('Di', 'Ann');
		expect(sent[2].from).toEqual(['Cy', 'Ann']);
		sent[2].answer({ status: 409, nameRefused: 'looks like another' }); // refused: the workshop holds what it held
		await settle();
		renamer.rename('Ed', 'Cy');
		expect(sent[3].from).toEqual(['Ann', 'Cy']);
	});

	it('gives up, saying why, when another device of the person renamed them meanwhile', async () => {
		const refused: string[] = [];
		const renamer = new Renamer({ send: () => Promise.resolve({ status: 409, nameRefused: 'changed on another device' }), onRefused: (m) => refused.push(m) });
		renamer.rename('Bo', 'Ann');
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(refused).toEqual(['changed on another device']);
		expect(renamer.pending).toBe(false);
	});

	it('never waits longer than the cap between tries', async () => {
		const { renamer, sent, timers, settle, fire } = harness();
		renamer.rename('Bo');
		for (let i = 0; i < 8; i++) {
			sent[i].answer(undefined);
			await settle();
			fire();
		}
		expect(Math.max(...timers.map((t) => t.ms))).toBe(RETRY_MAX_MS);
	});

	it('sends one request at a time and, after it, only the latest name', async () => {
		const { renamer, sent, settle } = harness();
		renamer.rename('B');
		renamer.rename('Bo');
		renamer.rename('Bob');
		expect(sent.map((s) => s.name)).toEqual(['B']);
		sent[0].answer({ status: 200 });
		await settle();
		expect(sent.map((s) => s.name)).toEqual(['B', 'Bob']);
		sent[1].answer({ status: 200 });
		await settle();
		expect(renamer.pending).toBe(false);
	});

	it('a new name during the wait after a failure is sent at once', async () => {
		const { renamer, sent, timers, settle } = harness();
		renamer.rename('Bo');
		sent[0].answer(undefined);
		await settle();
		renamer.rename('Bob');
		expect(timers[0].cleared).toBe(true);
		expect(sent.map((s) => s.name)).toEqual(['Bo', 'Bob']);
	});

	it('tells of a name the workshop will not take, once, with its reason', async () => {
		const refusals: string[] = [];
		const sent: Array<(outcome: RenameOutcome) => void> = [];
		const renamer = new Renamer({ send: () => new Promise((resolve) => sent.push(resolve)), onRefused: (message) => refusals.push(message) });
		renamer.rename('A1ice');
		sent[0]({ status: 409, nameRefused: 'looks like someone else' });
		await new Promise<void>((resolve) => queueMicrotask(() => queueMicrotask(resolve)));
		expect(refusals).toEqual(['looks like someone else']);
		expect(renamer.pending).toBe(false);
	});

	it('stops on a refusal that trying again would not change, and after destroy', async () => {
		const { renamer, sent, timers, settle } = harness();
		renamer.rename('Bo');
		sent[0].answer({ status: 400 });
		await settle();
		expect(renamer.pending).toBe(false);
		expect(timers).toHaveLength(0);

		renamer.rename('Bob');
		sent[1].answer(undefined);
		await settle();
		renamer.destroy();
		expect(timers.every((t) => t.cleared)).toBe(true);
	});
});
