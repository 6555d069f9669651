// Bundles server/ (and the shared schema it imports) into dist/server/ for `npm start`:
// index.js, and the worker threads' own entries: import-worker.js (server/import/) and
// fold-worker.js (compaction, server/persistence/).
// Dependencies stay external: they are installed by npm, and better-sqlite3 is native.
import { build } from 'esbuild';

await build({
	entryPoints: {
		index: 'server/index.ts',
		'import-worker': 'server/import/import-worker.ts',
		'fold-worker': 'server/persistence/fold-worker.ts'
	},
	outdir: 'dist/server',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
