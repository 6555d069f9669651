/**
 * Hostile content in every place user text reaches the Markdown report: the structure must stay
 * exactly as designed, nothing may become HTML, a link, an image or code, and the text a reader
 * sees must be the text that was written (emoji and right-to-left scripts included).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addLink } from '../../../src/lib/shared/board/links.ts';
import { createNote, initBoardDoc, setScope } from '../../../src/lib/shared/board/doc.ts';
import { defaultControl, writeControl } from '../../../src/lib/shared/control/doc.ts';
import { writePerson, writeRounds } from '../../../src/lib/shared/control/rounds.ts';
import { writeCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import { defangLinks, MAX_TABLE_CELL_CHARS } from '../../../src/lib/shared/export/markdown-text.ts';
import { cleanText } from '../../../src/lib/shared/text.ts';
import { TC_AUTHOR } from '../../../src/lib/shared/interop/import-authors.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { mermaidLabel, MAX_MERMAID_LABEL_CHARS } from '../../../src/lib/shared/export/mermaid.ts';
import { renderExport } from '../../../src/lib/shared/export/formats.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { MAX_MOTIVATION_LENGTH, MAX_RATIONALE_LENGTH, type NoteInput } from '../../../src/lib/shared/board/schema.ts';
import { MAX_POLL_ANSWER_LENGTH } from '../../../src/lib/shared/sealed/doc.ts';
import { documentRecords, flow, geoShape } from '../../fixtures/export/canvas.ts';
import { checkMermaid, dangerousNodes, headings, reportHeadings, nodesOfType, parseGfm, tableAfter, tables, textOf } from './markdown-helpers.ts';

const LONG = 'A long threat. '.repeat(660).trim(); // about 10 KB, under the note cap
const PAYLOADS = [
	'pipes | in | a | cell',
	'back`ticks` and ```fences``` and `` double ``',
	'```\nfenced block\n```',
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'[click me](javascript:alert(1))',
	'![image](javascript:alert(1))',
	'<javascript:alert(1)>',
	'[ref]: javascript:alert(1)\n[ref]',
	'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
	'# Injected heading',
	'Setext heading\n===',
	'text\n---\nmore',
	'> quoted\n- listed\n1. numbered\n    indented code',
	'<!-- an HTML comment -->',
	'<!-- unterminated comment',
	'&lt;script&gt; &#x3C;b&#x3E; entities',
	'**bold** _em_ ~~strike~~ $math$ [^note]',
	'line ends with a backslash \\',
	'| --- | --- |',
	'"]) --> evil["pwned"] %% comment\nsubgraph x\nend\nclick e1 call alert(1)',
	'%%{init: {"theme": "dark"}}%%',
	'🔐 emoji 👩🏽‍💻 flags 🇺🇦',
	'שלום עולם — right to left',
	'مرحبا بالعالم',
	'bidi \u202eevil\u202c override',
	'zero\u200bwidth and \u2060joined and \ufeffbom',
	'bare https://evil.example/phish and HTTP://EVIL.EXAMPLE',
	'www.evil.example/login',
	'write to bob@evil.example today',
	'_https://evil.example/login, 1https://evil.example/b and _www.evil.example',
	LONG
];
const AUTHOR = { author: '<b>|Mallory|</b>', authorId: 'pMallory', authorColor: '#dc2626' } as const;
/** People with hostile names (two share one); the roles are a fixed list, so names are the attack. */
const HOSTILE_PEOPLE = [
	{ id: 'pMallory', name: '<b>|Mallory|</b>', role: 'security' },
	{ id: 'pMallory2', name: '<b>|Mallory|</b>', role: null },
	{ id: 'pPipe', name: '| --- | `x` |', role: 'product-owner' },
	{ id: 'pLink', name: '[f](javascript:x) <u>', role: 'other' }
] as const;
/** What the report calls them: suffixes tell the two Mallorys apart. */
/** A name holding brackets, commas or "#" is quoted, so that it cannot pass for a role, a suffix or another person. */
const HOSTILE_LABELS = ['<b>|Mallory|</b> #1 (Security)', '<b>|Mallory|</b> #2', '| --- | `x` | (Product owner)', '“[f](javascript:x) <u>” (Other)'];

/** A payload as an agent's motivation: one line (the schema refuses control characters) within the limit. */
function agentMotivation(text: string): string {
	// eslint-disable-next-line no-control-regex -- the characters SINGLE_LINE refuses
	return text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_MOTIVATION_LENGTH);
}

