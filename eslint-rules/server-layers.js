// The server imports only downward through the layer table in eslint.config.js, and reaches the
// client only through src/lib/shared. Every server file must belong to a layer, so a new folder
// cannot slip past the rule unjudged.
import { isSvelte, isUnder, projectPath, resolveImport, visitImports } from './import-target.js';

/**
 * @typedef {object} Layer
 * @property {string} layer name shown in errors
 * @property {string[]} members files and folders (folders end in `/`) in this layer
 * @property {boolean} [apart] members may not import each other (each may still import itself)
 *
 * @typedef {{ index: number, layer: Layer, member: string }} Placement
 */

/**
 * @param {string} file project-relative path
 * @param {Layer[]} layers
 * @returns {Placement | undefined}
 */
function place(file, layers) {
	for (const [index, layer] of layers.entries()) {
		const member = layer.members.find((entry) => isUnder(file, entry));
		if (member !== undefined) return { index, layer, member };
	}
	return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
	meta: {
		type: 'problem',
		docs: { description: 'Server folders import only downward, and client code only from src/lib/shared' },
		schema: [
			{
				type: 'object',
				properties: {
					root: { type: 'string' },
					layers: {
						type: 'array',
						items: {
							type: 'object',
							properties: { layer: { type: 'string' }, members: { type: 'array', items: { type: 'string' } }, apart: { type: 'boolean' } },
							required: ['layer', 'members'],
							additionalProperties: false
						}
					}
				},
				required: ['root', 'layers'],
				additionalProperties: false
			}
		],
		messages: {
			upward: "{{member}} ({{layer}}) may not import '{{specifier}}': {{target}} is in {{targetLayer}}, a layer above. The server imports only downward: {{order}}.",
			sideways: "{{member}} may not import '{{specifier}}': {{member}} and {{target}} sit side by side in {{layer}} and stay apart.",
			kitAlias: "Server code may not import '{{specifier}}': $lib is the client's alias; the server names shared code #shared/... (package.json imports).",
			clientCode: "Server code may not import '{{specifier}}': the server reaches client code only through src/lib/shared/.",
			unlisted: '{{file}} is in no server layer: add its file or folder to the layer table (serverLayers in eslint.config.js).'
		}
	},
	create(context) {
		const importer = projectPath(context);
		/** @type {{ root: string, layers: Layer[] }} */
		const { root, layers } = context.options[0];
		if (importer === undefined || !isUnder(importer, root)) return {};
		const aliases = context.settings.threatboard?.aliases ?? {};
		const own = place(importer, layers);
		const order = layers.map((layer) => layer.layer).join(' → ');
		return {
			Program(node) {
				if (own === undefined) context.report({ node, messageId: 'unlisted', data: { file: importer } });
			},
			...visitImports((node, specifier) => {
				const target = resolveImport(specifier, importer, aliases);
				if (target.kind === 'sveltekit' || isSvelte(target)) {
					context.report({ node, messageId: 'clientCode', data: { specifier } });
					return;
				}
				if (target.kind !== 'file') return;
				const theirs = place(target.path, layers);
				if (theirs === undefined) {
					// Unlisted server files are reported where they live; files outside server/ and src/
					// (package.json, generated output) are not code of either side.
					if (isUnder(target.path, 'src/')) context.report({ node, messageId: 'clientCode', data: { specifier } });
					return;
				}
				if (specifier === '$lib' || specifier.startsWith('$lib/')) {
					context.report({ node, messageId: 'kitAlias', data: { specifier } });
					return;
				}
				if (own === undefined || theirs.member === own.member) return;
				const data = { specifier, member: own.member, layer: own.layer.layer, target: theirs.member, targetLayer: theirs.layer.layer, order };
				if (theirs.index < own.index) context.report({ node, messageId: 'upward', data });
				else if (theirs.index === own.index && own.layer.apart) context.report({ node, messageId: 'sideways', data });
			})
		};
	}
};
