/**
 * `@tiptap/core` as tldraw's rich-text helpers see it (tldraw/dist-esm/lib/utils/text/
 * richText.mjs, redirected here by scripts/vite-tiptap-schema-cache.ts): the same module, except
 * that `generateHTML` and `generateText` build the ProseMirror schema once per extension list
 * instead of on every call.
 *
 * Why: tldraw renders and measures every shape label through `generateHTML`, and tiptap rebuilds
 * the whole schema each time. Opening a room with 300 labelled shapes spent about a third of
 * tldraw's mount (~150 ms on the reference machine) rebuilding the same schema 300 times.
 * @tldraw/editor already caches the schema the same way for its own use (utils/richText.mjs).
 *
 * The output is byte-identical: same schema, same serialiser, same `getHTMLFromFragment`.
 */
import { getHTMLFromFragment, getSchema, getText, getTextSerializersFromSchema, type Extensions, type JSONContent, type TextSerializer } from '@tiptap/core';
import { Node as ProseMirrorNode, type Schema } from '@tiptap/pm/model';

export * from '@tiptap/core';

/** Keyed by the extension list itself: tldraw passes the same array (its defaults, or the editor's). */
const schemas = new WeakMap<Extensions, Schema>();

export function schemaFor(extensions: Extensions): Schema {
	let schema = schemas.get(extensions);
	if (!schema) {
		schema = getSchema(extensions);
		schemas.set(extensions, schema);
	}
	return schema;
}

export function generateHTML(doc: JSONContent, extensions: Extensions): string {
	const schema = schemaFor(extensions);
	return getHTMLFromFragment(ProseMirrorNode.fromJSON(schema, doc).content, schema);
}

export function generateText(
	doc: JSONContent,
	extensions: Extensions,
	options?: { blockSeparator?: string; textSerializers?: Record<string, TextSerializer> }
): string {
	const { blockSeparator = '\n\n', textSerializers = {} } = options ?? {};
	const schema = schemaFor(extensions);
	return getText(ProseMirrorNode.fromJSON(schema, doc), {
		blockSeparator,
		textSerializers: { ...getTextSerializersFromSchema(schema), ...textSerializers }
	});
}
