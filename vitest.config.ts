import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
				// 2-core CI machine); the whole vitest run went from about 300 s to 208 s (2026-12-06).
				extends: true,
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'], maxWorkers: 2, sequence: { groupOrder: 0 } }
			},
			{
				// Integration tests spawn servers, SIGKILL them and measure event-loop delays: one file at
				// a time, after the unit files, so that nothing else competes for the 2 cores.
				extends: true,
				test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } }
			}
		]
	}
});
