import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { threatboardDevServer } from './server/dev-plugin.ts';
import { tiptapSchemaCache } from './scripts/vite-tiptap-schema-cache.ts';

export default defineConfig({
	plugins: [tiptapSchemaCache(), sveltekit(), threatboardDevServer()]
});
