import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Integration files whose assertions bound a time or a memory peak. */
const TIMED = [
	'tests/integration/compaction-stall.test.ts',
	'tests/integration/hostile-peer.test.ts',
	'tests/integration/import-api.test.ts',
	'tests/integration/limits-flood.test.ts',
	'tests/integration/scale-out-three-instances.test.ts',
	'tests/integration/http-guards.test.ts',
	'tests/integration/large-board-reads.test.ts'
];

// Kept apart from vite.config.ts so tests never start the dev server's sync plugin.
export default defineConfig({
	// SvelteKit's $lib alias, for plain modules that import others at run time (not only types).
	resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
	test: {
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 30_000,
		projects: [
			{
				// Pure code and in-process servers on port 0: files run side by side (2 workers on the
				// 2-core CI machine).
				extends: true,
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } }
			},
			{
				// Integration tests that spawn servers, SIGKILL them, fuzz them or share PostgreSQL and
				// Redis (each file its own schema and rooms): side by side too, after the unit files.
				// Run one at a time they left a third of the 2 cores idle, waiting on child processes.
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					exclude: [...TIMED],
					maxWorkers: 2,
					sequence: { groupOrder: 1 }
				}
			},
			{
				// Files that bound an event-loop stall, a latency or a memory peak: one at a time, last,
				// so that nothing else competes for the cores they measure.
				extends: true,
				test: { name: 'timed', include: [...TIMED], fileParallelism: false, sequence: { groupOrder: 2 } }
			}
		]
	}
});
