// Bundles server/ (and the shared schema it imports) into dist/server/index.js for `npm start`.
// Dependencies stay external: they are installed by npm, and better-sqlite3 is native.
import { build } from 'esbuild';

await build({
	entryPoints: ['server/index.ts'],
	outfile: 'dist/server/index.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
