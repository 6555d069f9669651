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
	// Two workers on the 2-core CI machine: the suite took 11 min serially, 5 min with two (measured
	// 2026-12-05), which keeps .ci/run under its 15-minute budget.
	workers: 2,
	forbidOnly: !!process.env.CI,
	retries: 0,
	// The longest specs (three browsers, tldraw in each) take 40-60 s on the 2-core CI machine.
	timeout: 90_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		browserName: 'chromium',
		baseURL: process.env.THREATBOARD_E2E_BASE_URL,
		viewport: { width: 1280, height: 720 },
		trace: 'retain-on-failure',
		// Debian's chromium (apt): Playwright's own browser download is not available here.
		launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS }
	}
});
