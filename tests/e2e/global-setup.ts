/**
 * One built server for the whole e2e run, on a free loopback port with a fresh DATA_DIR. Its URL
 * goes to THREATBOARD_E2E_BASE_URL and its data directory to THREATBOARD_E2E_DATA_DIR (for seeding
 * rooms), which Playwright's workers inherit. Returns the teardown.
 */
import fs from 'node:fs';
import { startBuiltServer } from './built-server.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
	const server = await startBuiltServer();
	process.env.THREATBOARD_E2E_BASE_URL = server.url;
	process.env.THREATBOARD_E2E_DATA_DIR = server.dataDir;
	return async () => {
		await server.stop();
		fs.rmSync(server.dataDir, { recursive: true, force: true });
	};
}
