/**
 * End-to-end tests against the BUILT app (`npm run build` first): tests/e2e/global-setup.ts
 * starts `node dist/server/index.js` on a free loopback port with a fresh DATA_DIR and exports
 * its URL in THREATBOARD_E2E_BASE_URL, which the workers inherit.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './tests/e2e/chromium.ts';

export default defineConfig({
	testDir: './tests/e2e',
	outputDir: './test-results',
	globalSetup: './tests/e2e/global-setup.ts',
	fullyParallel: true,
	// Two workers on the 2-core CI machine: the suite is CPU-bound (Chromium renders tldraw in every
	// page), so more workers do not help. 69 tests took 7.6 min untraced (2026-12-06) against 12.6
	// min when every test was traced.
	workers: 2,
	forbidOnly: !!process.env.CI,
	// One retry: a test that fails twice fails the run; one that passes on its retry is listed as
	// flaky by name, with the trace of its retry, and does not block the run (on the loaded 2-core
	// CI machine two of 69 tests, different ones each time, lost an input once in a full run).
	retries: 1,
	// The longest specs (three browsers, tldraw in each) took up to 35 s untraced, 70 s traced.
	timeout: 90_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		browserName: 'chromium',
		baseURL: process.env.THREATBOARD_E2E_BASE_URL,
		viewport: { width: 1280, height: 720 },
		// No trace on a test's first run: tracing cost more CPU than the tests themselves (tldraw draws
		// on every animation frame; the screencast and DOM snapshots of each one doubled the suite's
		// CPU: focus.spec.ts and board.spec.ts:44 took 88 s of CPU traced, 42 s untraced). A failed
		// test runs once more, traced; its first run keeps a screenshot of the failure.
		trace: 'on-first-retry',
		screenshot: 'only-on-failure',
		// Debian's chromium (apt): Playwright's own browser download is not available here.
		launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS }
	}
});
