/** What each measurement group gets for one repetition. */
import { expect as baseExpect, type Browser } from '@playwright/test';

export interface BrowserRun {
	/** The built app's URL (a fresh server for this repetition). */
	base: string;
	/** That server's DATA_DIR, where rooms are seeded. */
	dataDir: string;
	/** Debian's chromium, launched for this repetition; one context per person. */
	browser: Browser;
	progress(message: string): void;
}

/**
 * Playwright's expect outside its test runner waits 5 s by default; the perf specs this bench
 * replaces ran with the project's 10 s (playwright.config.ts). The helpers from tests/e2e keep 5 s.
 */
export const expect = baseExpect.configure({ timeout: 10_000 });
