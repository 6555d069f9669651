// The folder directions of docs/ARCHITECTURE.md are lint errors: each forbidden direction below must
// fail with the project's real eslint.config.js, and the everyday imports must still pass. Files are
// virtual (lintText with a path), so nothing is written into src/ or server/.
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const eslint = new ESLint({
	cwd: root,
	// The type-aware project service only knows .svelte files that exist on disk. The layering rules
	// read no types, so virtual components are parsed without it (which also saves ~4 s).
	overrideConfig: { files: ['**/*.svelte'], languageOptions: { parserOptions: { projectService: false } } }
});

const BOUNDARIES = 'threatboard/import-boundaries';
const LAYERS = 'threatboard/server-layers';

/** Layering errors and parse failures for `code` linted as if it lived at `file`. */
async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
	const [result] = await eslint.lintText(code, { filePath: file });
	return result.messages.filter((message) => message.fatal || message.ruleId?.startsWith('threatboard/'));
}

/** A module that imports `specifier` and uses what it imports, in TypeScript or in a component. */
function importing(file: string, specifier: string): string {
	const statement = `import * as imported from '${specifier}';`;
	if (!file.endsWith('.svelte')) return `${statement}\nexport { imported };\n`;
	return `<script lang="ts">\n\t${statement}\n\tconsole.warn(imported);\n</script>\n`;
}

interface Forbidden {
	file: string;
	specifier: string;
	rule: string;
	says: string;
}

async function expectForbidden({ file, specifier, rule, says }: Forbidden, code = importing(file, specifier)) {
	const messages = await lint(file, code);
	expect(messages).toHaveLength(1);
	expect(messages[0].ruleId).toBe(rule);
	expect(messages[0].message).toContain(`'${specifier}'`);
	expect(messages[0].message).toContain(says);
}

async function expectAllowed(file: string, specifier: string) {
	expect(await lint(file, importing(file, specifier))).toEqual([]);
}

const ISLAND = 'only src/lib/canvas/react/ may use React, tldraw or tiptap';
const SHARED = 'shared code runs in the browser and on the server';
const NOT_SERVER = 'server code never ships to the browser';
const BOARD = 'the board learns what facilitation allows through the board policy';
const CANVAS = 'the canvas must not depend on the board';
const UI = 'ui holds presentational components';
const UPWARD = 'a layer above. The server imports only downward';
const APART = 'sit side by side in';
const CLIENT = 'the server reaches client code only through src/lib/shared/';

const forbidden = (rule: string, says: string, cases: [file: string, specifier: string][]): Forbidden[] =>
	cases.map(([file, specifier]) => ({ file, specifier, rule, says }));

describe('client boundaries', () => {
	it.each(
		forbidden(BOUNDARIES, ISLAND, [
			['src/lib/canvas/virtual.ts', 'react'],
			['src/lib/canvas/Virtual.svelte', 'react-dom/client'],
			['src/lib/board/virtual.ts', 'react/jsx-runtime'],
			['src/lib/canvas/virtual.ts', 'tldraw'],
			['src/routes/virtual.ts', 'tldraw/tldraw.css'],
			['src/lib/sync/virtual.ts', '@tldraw/editor'],
			['src/lib/shared/canvas/virtual.ts', '@tiptap/core']
		])
	)('only the React island imports React, tldraw and tiptap: $file -> $specifier', (test) => expectForbidden(test));

	it.each(
		forbidden(BOUNDARIES, SHARED, [
			['src/lib/shared/board/virtual.ts', '$lib/board/origin.ts'],
			['src/lib/shared/virtual.ts', '../routes/landing-format.ts'],
			['src/lib/shared/wire/virtual.ts', '../../ui/color.ts'],
			['src/lib/shared/virtual.ts', '$lib'],
			['src/lib/shared/virtual.ts', '$app/paths'],
			['src/lib/shared/virtual.ts', '$env/dynamic/public'],
			['src/lib/shared/virtual.ts', 'svelte'],
			['src/lib/shared/virtual.ts', 'svelte/store'],
			['src/lib/shared/board/virtual.ts', './Card.svelte'],
			['src/lib/shared/board/virtual.ts', '#shared/board/state.svelte.ts'],
			['src/lib/shared/virtual.ts', 'node:crypto'],
			['src/lib/shared/virtual.ts', 'fs'],
			['src/lib/shared/virtual.ts', 'path'],
			['src/lib/shared/virtual.ts', 'crypto']
		])
	)('shared imports nothing from the app, Svelte or Node: $file -> $specifier', (test) => expectForbidden(test));

	it.each(
		forbidden(BOUNDARIES, NOT_SERVER, [
			['src/lib/shared/wire/virtual.ts', '../../../../server/log.ts'],
			['src/routes/virtual.ts', '../../server/config.ts']
		])
	)('client code imports nothing from the server: $file -> $specifier', (test) => expectForbidden(test));

	it.each(
		forbidden(BOUNDARIES, BOARD, [
			['src/lib/board/virtual.ts', '$lib/facilitation/voting-rules.ts'],
			['src/lib/board/Virtual.svelte', '../facilitation/shortcuts.ts']
		])
	)('the board does not import facilitation: $file -> $specifier', (test) => expectForbidden(test));

	it.each(
		forbidden(BOUNDARIES, CANVAS, [
			['src/lib/canvas/virtual.ts', '$lib/board/origin.ts'],
			['src/lib/canvas/Virtual.svelte', '../board/focus.ts'],
			['src/lib/canvas/react/virtual.tsx', '../../board/origin.ts']
		])
	)('the canvas does not import the board: $file -> $specifier', (test) => expectForbidden(test));

	it.each(
		forbidden(BOUNDARIES, UI, [
			['src/lib/ui/Virtual.svelte', '$lib/board/origin.ts'],
			['src/lib/ui/Virtual.svelte', '$lib/canvas/preload.ts'],
			['src/lib/ui/Virtual.svelte', '$lib/facilitation/clock.ts'],
			['src/lib/ui/Virtual.svelte', '$lib/export/download.ts'],
			['src/lib/ui/Virtual.svelte', '$lib/sync/presence.svelte.ts'],
			['src/lib/ui/virtual.ts', '../workshop/links.ts'],
			['src/lib/ui/virtual.ts', '$lib/voting/ballot.ts'],
			['src/lib/ui/virtual.ts', '../../routes/landing-format.ts']
		])
	)('ui imports no feature folder: $file -> $specifier', (test) => expectForbidden(test));
});

