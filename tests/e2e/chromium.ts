/**
 * The browser the e2e tests and the browser bench drive: Debian's chromium (apt), since
 * Playwright's own browser download is not available here, with the same launch arguments for
 * both, so that the bench's figures compare with what the tests see.
 */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];
