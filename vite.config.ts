import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { threatboardDevServer } from './server/dev-plugin.ts';
import { tiptapSchemaCache } from './scripts/vite-tiptap-schema-cache.ts';

export default defineConfig({
	plugins: [tiptapSchemaCache(), sveltekit(), threatboardDevServer()],
	// Its `?url` imports (icons, fonts, translations) are Vite's to resolve: the dev server's
	// dependency pre-bundling cannot load them and stopped at the first page.
	optimizeDeps: { exclude: ['@tldraw/assets'] }
});
