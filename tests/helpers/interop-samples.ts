/**
 * Where the interchange samples live (../shared/interop, beside the checkout: real models written
 * by Threat Dragon, threat-composer and, through OTM, Microsoft's tool) and how to read them.
 * Free of vitest, so Playwright specs use it too.
 */
import fs from 'node:fs';
import path from 'node:path';

/** `shared/interop` beside the checkout (or beside a parent of a worktree). */
function findInteropDir(): string {
	let dir = path.resolve(import.meta.dirname, '../..');
	for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
		const candidate = path.join(path.dirname(dir), 'shared/interop');
		if (fs.existsSync(path.join(candidate, 'README.md'))) return candidate;
	}
	throw new Error('the interchange samples (../shared/interop) were not found');
}

export const INTEROP_DIR = findInteropDir();

export const TD_SAMPLES = ['v2-threat-model.json', 'payment-online.json', 'three-tier-web-app.json', 'v2-new-model.json'].map((name) => `threat-dragon/${name}`);
export const TC_SAMPLES = ['GenAIChatbot.tc.json', 'ThreatComposer.tc.json'].map((name) => `threat-composer/${name}`);
export const OTM_SAMPLES = ['threat-dragon/mobile-cloud.otm.json'];

/** The absolute path of a sample. */
export function samplePath(name: string): string {
	return path.join(INTEROP_DIR, name);
}

export function readSample(name: string): string {
	return fs.readFileSync(path.join(INTEROP_DIR, name), 'utf8');
}
