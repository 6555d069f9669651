/**
 * Bad and unfamiliar files: malformed, truncated, oversized, deeply nested, prototype-polluting,
 * huge strings, script in labels, formats nobody asked for, and models shaped in ways the
 * samples are not (unknown fields, missing parts, empty and several diagrams). Errors name what
 * is wrong and where, and never come with a snapshot; odd models import, with a report.
 */
import { describe, expect, it } from 'vitest';
import { orderKeyBetween } from '../../../src/lib/shared/board/ordering.ts';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { MAX_IMPORT_BYTES, toJson } from '../../../src/lib/shared/export/json.ts';
import { importModel, type ImportOutcome } from '../../../src/lib/shared/interop/import-model.ts';
import { MAX_IMPORT_JSON_DEPTH } from '../../../src/lib/shared/interop/json-input.ts';
import { MAX_CELLS, MAX_TEXT_CHARS } from '../../../src/lib/shared/interop/limits.ts';
import { fixtureSnapshot } from '../export/golden.ts';
import { readSample } from './samples.ts';

const NOW = Date.UTC(2026, 4, 1);
const run = (value: unknown): ImportOutcome => importModel(typeof value === 'string' ? value : JSON.stringify(value), { now: NOW });

function refused(value: unknown) {
	const result = run(value);
	if (result.ok) throw new Error('expected the file to be refused');
	expect(result).not.toHaveProperty('snapshot');
	expect(result.message.length).toBeGreaterThan(10);
	return result;
}
function accepted(value: unknown) {
	const result = run(value);
	if (!result.ok) throw new Error(`${result.message} ${JSON.stringify(result.issues)}`);
	return result;
}

const node = (id: string, shape: string, name: string, x = 0, y = 0, extra: Record<string, unknown> = {}) => ({
	id,
	shape,
	position: { x, y },
	size: { width: 120, height: 80 },
	data: { name, type: 'tm.Process', threats: [] },
	...extra
});
const flow = (id: string, from: string, to: string, name = 'flow') => ({ id, shape: 'flow', source: { cell: from }, target: { cell: to }, data: { name, type: 'tm.Flow' } });
const tdModel = (diagrams: unknown[], extra: Record<string, unknown> = {}) => ({ version: '2.3.0', summary: { title: 'Model' }, detail: { diagrams, contributors: [], reviewer: '' }, ...extra });

describe('files that are not (good) JSON', () => {
	it('says where a malformed file breaks', () => {
		const result = refused('{\n  "summary": {\n    "title": nope\n  }\n}');
		expect(result.code).toBe('invalid_json');
		expect(result.message).toMatch(/not valid JSON/);
	});

	it('recognises a truncated file', () => {
		const text = readSample('threat-dragon/v2-threat-model.json');
		const result = refused(text.slice(0, text.length / 2));
		expect(result.code).toBe('invalid_json');
		expect(result.message).toMatch(/ends too early/);
	});

	it('refuses an empty file, and text that is not JSON', () => {
		expect(refused('').message).toMatch(/empty/);
		expect(refused('   \n').message).toMatch(/empty/);
		expect(refused('<html>').code).toBe('invalid_json');
	});

	it('refuses a file over the import limit before parsing it', () => {
		const result = refused(`{"pad": "${'x'.repeat(MAX_IMPORT_BYTES)}"}`);
		expect(result.code).toBe('payload_too_large');
		expect(result.message).toMatch(/at most 8\.0 MiB/);
	});

	it('refuses 10,000 levels of nesting with the path where it gets too deep, without overflowing a stack', () => {
		const deep = `{"summary":{"title":"x"},"detail":{"diagrams":[{"cells":[${'['.repeat(10_000)}${']'.repeat(10_000)}]}]}}`;
		const result = refused(deep);
		expect(result.code).toBe('invalid_request');
		expect(result.message).toContain(`${MAX_IMPORT_JSON_DEPTH} levels`);
		expect(result.issues[0].path).toMatch(/^detail\.diagrams\.0\.cells\.0(\.0)+$/);
		const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
		expect(refused(objects).issues[0].path).toMatch(/^a(\.a)+$/);
	});

	it('refuses formats it does not know, naming the ones it does', () => {
		for (const value of [{ format: 'something-else' }, [], 42, 'null', { hello: 'world' }, { version: '2.0', detail: {} }]) {
			const result = refused(value);
			expect(result.message).toContain('Threat Dragon');
			expect(result.message).toContain('threat-composer');
			expect(result.message).toContain('Open Threat Model');
			expect(result.message).toContain('Threatboard export');
		}
	});

	it('refuses Threat Dragon v1 models with what to do instead', () => {
		expect(refused({ version: '1.6.1', summary: { title: 'Old' }, detail: { diagrams: [] } }).message).toMatch(/Threat Dragon 2/);
	});

	it('names the place of a structural error', () => {
		const result = refused({ summary: { title: 'x' }, detail: { diagrams: 'not a list' } });
		expect(result.issues).toEqual([expect.objectContaining({ path: 'detail.diagrams' })]);
		const composer = refused({ schema: 1, threats: { not: 'a list' } });
		expect(composer.issues[0].path).toBe('threats');
	});
});

