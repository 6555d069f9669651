/**
 * Vite plugin: tldraw's rich-text helpers import `@tiptap/core` from our schema-caching wrapper
 * (src/lib/canvas/react/tiptap-core.ts) instead; every other importer, the wrapper included,
 * gets the real module. See the wrapper for why.
 */
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export const TIPTAP_WRAPPER = fileURLToPath(new URL('../src/lib/canvas/react/tiptap-core.ts', import.meta.url));

/** The one tldraw module that calls `generateHTML` / `generateText` (tldraw 5.4). */
const TLDRAW_RICH_TEXT = /[\\/]tldraw[\\/]dist-esm[\\/]lib[\\/]utils[\\/]text[\\/]richText\.mjs$/;

export function tiptapSchemaCache(): Plugin {
	return {
		name: 'threatboard:tiptap-schema-cache',
		enforce: 'pre',
		resolveId(source, importer) {
			if (source === '@tiptap/core' && importer && TLDRAW_RICH_TEXT.test(importer)) return TIPTAP_WRAPPER;
			return null;
		}
	};
}