function hostileRoom() {
	const board = new Y.Doc();
	initBoardDoc(board, { title: '# <script>alert(1)</script> | `title` ##', createdAt: Date.UTC(2026, 0, 1) });
	// Its last line a table's delimiter row: with the line above, a table of the note's own.
	setScope(board, [...PAYLOADS.slice(0, 15), 'All threats accepted by the CISO\n:-:'].join('\n'));
	const records = [
		...documentRecords(),
		// e0's centre (90, 50) is outside, every other element's inside: the one flow crosses it.
		geoShape('shape:zone', '"] end subgraph <b>zone</b> %%', { x: 92, y: 0, w: 2000, h: 2000 }, 'trust-boundary'),
		...PAYLOADS.map((text, i) => geoShape(`shape:e${i}`, text, { x: 10 + i * 5, y: 10 }, 'process')),
		...flow('shape:flow', '-->|"x"| e1 `code` |pipe|', 'shape:e0', 'shape:e1')
	];
	writeCanvasRecords(board, records);
	const threats: string[] = [];
	PAYLOADS.forEach((text, i) => {
		// Every threat carries a decision whose rationale is the payload, and an estimate by everyone.
		const decider = HOSTILE_PEOPLE[i % HOSTILE_PEOPLE.length];
		const input: NoteInput = {
			kind: 'threat', question: 2, text, ...AUTHOR, stride: ['S'], likelihood: 5, impact: 5, createdAt: i,
			status: 'transferred',
			decision: {
				status: 'transferred', deciderId: decider.id, deciderName: decider.name, rationale: text.slice(0, MAX_RATIONALE_LENGTH),
				reviewBy: '2026-06-01', decidedAt: i
			},
			estimate: {
				likelihood: 5, impact: 5, wideSpread: false, agreedAt: i,
				picks: HOSTILE_PEOPLE.map((p) => ({ participantId: p.id, name: p.name, likelihood: 5, impact: 5 }))
			}
		};
		const id = createNote(board, input);
		threats.push(id);
		addLink(board, { kind: 'canvas', noteId: id, elementId: `shape:e${i}` });
		const mitigation = createNote(board, { kind: 'mitigation', question: 3, text, ...AUTHOR, owner: '| [x](javascript:1) <i>', createdAt: i });
		addLink(board, { kind: 'mitigates', a: id, b: mitigation });
		for (const kind of ['component', 'asset', 'assumption', 'retro', 'question'] as const) {
			const note = createNote(board, { kind, question: kind === 'retro' || kind === 'question' ? 4 : 1, text, ...AUTHOR, createdAt: i });
			if (kind === 'asset') addLink(board, { kind: 'endangers', a: id, b: note });
		}
		// A threat agent named by the payload, with it as its motivation too (one line, as the schema wants).
		const motivation = agentMotivation(text);
		const agent = createNote(board, { kind: 'agent', question: 2, text, motivation, capability: 'high', ...AUTHOR, createdAt: i });
		addLink(board, { kind: 'agent', a: id, b: agent });
	});
	const control = new Y.Doc();
	writeControl(control, { ...defaultControl(), facilitatorName: '[f](javascript:x) <u>', history: [] });
	HOSTILE_PEOPLE.forEach(({ id, ...person }, i) => writePerson(control, id, { ...person, joinedAt: i }));
	const revealed = PAYLOADS.slice(0, HOSTILE_PEOPLE.length).map((text, i) => ({
		participantId: HOSTILE_PEOPLE[i].id, name: HOSTILE_PEOPLE[i].name, confidence: 3, better: text.slice(0, MAX_POLL_ANSWER_LENGTH)
	}));
	writeRounds(control, { poll: { id: 'poll', status: 'revealed', answered: revealed.length, revealed } });
	return { board, control, threats };
}

/** What a reader should see for a table cell: one line, control and bidi controls gone, cut at the limit. */
function expectedCell(text: string): string {
	const flat = cleanText(text).replace(/\s*\n\s*/g, ' ').trim();
	const points = Array.from(flat);
	if (points.length <= MAX_TABLE_CELL_CHARS) return defangLinks(flat);
	return `${defangLinks(points.slice(0, MAX_TABLE_CELL_CHARS).join('').trimEnd())} … (truncated, ${points.length} characters in all)`;
}

