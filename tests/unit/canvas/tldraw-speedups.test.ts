/**
 * The two places where the canvas changes how tldraw 5.4 works inside, for speed: a schema cache
 * in front of tiptap (scripts/vite-tiptap-schema-cache.ts) and batched label measurement
 * (src/lib/canvas/react/geo-label-sizes.ts). Both depend on tldraw internals, so these tests
 * pin the contract: an upgrade that moves them fails here instead of silently getting slower.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { generateText as tiptapGenerateText, type JSONContent } from '@tiptap/core';
import { GeoShapeUtil, tipTapDefaultExtensions, toRichText } from 'tldraw';
import { describe, expect, it } from 'vitest';
import { TIPTAP_WRAPPER, tiptapSchemaCache } from '../../../scripts/vite-tiptap-schema-cache.ts';
import { BatchedGeoShapeUtil, LABEL_BATCHING } from '../../../src/lib/canvas/react/geo-label-sizes.ts';
import { generateText, schemaFor } from '../../../src/lib/canvas/react/tiptap-core.ts';

const tldrawRoot = join(dirname(createRequire(import.meta.url).resolve('tldraw')), '..');
const richTextModule = join(tldrawRoot, 'dist-esm', 'lib', 'utils', 'text', 'richText.mjs');

function resolveFrom(importer: string): unknown {
	const hook = tiptapSchemaCache().resolveId as (source: string, importer?: string) => unknown;
	return hook('@tiptap/core', importer);
}

describe('the tiptap schema cache', () => {
	it("redirects tldraw's rich-text helpers, and nothing else, to the wrapper", () => {
		expect(resolveFrom(richTextModule)).toBe(TIPTAP_WRAPPER);
		expect(resolveFrom(join(tldrawRoot, 'dist-esm', 'lib', 'ui', 'components', 'Toolbar', 'DefaultRichTextToolbar.mjs'))).toBeNull();
		expect(resolveFrom(TIPTAP_WRAPPER)).toBeNull();
		expect(resolveFrom(undefined as unknown as string)).toBeNull();
	});

	it('is one of the build\'s plugins', async () => {
		const config = (await import('../../../vite.config.ts')).default as { plugins: unknown[] };
		const names = (config.plugins.flat(Infinity) as Array<{ name?: string } | null>).map((plugin) => plugin?.name);
		expect(names).toContain(tiptapSchemaCache().name);
	});

	it("matches tldraw's module: it still takes generateHTML and generateText from @tiptap/core", () => {
		const source = readFileSync(richTextModule, 'utf8');
		const imported = source.match(/import\s*\{([^}]*)\}\s*from\s*"@tiptap\/core"/);
		expect(imported?.[1]).toMatch(/\bgenerateHTML\b/);
		expect(imported?.[1]).toMatch(/\bgenerateText\b/);
	});

	it('builds one schema per extension list', () => {
		expect(schemaFor(tipTapDefaultExtensions)).toBe(schemaFor(tipTapDefaultExtensions));
	});

	it('gives the same text as tiptap itself', () => {
		const docs: JSONContent[] = [
			toRichText('Payments API') as JSONContent,
			toRichText('two\nlines') as JSONContent,
			toRichText('') as JSONContent,
			{
				type: 'doc',
				content: [
					{ type: 'paragraph', content: [{ type: 'text', text: 'bold', marks: [{ type: 'bold' }] }, { type: 'text', text: ' and plain' }] },
					{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] }
				]
			}
		];
		for (const doc of docs) {
			for (const options of [undefined, { blockSeparator: '\n' }]) {
				expect(generateText(doc, tipTapDefaultExtensions, options)).toBe(tiptapGenerateText(doc, tipTapDefaultExtensions, options));
			}
		}
	});
});

describe('batched label measurement', () => {
	it("replaces tldraw's per-label measurement on our geo shape only", () => {
		expect(LABEL_BATCHING).toBe(true);
		const method = (util: object) => (util as { measureUnscaledLabelSize?: unknown }).measureUnscaledLabelSize;
		expect(method(BatchedGeoShapeUtil.prototype)).toBeTypeOf('function');
		expect(method(BatchedGeoShapeUtil.prototype)).not.toBe(method(GeoShapeUtil.prototype));
		expect(BatchedGeoShapeUtil.type).toBe('geo');
	});
});
