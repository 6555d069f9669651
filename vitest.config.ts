import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts so tests never start the dev server's sync plugin.
export default defineConfig({
	// SvelteKit's $lib alias, for plain modules that import others at run time (not only types).
	resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'src/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Integration tests spawn servers and SIGKILL them: run files one at a time on 2 cores.
		fileParallelism: false
	}
});