describe('server layers', () => {
	it.each(
		forbidden(LAYERS, UPWARD, [
			['server/rooms/virtual.ts', '../sync/shared-doc.ts'],
			['server/rooms/virtual.ts', '../http/app.ts'],
			['server/rooms/virtual.ts', '../facilitation/keys.ts'],
			['server/facilitation/virtual.ts', '../sync/connection.ts'],
			['server/facilitation/virtual.ts', '../http/client-address.ts'],
			['server/sync/virtual.ts', '../threatboard.ts'],
			['server/scale-out/virtual.ts', '../rooms/room-manager.ts'],
			['server/persistence/virtual.ts', '../rooms/room-service.ts'],
			['server/persistence/virtual.ts', '../facilitation/lock.ts'],
			['server/sync/virtual.ts', '../index.ts'],
			['server/log.ts', './rooms/room-manager.ts'],
			['server/auth/virtual.ts', '../persistence/doc-store.ts'],
			['server/metrics.ts', './sync/sync-server.ts']
		])
	)('imports run only downward: $file -> $specifier', (test) => expectForbidden(test));

	it.each(
		forbidden(LAYERS, APART, [
			['server/sync/virtual.ts', '../http/client-address.ts'],
			['server/http/virtual.ts', '../sync/admission.ts'],
			['server/persistence/virtual.ts', '../scale-out/fanout.ts'],
			['server/scale-out/virtual.ts', '../persistence/doc-store.ts'],
			['server/log.ts', './config.ts'],
			['server/auth/virtual.ts', '../metrics.ts']
		])
	)('the two transports, persistence and scale-out, and the utilities stay apart: $file -> $specifier', (test) =>
		expectForbidden(test)
	);

	it.each(
		forbidden(LAYERS, CLIENT, [
			['server/http/virtual.ts', '$lib/board/origin.ts'],
			['server/rooms/virtual.ts', '../../src/lib/facilitation/drafts.ts'],
			['server/index.ts', '../src/routes/landing-format.ts'],
			['server/sync/virtual.ts', '$app/environment'],
			['server/http/virtual.ts', '#shared/board/Card.svelte']
		])
	)('the server imports client code only from shared: $file -> $specifier', (test) => expectForbidden(test));

	it('the server names shared code #shared/..., never by the client alias $lib', () =>
		expectForbidden({ file: 'server/rooms/virtual.ts', specifier: '$lib/shared/ids.ts', rule: LAYERS, says: 'the server names shared code #shared/...' })
	);

	it('names a server file that is in no layer', async () => {
		const messages = await lint('server/voting/ballots.ts', 'export const BALLOTS = 1;\n');
		expect(messages.map(({ ruleId, message }) => ({ ruleId, message }))).toEqual([
			{
				ruleId: LAYERS,
				message: 'server/voting/ballots.ts is in no server layer: add its file or folder to the layer table (serverLayers in eslint.config.js).'
			}
		]);
	});
});

