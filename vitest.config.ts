import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts so tests never start the dev server's sync plugin.
export default defineConfig({
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'src/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Integration tests spawn servers and SIGKILL them: run files one at a time on 2 cores.
		fileParallelism: false
	}
});