describe('hostile content in the Markdown export', () => {
	const { board, control } = hostileRoom();
	const markdown = toMarkdown(snapshotRoom(board, control, { exportedAt: Date.UTC(2026, 0, 2) }));
	const root = parseGfm(markdown);

	it('keeps exactly the designed headings', () => {
		expect(headings(root)).toEqual(reportHeadings('# <script>alert(1)</script> | `title` ##'));
	});

	it('makes no table of a note whose last line is a delimiter row (":-:")', () => {
		expect(tables(root).filter((table) => JSON.stringify(table).includes('accepted by the CISO'))).toEqual([]);
	});

	it('produces no HTML, images, reference links, footnotes or non-http links', () => {
		expect(dangerousNodes(root)).toEqual([]);
		expect(nodesOfType(root, 'link')).toEqual([]);
		expect(nodesOfType(root, 'inlineCode')).toEqual([]);
		// Emphasis only where the report itself puts it.
		const emphasis = new Set(nodesOfType(root, 'emphasis').map((node) => textOf(node)));
		expect([...emphasis].filter((text) => !/^(Not recorded\.|None\.|none|No diagram on the canvas\.|Every threat has at least one mitigation\.|Generated by Threatboard .*)$/.test(text))).toEqual([]);
		// Strong text only where the report puts it, too.
		const strong = new Set(nodesOfType(root, 'strong').map((node) => textOf(node)));
		expect([...strong].filter((text) => !/^([TMEFB]\d+|Wide|overdue|gap|Open high-risk threats:|Elements with no threat:|Data flows crossing a trust boundary with no threat:|STRIDE gaps:|Date:|Exported:|Participants:|Facilitator:|Workshop:|Threats .*:|\d\.\d)$/.test(text))).toEqual([]);
		expect(nodesOfType(root, 'delete')).toEqual([]);
		expect(nodesOfType(root, 'blockquote')).toEqual([]);
		// The only code block is the diagram.
		expect(nodesOfType(root, 'code').map((c) => c.lang)).toEqual(['mermaid']);
	});

	it('keeps every table rectangular, one row per note, with the text a reader sees equal to the note', () => {
		for (const table of tables(root)) {
			for (const row of table) expect(row).toHaveLength(table[0].length);
		}
		const threats = tables(root).find((t) => t[0][1] === 'Threat')!;
		expect(threats).toHaveLength(PAYLOADS.length + 1);
		const seen = threats.slice(1).map((row) => row[1]);
		expect(seen.sort()).toEqual(PAYLOADS.map(expectedCell).sort());
		const mitigations = tables(root).find((t) => t[0][1] === 'Mitigation')!;
		expect(mitigations).toHaveLength(PAYLOADS.length + 1);
		for (const row of mitigations.slice(1)) expect(row[2]).toBe('| [x](javascript:1) <i>');
	});

	it('cuts 10 KB of text in a table cell with a clear marker, and keeps it whole in lists', () => {
		const cell = tables(root).find((t) => t[0][1] === 'Threat')!.find((row) => row[1].startsWith('A long threat.'))!;
		expect(cell[1]).toMatch(/ … \(truncated, \d+ characters in all\)$/);
		expect(Array.from(cell[1]).length).toBeLessThan(MAX_TABLE_CELL_CHARS + 60);
		const retro = nodesOfType(root, 'listItem').map((item) => textOf(item));
		expect(retro).toContain(LONG);
	});

	it('keeps multi-line notes as lines of one list item, with markers shown as text', () => {
		const items = nodesOfType(root, 'listItem').map((item) => textOf(item));
		expect(items).toContain('> quoted\n- listed\n1. numbered\nindented code');
		expect(items).toContain('Setext heading\n===');
		expect(items).toContain('[ref]: javascript:alert(1)\n[ref]');
		expect(nodesOfType(root, 'list').every((list) => !list.ordered)).toBe(true);
	});

	it('preserves emoji and right-to-left text, and drops bidi override controls', () => {
		expect(markdown).toContain('🔐 emoji 👩🏽‍💻 flags 🇺🇦');
		expect(markdown).toContain('שלום עולם — right to left');
		expect(markdown).toContain('مرحبا بالعالم');
		expect(markdown).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
		expect(markdown).toContain('bidi evil override');
	});

	it('escapes names in the header, telling apart people who share a name', () => {
		const header = textOf(root.children[1]);
		// Sorted by code unit ('[' before '|'); the facilitator is one of the people, so listed once.
		const sorted = [HOSTILE_LABELS[0], HOSTILE_LABELS[1], HOSTILE_LABELS[2], HOSTILE_LABELS[3]];
		expect(header).toContain(`Participants: ${sorted.join(', ')}Facilitator:`);
		expect(header).toContain('Facilitator: “[f](javascript:x) <u>”');
	});

	it('keeps hostile rationales and decider names inside their cells of the Risk decisions table', () => {
		const decisions = tableAfter(root, 'Risk decisions')!;
		expect(decisions[0]).toEqual(['ID', 'Threat', 'Decision', 'Decided by', 'Rationale', 'Review by']);
		expect(decisions).toHaveLength(PAYLOADS.length + 1);
		for (const row of decisions) expect(row).toHaveLength(6);
		const byThreat = new Map(decisions.slice(1).map((row) => [row[1], row]));
		PAYLOADS.forEach((text, i) => {
			const row = byThreat.get(expectedCell(text))!;
			expect(row[2]).toBe('Transferred');
			expect(row[3]).toBe(HOSTILE_LABELS[i % HOSTILE_LABELS.length]);
			expect(row[4]).toBe(expectedCell(text.slice(0, MAX_RATIONALE_LENGTH).trim()));
			expect(row[5]).toBe('2026-06-01');
		});
	});

	it('keeps hostile names inside the Risk estimates and Closing poll tables', () => {
		const estimates = tableAfter(root, 'Risk estimates')!;
		expect(estimates).toHaveLength(PAYLOADS.length + 1);
		for (const row of estimates.slice(1)) expect(row[6]).toBe(`4: ${HOSTILE_LABELS.join(', ')}`);
		const poll = tableAfter(root, 'Closing poll')!;
		expect(poll.slice(1)).toEqual(HOSTILE_LABELS.map((label, i) => [label, '3', expectedCell(PAYLOADS[i])]));
	});

	it('keeps hostile labels inside the crossings table, and hostile names and motivations inside the asset and agent tables', () => {
		const crossings = tableAfter(root, 'Data flows crossing trust boundaries')!;
		expect(crossings).toEqual([
			['Ref', 'Data flow', 'From', 'To', 'Boundaries crossed', 'Threats'],
			['F1', '-->|"x"| e1 `code` |pipe|', `E1 ${expectedCell(PAYLOADS[0])}`, `E2 ${expectedCell(PAYLOADS[1])}`, 'B1 "] end subgraph <b>zone</b> %%', 'none']
		]);
		const assets = tableAfter(root, 'Threats by asset')!;
		expect(assets).toHaveLength(PAYLOADS.length + 1);
		expect(assets.slice(1).map((row) => row[0]).sort()).toEqual(PAYLOADS.map(expectedCell).sort());
		// Transferred threats are not open: no open risk to show.
		for (const row of assets.slice(1)) expect(row[2]).toBe('');
		const agents = tableAfter(root, 'Threat agents')!;
		expect(agents[0]).toEqual(['Threat agent', 'Motivation', 'Capability', 'Threats']);
		expect(agents).toHaveLength(PAYLOADS.length + 1);
		const byName = new Map(agents.slice(1).map((row) => [row[0], row]));
		PAYLOADS.forEach((text) => {
			const row = byName.get(expectedCell(text))!;
			expect(row[1]).toBe(expectedCell(agentMotivation(text).trim()));
			expect(row[2]).toBe('High');
			expect(row[3]).toMatch(/^T\d+$/);
		});
	});

	it('keeps the Mermaid block in its grammar with every label intact', () => {
		const [code] = nodesOfType(root, 'code');
		const shape = checkMermaid(code.value);
		expect(shape.subgraphs.get('b1')).toBe('"] end subgraph <b>zone</b> %%');
		const labels = [...shape.nodes.values()].sort();
		const expected = PAYLOADS.map((text) => {
			const flat = cleanText(text).replace(/\s+/g, ' ').trim();
			const points = Array.from(flat);
			return points.length > MAX_MERMAID_LABEL_CHARS ? `${points.slice(0, MAX_MERMAID_LABEL_CHARS).join('')}…` : flat;
		});
		// Canvas labels are capped at 500 characters before the diagram cuts them to 80.
		expect(labels).toEqual(expected.sort());
		expect(shape.edges).toEqual([{ from: 'e1', to: 'e2', label: '-->|"x"| e1 `code` |pipe|' }]);
		expect(code.value).not.toMatch(/`/);
		expect(code.value).not.toContain('%%');
	});

	it('quotes Mermaid labels so no character can end the string', () => {
		expect(mermaidLabel('a"b')).toBe('"a#34;b"');
		expect(mermaidLabel('#1; <b>')).toBe('"#35;1; #60;b#62;"');
		expect(mermaidLabel('x\n%%y')).toBe('"x #37;#37;y"');
	});
});

describe('hostile content in the files other tools import', () => {
	const { board, control } = hostileRoom();
	const snapshot = snapshotRoom(board, control, { exportedAt: Date.UTC(2026, 0, 2) });

	it('writes no control, bidi-override or invisible character into the Threat Dragon or threat-composer file', () => {
		for (const format of ['td.json', 'tc.json'] as const) {
			const text = renderExport(snapshot, format);
			expect(text, format).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/);
			expect(JSON.stringify(JSON.parse(text))).not.toMatch(/\\u00[01][0-9a-f]/); // no control character escaped in a string
		}
	});

	it("gives threat-composer, which shows its descriptions as Markdown, participants' notes and labels escaped", () => {
		const model = JSON.parse(renderExport(snapshot, 'tc.json')) as { architecture: { description: string }; dataflow: { description: string } };
		for (const description of [model.architecture.description, model.dataflow.description]) {
			const parsed = parseGfm(description);
			expect(dangerousNodes(parsed)).toEqual([]);
			expect(nodesOfType(parsed, 'link')).toEqual([]);
			expect(nodesOfType(parsed, 'image')).toEqual([]);
		}
		expect(model.architecture.description).toContain('### Components');
		expect(model.dataflow.description).toContain('### Data flows');
	});

	it('gives threat-composer the scope and imported descriptions as Markdown with their links, but without images or HTML', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'Markdown', createdAt: 1 });
		const payload = [
			'**Bold** and [the guide](https://example.com/guide).',
			'![x](https://evil.example/p.png) ![y][1] <img src="https://evil.example/q.png"> <!-- hidden --> <https://evil.example/auto>',
			// An escape before the tag, characters dropped on the way out between "!" and "[" or after "<".
			'\\<img src="https://evil.example/s.png"> !\u200b[z](https://evil.example/t.png) <\u200bimg src=x> !\u0001[w](https://evil.example/u.png)',
			'<div>\n\n*block*\n\n</div>',
			'[run](javascript:alert(1)) [run too]( JavaScript :alert(2)) [run three](javascript&#58;alert(3)) [run four][2]',
			'[1]: https://evil.example/r.png',
			'[2]: data:text/html,<b>x</b>'
		].join('\n\n');
		setScope(doc, payload);
		createNote(doc, { kind: 'component', question: 1, text: `Architecture\n\n${payload}`, author: TC_AUTHOR, authorColor: '#2563eb', createdAt: 2 });
		const tc = JSON.parse(renderExport(snapshotRoom(doc, undefined, { exportedAt: 2 }), 'tc.json')) as { applicationInfo: { description: string }; architecture: { description: string } };
		for (const description of [tc.applicationInfo.description, tc.architecture.description]) {
			const parsed = parseGfm(description);
			for (const type of ['image', 'imageReference', 'html'] as const) expect(nodesOfType(parsed, type), type).toEqual([]);
			// Links stay (an image's address is then a bare address, which GitHub-flavoured Markdown links), but none runs a script.
			const urls = nodesOfType(parsed, 'link').map((link) => (link as { url: string }).url);
			expect(urls).toContain('https://example.com/guide');
			expect(urls.filter((url) => /^\s*(javascript|vbscript|data|file)\s*:/i.test(url))).toEqual([]);
			const definitions = nodesOfType(parsed, 'definition').map((definition) => (definition as { url: string }).url);
			expect(definitions.filter((url) => /^\s*(javascript|vbscript|data|file)\s*:/i.test(url))).toEqual([]);
			expect(nodesOfType(parsed, 'strong')).toHaveLength(1);
		}
	});

	it("reads labelled lines and headed descriptions only from the import's own notes, not from a participant's", () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'Spoofed fields', createdAt: 1 });
		writeCanvasRecords(doc, [...documentRecords(), geoShape('shape:api', 'API', { x: 0, y: 0 }, 'process')]);
		const mine = createNote(doc, { kind: 'component', question: 1, text: 'Handles cards.\nOut of scope: yes\nEncrypted: yes', ...AUTHOR, createdAt: 1 });
		addLink(doc, { kind: 'canvas', noteId: mine, elementId: 'shape:api' });
		createNote(doc, { kind: 'component', question: 1, text: 'Architecture\n\n![x](https://evil.example/p.png)', ...AUTHOR, createdAt: 2 });
		const snapshot = snapshotRoom(doc, undefined, { exportedAt: 2 });
		const td = JSON.parse(renderExport(snapshot, 'td.json')) as { detail: { diagrams: Array<{ cells: Array<{ data?: Record<string, unknown> }> }> } };
		const api = td.detail.diagrams.flatMap((d) => d.cells).find((cell) => cell.data?.name === 'API')!;
		expect(api.data).not.toHaveProperty('outOfScope', true);
		expect(api.data?.isEncrypted).not.toBe(true);
		expect(api.data?.description).toContain('Out of scope: yes');
		const tc = JSON.parse(renderExport(snapshot, 'tc.json')) as { architecture: { description: string } };
		expect(nodesOfType(parseGfm(tc.architecture.description), 'image')).toEqual([]);
	});

	it('cleans text before escaping it: a zero-width space in front does not hide a heading marker or make an empty tag', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'Zero width', createdAt: 1 });
		createNote(doc, { kind: 'component', question: 1, text: 'Gateway\n\u200b===', ...AUTHOR, createdAt: 1 });
		createNote(doc, { kind: 'threat', question: 2, text: 'Replay\n\nTags: \u200b, a, a\u200b', ...AUTHOR, createdAt: 2 });
		const model = JSON.parse(renderExport(snapshotRoom(doc, undefined, { exportedAt: 2 }), 'tc.json')) as {
			architecture: { description: string };
			threats: Array<{ tags?: string[] }>;
		};
		expect(nodesOfType(parseGfm(model.architecture.description), 'heading').map((h) => textOf(h))).toEqual(['Components']);
		expect(model.threats[0].tags).toEqual(['a']);
	});
});

describe('boards past what the export holds', () => {
	function board() {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'Big', createdAt: 1 });
		return doc;
	}

	it('more canvas records than the export holds, junk types among them: the export keeps the diagram part that fits, not a failure', () => {
		const doc = board();
		doc.transact(() => {
			const canvas = doc.getMap('canvas');
			for (let i = 0; i <= 20_000; i++) canvas.set(`shape:s${i}`, { id: `shape:s${i}`, typeName: 'shape', type: 'geo', parentId: 'page:page', x: 0, y: 0, props: {} });
			canvas.set('j:1', { id: 'j:1', typeName: 'j' });
		});
		const snapshot = snapshotRoom(doc, undefined, { exportedAt: 2 });
		expect(snapshot.canvas.records).toHaveLength(20_000);
		expect(snapshot.canvas.records.some((r) => r.typeName === 'j')).toBe(false);
		expect(() => toMarkdown(snapshot)).not.toThrow();
	});

	it('a diagram whose flowchart would pass what Mermaid draws (labels of "&"): said, and left to its tables', () => {
		const doc = board();
		writeCanvasRecords(doc, [...documentRecords(), ...Array.from({ length: 160 }, (_, i) => geoShape(`shape:amp${i}`, '&'.repeat(80), { x: i * 200, y: 0 }, 'process'))]);
		const markdown = toMarkdown(snapshotRoom(doc, undefined, { exportedAt: 2 }));
		expect(markdown).not.toContain('```mermaid');
		expect(markdown).toMatch(/_The diagram is too large to draw here \([\d,]+ characters as a flowchart\): its tables follow\._/);
		expect(tableAfter(parseGfm(markdown), 'Elements')).toHaveLength(161);
	});

	it('more notes than the export holds: the first ones, with the votes and links that name them, not a failure', () => {
		const doc = board();
		let last = '';
		doc.transact(() => {
			// Order keys given, in board order (placing each at the end would read all the others).
			for (let i = 0; i <= 10_000; i++) last = createNote(doc, { kind: 'threat', question: 2, text: `t${i}`, author: 'Eve', authorColor: '#000000', order: `k${String(i).padStart(5, '0')}z` });
			doc.getMap('votes').set(`voter:${last}`, 1);
		});
		const snapshot = snapshotRoom(doc, undefined, { exportedAt: 2 });
		expect(snapshot.notes).toHaveLength(10_000);
		expect(snapshot.notes.some((n) => n.id === last)).toBe(false);
		expect(snapshot.votes).toEqual([]);
		expect(() => toMarkdown(snapshot)).not.toThrow();
	});

	it('a creation time past what a date holds is not taken (the Markdown export threw)', () => {
		const doc = board();
		doc.getMap('meta').set('createdAt', Number.MAX_SAFE_INTEGER);
		expect(() => toMarkdown(snapshotRoom(doc, undefined, { exportedAt: 2 }))).not.toThrow();
	});
});
