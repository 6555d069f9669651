import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { threatboardDevServer } from './server/dev-plugin.ts';

export default defineConfig({
	plugins: [sveltekit(), threatboardDevServer()]
});
