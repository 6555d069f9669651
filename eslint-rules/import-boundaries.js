// Folder directions on the client, as a table in eslint.config.js: each boundary names the files
// it covers and what they must not import, with the reason shown in the error.
import { isSvelte, isUnderAny, packageListed, projectPath, resolveImport, visitImports } from './import-target.js';

/**
 * @typedef {object} Forbid
 * @property {string[]} [packages] package names; `@scope/*` for a whole scope; subpaths included
 * @property {string[]} [folders] project files or folders (folders end in `/`)
 * @property {string[]} [outside] every project file that is not under one of these
 * @property {boolean} [svelte] the `svelte` package and `.svelte` / `.svelte.ts` files
 * @property {boolean} [node] Node built-ins (`node:fs`, `fs`, `path`, ...)
 * @property {boolean} [sveltekit] SvelteKit's virtual modules (`$app/*`, `$env/*`)
 *
 * @typedef {object} Boundary
 * @property {string[]} files project files or folders the boundary applies to
 * @property {string[]} [except] files or folders inside `files` it does not apply to
 * @property {Forbid} forbid
 * @property {string} because shown in the error: why the direction matters
 */

/**
 * @param {import('./import-target.js').ImportTarget} target
 * @param {Forbid} forbid
 */
function isForbidden(target, forbid) {
	if (forbid.svelte && isSvelte(target)) return true;
	switch (target.kind) {
		case 'package':
			return packageListed(target.name, forbid.packages ?? []);
		case 'node':
			return forbid.node === true;
		case 'sveltekit':
			return forbid.sveltekit === true;
		case 'file':
			return isUnderAny(target.path, forbid.folders ?? []) || (forbid.outside !== undefined && !isUnderAny(target.path, forbid.outside));
	}
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
	meta: {
		type: 'problem',
		docs: { description: 'Forbid imports that run against the folder directions of the client' },
		schema: [
			{
				type: 'array',
				items: {
					type: 'object',
					properties: {
						files: { type: 'array', items: { type: 'string' } },
						except: { type: 'array', items: { type: 'string' } },
						forbid: {
							type: 'object',
							properties: {
								packages: { type: 'array', items: { type: 'string' } },
								folders: { type: 'array', items: { type: 'string' } },
								outside: { type: 'array', items: { type: 'string' } },
								svelte: { type: 'boolean' },
								node: { type: 'boolean' },
								sveltekit: { type: 'boolean' }
							},
							additionalProperties: false
						},
						because: { type: 'string' }
					},
					required: ['files', 'forbid', 'because'],
					additionalProperties: false
				}
			}
		],
		messages: { forbidden: "'{{specifier}}' may not be imported from {{files}}: {{because}}." }
	},
	create(context) {
		const importer = projectPath(context);
		if (importer === undefined) return {};
		/** @type {Boundary[]} */
		const boundaries = (context.options[0] ?? []).filter(
			(/** @type {Boundary} */ boundary) => isUnderAny(importer, boundary.files) && !isUnderAny(importer, boundary.except ?? [])
		);
		if (boundaries.length === 0) return {};
		const aliases = context.settings.threatboard?.aliases ?? {};
		return visitImports((node, specifier) => {
			const target = resolveImport(specifier, importer, aliases);
			// One error per import: the first boundary that forbids it gives the reason.
			const boundary = boundaries.find((candidate) => isForbidden(target, candidate.forbid));
			if (boundary === undefined) return;
			context.report({ node, messageId: 'forbidden', data: { specifier, files: boundary.files.join(', '), because: boundary.because } });
		});
	}
};