describe('hostile content', () => {
	it('a __proto__ key anywhere pollutes nothing and is just an unknown field', () => {
		const text = JSON.stringify(tdModel([{ title: 'D', cells: [node('a', 'process', 'API'), node('b', 'actor', 'User')] }]))
			.replace('"version"', '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"version"')
			.replace('"name":"API"', '"name":"API","__proto__":{"polluted":"yes"}');
		const result = accepted(text);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty('polluted');
		expect(readDiagram(result.snapshot.canvas.records).elements.map((e) => e.label).sort()).toEqual(['API', 'User']);
		const composer = accepted('{"schema":1,"__proto__":{"polluted":"yes"},"threats":[{"id":"t1","numericId":1,"statement":"A threat","__proto__":{"x":1}}]}');
		expect(composer.report.notMapped).toContainEqual(expect.objectContaining({ paths: ['__proto__'] }));
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('a __proto__ key in a Threatboard export survives the re-export as a key', () => {
		const file = JSON.parse(toJson(fixtureSnapshot()));
		const text = JSON.stringify(file).replace('"typeName":"document"', '"typeName":"document","__proto__":{"polluted":"yes"}');
		const result = accepted(text);
		expect(toJson(result.snapshot)).toContain('"__proto__": {');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('refuses a huge string, saying where it is', () => {
		const model = tdModel([{ cells: [node('a', 'process', 'x'.repeat(MAX_TEXT_CHARS + 1))] }]);
		const result = refused(model);
		expect(result.issues).toEqual([{ path: 'detail.diagrams.0.cells.0.data.name', message: 'text too long' }]);
	});

	it('keeps script in labels and threats as plain text', () => {
		const script = '<script>alert(1)</script><img src=x onerror=alert(2)>';
		const cell = node('a', 'process', script, 0, 0, { data: { name: script, type: 'tm.Process', threats: [{ title: script, description: `[x](javascript:alert(3))`, status: 'Open', severity: 'High', type: 'Spoofing' }] } });
		const result = accepted(tdModel([{ cells: [cell] }], { summary: { title: script, description: script } }));
		expect(readDiagram(result.snapshot.canvas.records).elements[0].label).toBe(script);
		expect(result.snapshot.notes.find((n) => n.kind === 'threat')?.text).toBe(`${script}\n\n[x](javascript:alert(3))`);
		expect(result.snapshot.room.title).toBe(script);
	});

	it('drops control and bidi-override characters from text', () => {
		const result = accepted({ schema: 1, applicationInfo: { name: 'App\u0007\u202e' }, threats: [{ id: 't1', numericId: 1, statement: 'A\u0000 threat\u202e' }] });
		expect(result.snapshot.room.title).toBe('App');
		expect(result.snapshot.notes[0].text).toBe('A threat');
	});

	it('refuses more cells than an import may hold, before building anything', () => {
		const cells = Array.from({ length: MAX_CELLS + 1 }, (_, i) => ({ id: `c${i}`, shape: 'td-text-block', position: { x: i, y: 0 } }));
		expect(refused(tdModel([{ cells }])).message).toMatch(/at most/);
	});
});

describe('models unlike the samples', () => {
	it('skips and reports malformed and unknown cells, keeping the rest', () => {
		const result = accepted(
			tdModel([
				{
					title: 'D',
					cells: [node('a', 'process', 'API'), { id: 'b', shape: 'process', position: { x: 'left', y: 0 } }, { id: 'c', shape: 'bpmn-gateway' }, flow('f', 'a', 'zz', 'to nowhere')]
				}
			])
		);
		const diagram = readDiagram(result.snapshot.canvas.records);
		expect(diagram.elements.map((e) => e.label)).toEqual(['API']);
		expect(diagram.flows).toEqual([expect.objectContaining({ label: 'to nowhere', to: null })]);
		const paths = result.report.notMapped.flatMap((entry) => entry.paths);
		expect(paths).toEqual(expect.arrayContaining(['detail.diagrams.0.cells.1', 'detail.diagrams.0.cells.2.shape', 'detail.diagrams.0.cells.3.target']));
	});

	it('imports cells without data, size or position, and a model without a summary', () => {
		const result = accepted({ detail: { diagrams: [{ cells: [{ id: 'a', shape: 'actor' }, { id: 'b', shape: 'store', attrs: { text: { text: 'Disk' } } }, flow('f', 'a', 'b')] }] }, version: '2.0.0' });
		const diagram = readDiagram(result.snapshot.canvas.records);
		expect(diagram.elements.map((e) => [e.kind, e.label])).toEqual([
			['external-entity', ''],
			['data-store', 'Disk']
		]);
		expect(diagram.flows).toHaveLength(1);
		expect(result.snapshot.room.title).toBe('Untitled workshop');
		expect(result.report.notMapped.map((e) => e.paths[0])).toContain('summary.title');
	});

	it('lays several diagrams out side by side in frames, without overlap, and keeps empty ones', () => {
		const diagram = (title: string, at: number) => ({ title, cells: [node(`${title}-a`, 'process', `${title} API`, at, at), node(`${title}-b`, 'actor', `${title} user`, at + 300, at + 100), flow(`${title}-f`, `${title}-a`, `${title}-b`)] });
		const result = accepted(tdModel([diagram('First', 0), diagram('Second', 0), { title: 'Empty', cells: [] }, diagram('Fourth', -500)]));
		expect(result.report.created.diagrams).toBe(4);
		const frames = result.snapshot.canvas.records.filter((r) => r.typeName === 'shape' && r.type === 'frame') as unknown as Array<{ x: number; y: number; props: { w: number; h: number; name: string } }>;
		expect(frames.map((f) => f.props.name)).toEqual(['First', 'Second', 'Empty', 'Fourth']);
		for (let i = 1; i < frames.length; i++) expect(frames[i].x).toBeGreaterThanOrEqual(frames[i - 1].x + frames[i - 1].props.w);
		expect(readDiagram(result.snapshot.canvas.records).flows).toHaveLength(3);
	});

	it('imports an empty threat-composer file and an OTM file without diagrams (laid out by trust zone)', () => {
		expect(accepted({ schema: 1, threats: [] }).report.created.threats).toBe(0);
		const otm = accepted({
			otmVersion: '0.2.0',
			project: { name: 'Shop', id: 'shop' },
			trustZones: [{ id: 'z1', name: 'Internet', risk: { trustRating: 1 } }, { id: 'z2', name: 'Cloud', risk: { trustRating: 80 } }],
			components: [
				{ id: 'c1', name: 'Browser', type: 'web-client', parent: { trustZone: 'z1' } },
				{ id: 'c2', name: 'Shop API', type: 'web-service', parent: { trustZone: 'z2' }, threats: [{ threat: 't1', state: 'MITIGATED', mitigations: [{ mitigation: 'm1', state: 'IMPLEMENTED' }] }] },
				{ id: 'c3', name: 'Orders', type: 'postgresql-database', parent: { trustZone: 'z2' } }
			],
			dataflows: [{ id: 'f1', name: 'HTTPS', source: 'c1', destination: 'c2' }, { id: 'f2', name: 'SQL', source: 'c2', destination: 'c3', bidirectional: true }],
			threats: [{ id: 't1', name: 'SQL injection', categories: ['Tampering', 'LINDDUN: Linkability'], risk: { likelihood: 55, impact: 100 } }],
			mitigations: [{ id: 'm1', name: 'Parameterised queries', riskReduction: 90 }]
		});
		const diagram = readDiagram(otm.snapshot.canvas.records);
		expect(diagram.elements.map((e) => [e.label, e.kind, diagram.boundaries.find((b) => b.id === e.boundaryId)?.label]).sort()).toEqual([
			['Browser', 'external-entity', 'Internet'],
			['Orders', 'data-store', 'Cloud'],
			['Shop API', 'process', 'Cloud']
		]);
		expect(otm.snapshot.notes.find((n) => n.kind === 'threat')).toMatchObject({ text: 'SQL injection', stride: ['T'], likelihood: 3, impact: 5, status: 'mitigated' });
		expect(otm.snapshot.notes.find((n) => n.kind === 'mitigation')).toMatchObject({ status: 'done' });
		expect(otm.report.notMapped.map((e) => e.message)).toContain('categories outside STRIDE have no STRIDE letter on the board');
	});

	it('still imports a Threatboard export exactly as before', () => {
		const snapshot = fixtureSnapshot();
		const result = accepted(toJson(snapshot));
		expect(result.report.format).toBe('threatboard');
		expect(result.snapshot).toEqual(snapshot);
		expect(result.report.notMapped).toEqual([]);
		expect(result.report.created).toMatchObject({ threats: 4, mitigations: 3, elements: 4, flows: 5, boundaries: 2 });
	});
});

describe('an imported canvas is held to what a participant may write', () => {
	it('a Threatboard export with records the server refuses from clients: left out or cut to size, and reported', () => {
		const snapshot = fixtureSnapshot();
		const shape = snapshot.canvas.records.find((r) => r.typeName === 'shape')!;
		const hostile = [
			{ id: 'camera:page:page', typeName: 'camera', x: 1e300, y: 1e300, z: 1e-300, meta: {} },
			{ ...shape, id: 'shape:loopA', parentId: 'shape:loopB' },
			{ ...shape, id: 'shape:loopB', parentId: 'shape:loopA' },
			{ ...shape, id: 'shape:huge', props: { ...(shape.props as object), w: 1e10 } }
		];
		const file = JSON.parse(toJson(snapshot));
		file.canvas.records.push(...hostile);
		const result = accepted(file);
		const ids = result.snapshot.canvas.records.map((r) => r.id);
		expect(ids).not.toContain('camera:page:page');
		expect(ids).not.toContain('shape:loopA');
		expect(ids).not.toContain('shape:loopB');
		expect((result.snapshot.canvas.records.find((r) => r.id === 'shape:huge')!.props as { w: number }).w).toBe(1_000_000);
		expect(result.snapshot.canvas.records).toHaveLength(snapshot.canvas.records.length + 1);
		expect(result.report.notMapped.map((e) => [e.message.split(' ')[0], e.count])).toEqual([
			['diagram', 1],
			['diagram', 3]
		]);
	});
});

describe('an Open Threat Model that places its elements in more diagrams than can be drawn', () => {
	const component = (i: number, diagrams: number) => ({
		id: `c${i}`,
		name: `C${i}`,
		type: 'web-service',
		parent: { trustZone: 'z1' },
		representations: Array.from({ length: diagrams }, (_, d) => ({ representation: `d${d}-${i % 2}`, position: { x: d, y: i } }))
	});
	const model = (components: number, diagrams: number) => ({
		otmVersion: '0.2.0',
		project: { name: 'Many', id: 'many' },
		trustZones: [{ id: 'z1', name: 'Cloud', risk: { trustRating: 50 } }],
		components: Array.from({ length: components }, (_, i) => component(i, diagrams))
	});

	it('refuses, with a reason, more diagrams than the import draws (each places every element again)', () => {
		// 2 x 60 undeclared diagram ids: 120, over the 100 the import draws.
		const result = run(model(2, 60));
		expect(result).toMatchObject({ ok: false, code: 'invalid_request' });
		expect(!result.ok && result.message).toMatch(/120 diagrams/);
	});

	it('refuses more placements than the canvas holds before laying any out (it took 44 s and 640 MB)', () => {
		const result = run(model(1_600, 50));
		expect(!result.ok && result.message).toMatch(/80,000 placements/);
	});
});

describe('a model that converts to more than a workshop holds', () => {
	it('is refused with a reason (it was a server failure): 60 threat-composer threats, each endangering the same 1,000 assets', () => {
		const assets = Array.from({ length: 1_000 }, (_, i) => `Asset ${i}`);
		const threats = Array.from({ length: 60 }, (_, i) => ({ id: `t${i}`, numericId: i + 1, statement: `Threat ${i}`, threatSource: 'someone', prerequisites: '', threatAction: 'do harm', threatImpact: 'harm', impactedAssets: assets, tags: [], metadata: [] }));
		const result = run({ schema: 1, threats });
		expect(result).toMatchObject({ ok: false, code: 'invalid_request' });
		expect(!result.ok && result.message).toMatch(/more than a workshop holds/);
	});
});

it('gives a lane of 9,000 imported threats short order keys with room after them (appended keys reached the length limit)', () => {
	const threats = Array.from({ length: 9_000 }, (_, i) => ({ id: `t${i}`, numericId: i + 1, statement: `Threat ${i}`, threatSource: 'someone', prerequisites: '', threatAction: 'do harm', threatImpact: 'harm', impactedAssets: [], tags: [], metadata: [] }));
	const { snapshot } = accepted({ schema: 1, threats });
	const lane = snapshot.notes.filter((note) => note.kind === 'threat');
	expect(lane).toHaveLength(9_000);
	expect(Math.max(...lane.map((note) => note.order.length))).toBeLessThanOrEqual(4);
	// The file's order is the lane's order.
	const sorted = [...lane].sort((a, b) => (a.order < b.order ? -1 : 1));
	expect(sorted.map((note) => note.text)).toEqual(lane.map((note) => note.text));
	expect(orderKeyBetween(sorted[sorted.length - 1].order, null).length).toBeLessThan(12);
});

it('cleans the labels of imported shapes as typed text is cleaned (they were kept as written)', () => {
	const otm = accepted({
		otmVersion: '0.2.0',
		project: { name: 'Shop', id: 'shop' },
		trustZones: [{ id: 'z1', name: 'Cloud', risk: { trustRating: 50 } }],
		components: [{ id: 'c1', name: 'Pay\u202Egnp.exe\u0007\u200B', type: 'web-service', parent: { trustZone: 'z1' } }]
	});
	expect(readDiagram(otm.snapshot.canvas.records).elements.map((e) => e.label)).toEqual(['Paygnp.exe']);
});
