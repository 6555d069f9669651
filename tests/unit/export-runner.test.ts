/**
 * The export runner's limits (server/export/export-runner.ts): at most three exports waiting or
 * running for one workshop, and for one client address, so that one client with a few workshops
 * cannot take all eight of the process's slots.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, expect, it } from 'vitest';
import { MAX_PENDING_EXPORTS, MAX_PENDING_EXPORTS_PER_ADDRESS, createExportRunner, type ExportRunner } from '../../server/export/export-runner.ts';
import type { ExportTask } from '../../server/export/export-worker.ts';

const runners: ExportRunner[] = [];
afterEach(async () => {
	for (const runner of runners.splice(0)) await runner.close();
});

const task: ExportTask = { kind: 'room', format: 'md', state: { board: [], control: [] }, exportedAt: 0 };

it('refuses a fourth export for one address across workshops, and serves another address meanwhile', async () => {
	const exporter = createExportRunner();
	runners.push(exporter);
	const running = Array.from({ length: MAX_PENDING_EXPORTS_PER_ADDRESS }, (_, i) => exporter.run(task, { roomId: `room-${i}`, network: '198.51.100.1' }));
	expect(exporter.busy({ roomId: 'room-9', network: '198.51.100.1' })).toBe(true);
	await expect(exporter.run(task, { roomId: 'room-9', network: '198.51.100.1' })).rejects.toThrow('too many exports at once');
	expect(exporter.busy({ roomId: 'room-9', network: '198.51.100.2' })).toBe(false);
	const other = exporter.run(task, { roomId: 'room-9', network: '198.51.100.2' });
	const answers = await Promise.all([...running, other]);
	expect(answers.every((answer) => answer.body.startsWith('# '))).toBe(true);
	// Done, the address's slots are free again.
	expect(exporter.busy({ roomId: 'room-9', network: '198.51.100.1' })).toBe(false);
});

it("runs a facilitator's freeze though the workshop's and the process's limits are full", async () => {
	const exporter = createExportRunner();
	runners.push(exporter);
	const running = Array.from({ length: MAX_PENDING_EXPORTS }, (_, i) => exporter.run(task, { roomId: i < 3 ? 'room' : `room-${i}`, network: `198.51.100.${i}` }));
	expect(exporter.busy({ roomId: 'room', network: '203.0.113.1' })).toBe(true);
	const frozen = exporter.run({ kind: 'freeze', state: { board: [], control: [] }, frozenAt: 0 }, 'facilitator');
	await Promise.all(running);
	const { data, counts } = await frozen;
	expect(gunzipSync(data).toString('utf8')).toMatch(/^\{/);
	expect(counts.threats).toBe(0);
});
