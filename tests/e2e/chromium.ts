/**
 * The browser the e2e tests and the browser bench drive: Debian's chromium (apt), since
 * Playwright's own browser download is not available here, with the same launch arguments for
 * both, so that the bench's figures compare with what the tests see.
 *
 * Debian's `chromium-headless-shell` (the same build's old headless mode, which Playwright itself
 * uses for headless runs) is preferred when installed: the full browser's headless mode also
 * runs its tab-strip UI, a renderer per window. board.spec.ts, 12 tests on 2 workers, took
 * 2.0 min and 88 s of CPU with the shell against 2.9 min and 121 s with the full browser
 * (2026-12-06, Chromium 156). `.ci/run` installs both.
 */
import fs from 'node:fs';

const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';

export const CHROMIUM_EXECUTABLE = fs.existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];
