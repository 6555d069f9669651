import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', 'dist/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/', 'data/', 'bench/results/', 'tmp/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
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
		// Only server/config.ts reads the environment (validated once, see ARCHITECTURE.md §1).
		files: ['server/**/*.ts', 'src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['server/config.ts'],
		rules: {
			'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.ts.' }]
		}
	},
	{
		// Yjs root types are touched only by the shared schema module (ARCHITECTURE.md §3).
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
