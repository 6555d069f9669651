import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// Content-Security-Policy for every page. SvelteKit adds hashes (or nonces) for its own
		// inline bootstrap scripts, so script-src needs no 'unsafe-inline'. tldraw needs inline
		// styles, data:/blob: images and fonts, and blob: workers. connect-src 'self' also covers
		// ws:/wss: to this host (CSP Level 3), which is where sync connects.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'worker-src': ['self', 'blob:'],
				// data: because tldraw fetches its bundled translations from a data: URL.
				'connect-src': ['self', 'data:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		alias: { '#shared/*': './src/lib/shared/*' }
	}
};

export default config;