describe('every import form is judged', () => {
	const rooms = 'server/rooms/virtual.ts';
	const upward = "server/rooms/ (rooms) may not import '../sync/shared-doc.ts': server/sync/ is in transports, a layer above.";
	it.each([
		['import', "import { SharedDoc } from '../sync/shared-doc.ts';\nexport { SharedDoc };\n"],
		['import type', "import type { SharedDoc } from '../sync/shared-doc.ts';\nexport type { SharedDoc };\n"],
		['side-effect import', "import '../sync/shared-doc.ts';\n"],
		['export from', "export { SharedDoc } from '../sync/shared-doc.ts';\n"],
		['export type from', "export type { SharedDoc } from '../sync/shared-doc.ts';\n"],
		['export * from', "export * from '../sync/shared-doc.ts';\n"],
		['dynamic import()', "export const load = () => import('../sync/shared-doc.ts');\n"],
		['dynamic import() of a template', 'export const load = () => import(`../sync/shared-doc.ts`);\n'],
		['import() type', "export type Doc = import('../sync/shared-doc.ts').SharedDoc;\n"]
	])('%s', async (_form, code) => {
		const messages = await lint(rooms, code);
		expect(messages.map(({ ruleId, message }) => ({ ruleId, message: message.slice(0, upward.length) }))).toEqual([
			{ ruleId: LAYERS, message: upward }
		]);
	});

	it('a component script, module script included', async () => {
		const code = [
			'<script lang="ts" module>',
			"\texport { votingRules } from '$lib/facilitation/voting-rules.ts';",
			'</script>',
			'<script lang="ts">',
			"\timport { FACILITATOR_SHORTCUTS } from '$lib/facilitation/shortcuts.ts';",
			'\tconsole.warn(FACILITATOR_SHORTCUTS);',
			'</script>',
			''
		].join('\n');
		const messages = await lint('src/lib/board/Virtual.svelte', code);
		expect(messages.map((message) => message.ruleId)).toEqual([BOUNDARIES, BOUNDARIES]);
		expect(messages.map((message) => message.line)).toEqual([2, 5]);
	});

	it('a file is judged by where it is, not by how it is named', async () => {
		for (const specifier of ['../board/origin.ts', './../board/origin', '$lib/board/origin.ts', '#shared/../board/origin.ts']) {
			await expectForbidden({ file: 'src/lib/canvas/virtual.ts', specifier, rule: BOUNDARIES, says: CANVAS });
		}
		for (const specifier of ['../sync/shared-doc.ts', '../sync/shared-doc', '../sync/shared-doc.js', '../../server/sync/shared-doc.ts']) {
			await expectForbidden({ file: 'server/rooms/virtual.ts', specifier, rule: LAYERS, says: UPWARD });
		}
	});
});

describe('everyday imports pass', () => {
	it.each([
		['server/http/virtual.ts', '../rooms/room-manager.ts'],
		['server/http/virtual.ts', '../facilitation/keys.ts'],
		['server/sync/virtual.ts', '../rooms/room-service.ts'],
		['server/index.ts', './http/app.ts'],
		['server/threatboard.ts', './sync/sync-server.ts'],
		['server/facilitation/virtual.ts', '../rooms/room-manager.ts'],
		['server/facilitation/virtual.ts', './lock.ts'],
		['server/rooms/virtual.ts', '../persistence/doc-store.ts'],
		['server/rooms/virtual.ts', '../scale-out/fanout.ts'],
		['server/rooms/virtual.ts', '#shared/board/doc'],
		['server/scale-out/virtual.ts', '../log.ts'],
		['server/persistence/virtual.ts', '../../src/lib/shared/wire/protocol.ts'],
		['server/persistence/virtual.ts', '#shared/wire/protocol'],
		['server/log.ts', 'node:crypto'],
		['server/auth/virtual.ts', '#shared/ids'],
		['server/config.ts', 'zod'],
		['src/lib/board/virtual.ts', '#shared/board/doc'],
		['src/lib/board/Virtual.svelte', '$lib/ui/Icon.svelte'],
		['src/lib/board/virtual.ts', 'svelte'],
		['src/lib/facilitation/virtual.ts', '$lib/board/context.ts'],
		['src/lib/canvas/react/virtual.tsx', 'tldraw'],
		['src/lib/canvas/react/virtual.tsx', 'tldraw/tldraw.css'],
		['src/lib/canvas/react/virtual.tsx', '@tldraw/editor'],
		['src/lib/canvas/react/virtual.tsx', 'react-dom/client'],
		['src/lib/canvas/react/virtual.ts', '@tiptap/core'],
		['src/lib/canvas/virtual.ts', './react/mount.tsx'],
		['src/lib/shared/board/virtual.ts', './schema.ts'],
		['src/lib/shared/board/virtual.ts', '../wire/protocol.ts'],
		['src/lib/shared/virtual.ts', '#shared/ids'],
		['src/lib/shared/virtual.ts', 'yjs'],
		['src/lib/shared/virtual.ts', 'lib0/encoding'],
		['src/lib/ui/Virtual.svelte', './Icon.svelte'],
		['src/lib/ui/Virtual.svelte', '#shared/person'],
		['src/lib/ui/Virtual.svelte', '$app/paths']
	])('%s -> %s', (file, specifier) => expectAllowed(file, specifier));
});
