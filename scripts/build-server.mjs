// Bundles server/ (and the shared schema it imports) into dist/server/ for `npm start`:
// index.js, and the worker threads' own entries: import-worker.js (server/import/),
// fold-worker.js (compaction, server/persistence/), figures-worker.js (server/systems/) and
// export-worker.js (exports and iteration diffs, server/export/). A
// worker's bundle is named after its source file (server/worker-entry.ts starts it by that name).
// Dependencies stay external: they are installed by npm, and better-sqlite3 is native.
import { build } from 'esbuild';

await build({
	entryPoints: {
		index: 'server/index.ts',
		'import-worker': 'server/import/import-worker.ts',
		'fold-worker': 'server/persistence/fold-worker.ts',
		'figures-worker': 'server/systems/figures-worker.ts',
		'export-worker': 'server/export/export-worker.ts'
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
