// What an import points at, whatever way it is written. Both layering rules share this so that a
// relative path, `$lib/...` and `#shared/...` naming the same file are judged the same.
import { isBuiltin } from 'node:module';
import path from 'node:path';

/**
 * @typedef {{ kind: 'file', path: string }
 *   | { kind: 'package', name: string }
 *   | { kind: 'node', name: string }
 *   | { kind: 'sveltekit', name: string }} ImportTarget
 * `path` is relative to the project root with forward slashes (`src/lib/board/origin.ts`).
 */

const SVELTEKIT_MODULE = /^\$(app|env|service-worker)(\/|$)/;
const SVELTE_FILE = /\.svelte(\.[jt]s)?$/;
const SCRIPT_EXTENSION = /\.(ts|js|mts|mjs|cts|cjs|tsx|jsx)$/;

/**
 * Calls `check(node, specifier)` for every import form with a static specifier: `import`,
 * `import type`, `export ... from`, `import()`, `import('x').T` types, `import x = require()` and
 * `require()`. A computed `import(expr)` cannot be judged and is skipped.
 * @param {(node: import('estree').Node, specifier: string) => void} check
 */
export function visitImports(check) {
	/** @param {any} node */
	const source = (node) => {
		if (node?.type === 'Literal' && typeof node.value === 'string') check(node, node.value);
		else if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) check(node, node.quasis[0].value.cooked);
	};
	return {
		/** @param {any} node */ ImportDeclaration: (node) => source(node.source),
		/** @param {any} node */ ExportNamedDeclaration: (node) => source(node.source),
		/** @param {any} node */ ExportAllDeclaration: (node) => source(node.source),
		/** @param {any} node */ ImportExpression: (node) => source(node.source),
		/** @param {any} node */ TSImportType: (node) => source(node.source ?? node.argument?.literal),
		/** @param {any} node */ TSExternalModuleReference: (node) => source(node.expression),
		/** @param {any} node */ 'CallExpression[callee.type="Identifier"][callee.name="require"]': (node) => source(node.arguments[0])
	};
}

/**
 * Project-relative, forward-slash path of the file being linted, or undefined outside the project.
 * @param {import('eslint').Rule.RuleContext} context
 */
export function projectPath(context) {
	const relative = path.relative(context.cwd, context.physicalFilename).split(path.sep).join('/');
	return relative.startsWith('../') || path.isAbsolute(relative) ? undefined : relative;
}

/**
 * @param {string} specifier as written in the import
 * @param {string} importer project-relative path of the importing file
 * @param {Record<string, string>} aliases specifier prefix -> project folder, e.g. `$lib` -> `src/lib`
 * @returns {ImportTarget}
 */
export function resolveImport(specifier, importer, aliases) {
	if (specifier.startsWith('.')) return file(path.posix.join(path.posix.dirname(importer), specifier));
	if (specifier.startsWith('/')) return file(specifier);
	for (const [alias, folder] of Object.entries(aliases)) {
		if (specifier === alias) return file(folder);
		if (specifier.startsWith(`${alias}/`)) return file(`${folder}/${specifier.slice(alias.length + 1)}`);
	}
	if (SVELTEKIT_MODULE.test(specifier)) return { kind: 'sveltekit', name: specifier };
	if (specifier.startsWith('node:') || isBuiltin(specifier)) return { kind: 'node', name: specifier };
	return { kind: 'package', name: packageName(specifier) };
}

/** @param {string} target */
function file(target) {
	return { kind: /** @type {const} */ ('file'), path: path.posix.normalize(target).replace(/\/$/, '') };
}

/** `@tldraw/editor/x` -> `@tldraw/editor`, `react-dom/client` -> `react-dom`. @param {string} specifier */
export function packageName(specifier) {
	const parts = specifier.split('/');
	return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Whether a package name is listed; `@scope/*` lists a whole scope.
 * @param {string} name
 * @param {readonly string[]} listed
 */
export function packageListed(name, listed) {
	return listed.some((entry) => (entry.endsWith('/*') ? name.startsWith(entry.slice(0, -1)) : name === entry));
}

/**
 * Whether `target` is the entry or inside it. An entry ending in `/` is a folder; any other entry
 * is one module, matched with or without its script extension (`../log` and `../log.ts` are one).
 * @param {string} target project-relative path
 * @param {string} entry
 */
export function isUnder(target, entry) {
	if (entry.endsWith('/')) return target === entry.slice(0, -1) || target.startsWith(entry);
	return target.replace(SCRIPT_EXTENSION, '') === entry.replace(SCRIPT_EXTENSION, '');
}

/** @param {string} target @param {readonly string[]} entries */
export function isUnderAny(target, entries) {
	return entries.some((entry) => isUnder(target, entry));
}

/** A Svelte component or rune module: only Svelte can compile it. @param {ImportTarget} target */
export function isSvelte(target) {
	if (target.kind === 'file') return SVELTE_FILE.test(target.path);
	return target.kind === 'package' && target.name === 'svelte';
}

/**
 * The aliases SvelteKit and package.json resolve: `$lib` plus every `kit.alias` entry written as
 * `'#name/*': './folder/*'`, so a new alias in svelte.config.js is known to lint as well.
 * @param {{ kit?: { alias?: Record<string, string>, files?: { lib?: string } } }} svelteConfig
 */
export function kitAliases(svelteConfig) {
	/** @type {Record<string, string>} */
	const aliases = { $lib: path.posix.normalize(svelteConfig.kit?.files?.lib ?? 'src/lib') };
	for (const [name, folder] of Object.entries(svelteConfig.kit?.alias ?? {})) {
		aliases[name.replace(/\/\*$/, '')] = path.posix.normalize(folder.replace(/\/\*$/, ''));
	}
	return aliases;
}
