import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';
import threatboard, { kitAliases } from './eslint-rules/index.js';

// Server layers, top to bottom. A file may import its own layer and any layer below, never one above;
// members of an `apart` layer do not import each other. A new server folder is one line here
// (features go in `features`); a server file in no layer is itself a lint error.
const serverLayers = [
	{ layer: 'composition root', members: ['server/index.ts', 'server/threatboard.ts', 'server/dev-plugin.ts'] },
	{ layer: 'transports', members: ['server/http/', 'server/sync/'], apart: true },
	{ layer: 'features', members: ['server/board/', 'server/export/', 'server/facilitation/', 'server/import/', 'server/iterations/', 'server/rounds/', 'server/systems/'] },
	{ layer: 'rooms', members: ['server/rooms/'] },
	{ layer: 'persistence and scale-out', members: ['server/persistence/', 'server/scale-out/'], apart: true },
	{ layer: 'utilities', members: ['server/log.ts', 'server/metrics.ts', 'server/config.ts', 'server/rate-limit.ts', 'server/worker-entry.ts', 'server/runtime-advice.ts', 'server/auth/'], apart: true },
	{ layer: 'shared', members: ['src/lib/shared/'] }
];

// Folder directions on the client. Each boundary is an error with its `because` in the message.
const clientBoundaries = [
	{
		files: ['src/'],
		except: ['src/lib/canvas/react/'],
		forbid: { packages: ['react', 'react-dom', 'tldraw', '@tldraw/*', '@tiptap/*'] },
		because: 'only src/lib/canvas/react/ may use React, tldraw or tiptap, so the island stays contained and loads on demand'
	},
	{
		files: ['src/'],
		forbid: { folders: ['server/'] },
		because: 'server code never ships to the browser; share it through src/lib/shared/'
	},
	{
		files: ['src/lib/shared/'],
		forbid: { outside: ['src/lib/shared/'], sveltekit: true, svelte: true, node: true },
		because: 'shared code runs in the browser and on the server, so it imports only src/lib/shared/ and plain packages (no app, Svelte, Node or server code)'
	},
	{
		files: ['src/lib/board/'],
		forbid: { folders: ['src/lib/facilitation/'] },
		because: 'the board learns what facilitation allows through the board policy in Svelte context, not by import'
	},
	{
		files: ['src/lib/canvas/'],
		forbid: { folders: ['src/lib/board/'] },
		because: 'the canvas must not depend on the board; share what both need through src/lib/shared/'
	},
	{
		files: ['src/lib/ui/'],
		forbid: { outside: ['src/lib/ui/', 'src/lib/shared/'] },
		because: 'ui holds presentational components that any feature may use, so it imports only src/lib/ui/ and src/lib/shared/'
	}
];

export default ts.config(
	{ ignores: ['build/', 'dist/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/', 'data/', 'bench/results/', 'tmp/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		plugins: { threatboard },
		settings: { threatboard: { aliases: kitAliases(svelteConfig) } }
	},
	{
		// Folder directions as errors, not conventions (docs/ARCHITECTURE.md, Layering).
		files: ['src/**/*.ts', 'src/**/*.tsx', 'src/**/*.js', 'src/**/*.svelte', 'server/**/*.ts'],
		rules: {
			'threatboard/import-boundaries': ['error', clientBoundaries],
			'threatboard/server-layers': ['error', { root: 'server/', layers: serverLayers }]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig }
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-console': ['error', { allow: ['warn', 'error'] }]
		}
	},
	{
		// Only server/config.ts reads the environment (validated once, see docs/ARCHITECTURE.md §1).
		files: ['server/**/*.ts', 'src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['server/config.ts'],
		rules: {
			'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.ts.' }]
		}
	},
	{
		// Yjs root types are touched only by the shared schema module (docs/ARCHITECTURE.md §2).
		files: ['src/**/*.ts', 'src/**/*.svelte', 'server/**/*.ts'],
		ignores: ['src/lib/shared/**'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{ selector: "CallExpression[callee.property.name=/^(getMap|getText|getArray|getXmlFragment)$/]", message: 'Access Yjs roots through src/lib/shared accessors.' }
			]
		}
	},
	{
		files: ['bench/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.mjs'],
		rules: { 'no-console': 'off' }
	}
);
