/**
 * On one CPU the server advises --single-threaded-gc when it starts (server/runtime-advice.ts):
 * V8's marking threads otherwise share the event loop's CPU. Checked on the real entry point,
 * pinned to one core with taskset as the bench pins its servers.
 */
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { SINGLE_THREADED_GC, oneCpuAdvice } from '../../server/runtime-advice.ts';
import { spawnServer, tempDataDir, type ChildServer } from '../helpers/server.ts';

const ADVICE = 'one CPU available';

const running: ChildServer[] = [];
afterEach(async () => {
	// Those a failed assertion left running.
	for (const server of running.splice(0)) {
		server.child.kill('SIGTERM');
		await server.exited;
	}
});

it('advises the flag on one CPU only, and not once it is given', () => {
	expect(oneCpuAdvice(1, [])).toContain(`node ${SINGLE_THREADED_GC} dist/server/index.js`);
	expect(oneCpuAdvice(1, ['--enable-source-maps'])).toContain(ADVICE);
	expect(oneCpuAdvice(1, [SINGLE_THREADED_GC])).toBeNull();
	expect(oneCpuAdvice(2, [])).toBeNull();
	expect(oneCpuAdvice(64, [])).toBeNull();
});

/**
 * The messages a server logged from its start to its stop. It is stopped first, and read once its
 * output streams have closed: warnings come on stderr, which may arrive after stdout's
 * "listening".
 */
async function startupMessages(options: Parameters<typeof spawnServer>[2]): Promise<string[]> {
	const server = await spawnServer(tempDataDir(), {}, options);
	running.push(server);
	const closed = once(server.child, 'close');
	server.child.kill('SIGTERM');
	await closed;
	return server.logLines.flatMap((line) => {
		try {
			return [(JSON.parse(line) as { msg: string }).msg];
		} catch {
			return []; // not a log line (a Node warning)
		}
	});
}

it('logs the advice when the server is pinned to one core, and not with the flag or two cores', async () => {
	const pinned = await startupMessages({ cpu: 0 });
	expect(pinned.some((msg) => msg.startsWith(ADVICE))).toBe(true);
	expect(pinned).toContain('threatboard listening');

	const flagged = await startupMessages({ cpu: 0, nodeFlags: [SINGLE_THREADED_GC] });
	expect(flagged).toContain('threatboard listening');
	expect(flagged.some((msg) => msg.startsWith(ADVICE))).toBe(false);

	const unpinned = await startupMessages({});
	expect(unpinned).toContain('threatboard listening');
	expect(unpinned.some((msg) => msg.startsWith(ADVICE))).toBe(false);
});
