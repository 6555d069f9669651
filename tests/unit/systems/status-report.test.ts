/**
 * A model's status as its system sees it (open high-risk threats = launch blockers, coverage,
 * dependency refs) and the system report, including user text that tries to break out of the
 * Mermaid graph or the Markdown tables.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, initBoardDoc, updateNoteFields } from '../../../src/lib/shared/board/doc.ts';
import { addLink } from '../../../src/lib/shared/board/links.ts';
import { HIGH_RISK_MIN_SCORE } from '../../../src/lib/shared/board/coverage.ts';
import { writeCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import type { ModelStatus, SystemView } from '../../../src/lib/shared/systems/api.ts';
import { MODEL_DEPENDENCY_KIND, MODEL_REF_META_KEY } from '../../../src/lib/shared/systems/contract.ts';
import { systemMermaid, toSystemReportJson, toSystemReportMarkdown } from '../../../src/lib/shared/systems/report.ts';
import { readModelFigures, threatTitle } from '../../../src/lib/shared/systems/status.ts';
import { documentRecords, geoShape } from '../../fixtures/export/canvas.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;
const REF_A = 'aaaaaaaaaaaaaaaa';
const REF_B = 'bbbbbbbbbbbbbbbb';

function board(): Y.Doc {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'Checkout', createdAt: 0 });
	return doc;
}

describe('readModelFigures', () => {
	it('counts open threats at the high-risk score as blockers, highest first, and nothing else', () => {
		const doc = board();
		const threat = (text: string, likelihood: number | null, impact: number | null, createdAt: number) =>
			createNote(doc, { kind: 'threat', question: 2, text, ...AUTHOR, likelihood, impact, createdAt });
		const justHigh = threat('Just high', 2, HIGH_RISK_MIN_SCORE / 2, 1);
		const critical = threat('Critical\nsecond line', 5, 5, 2);
		threat('Just below', 3, 3, 3);
		threat('Unrated', null, null, 4);
		const accepted = threat('Accepted critical', 5, 5, 5);
		updateNoteFields(doc, accepted, { status: 'mitigated' });
		const figures = readModelFigures(doc, 'fallback');
		expect(figures.title).toBe('Checkout');
		expect(figures.threatCount).toBe(5);
		expect(figures.openHighRisk.map((t) => [t.id, t.ref, t.title, t.risk])).toEqual([
			[critical, 'T2', 'Critical', 25],
			[justHigh, 'T1', 'Just high', HIGH_RISK_MIN_SCORE]
		]);
		expect(figures.coverage).toBeNull();
	});

	it('reads coverage over elements and flows, and the dependency elements in the diagram', () => {
		const doc = board();
		writeCanvasRecords(doc, [
			...documentRecords(),
			geoShape('shape:web', 'Web', { x: 0, y: 0 }, 'process'),
			geoShape('shape:db', 'DB', { x: 300, y: 0 }, 'data-store'),
			{ ...geoShape('shape:dep', 'Payments', { x: 600, y: 0 }), meta: { dfd: MODEL_DEPENDENCY_KIND, [MODEL_REF_META_KEY]: REF_B } },
			{ ...geoShape('shape:bad', 'Forged', { x: 900, y: 0 }), meta: { dfd: MODEL_DEPENDENCY_KIND, [MODEL_REF_META_KEY]: 'not a ref' } }
		]);
		const t = createNote(doc, { kind: 'threat', question: 2, text: 'Spoofed web', ...AUTHOR });
		addLink(doc, { kind: 'canvas', noteId: t, elementId: 'shape:web' });
		const figures = readModelFigures(doc, 'fallback');
		// Dependency elements are elements (issue 15 item 3): one of the four has a threat.
		expect(figures.coverage).toBe(25);
		expect(figures.dependsOn).toEqual([REF_B]);
	});

	it('titles a threat by its first non-empty line, without controls, cut', () => {
		expect(threatTitle('\n  \n Replay\u202e attack \nmore')).toBe('Replay attack');
		expect(threatTitle('')).toBe('(untitled threat)');
		expect(Array.from(threatTitle('x'.repeat(500)))).toHaveLength(200);
	});
});

function status(overrides: Partial<ModelStatus> & Pick<ModelStatus, 'modelRef' | 'name'>): ModelStatus {
	return { removed: false, threatCount: 0, openHighRiskCount: 0, coverage: null, lastIteration: null, dependsOn: [], ...overrides };
}

const HOSTILE = 'Pay"]; click m1 href "javascript:alert(1)" %% <b>x</b> | `code` [link](http://evil.example)\n# heading';

function view(): SystemView {
	return {
		name: 'Shop | *bold*',
		createdAt: 0,
		access: 'owner',
		highRiskMin: HIGH_RISK_MIN_SCORE,
		readAt: Date.UTC(2026, 11, 5),
		models: [
			status({ modelRef: REF_A, name: 'Checkout', dependsOn: [REF_B, 'cccccccccccccccc'], link: '/w/secretroomidsecretroomi', threatCount: 3, openHighRiskCount: 1, coverage: 40, lastIteration: { number: 2, createdAt: Date.UTC(2026, 10, 1) } }),
			status({ modelRef: REF_B, name: HOSTILE, removed: true })
		],
		blockers: [{ modelRef: REF_A, modelName: 'Checkout', threat: { id: 'n1', ref: 'T1', title: 'Card | replay <script>', stride: ['S', 'T'], risk: 20, status: 'open' } }]
	};
}

describe('the system report', () => {
	it('draws the dependencies with generated ids and escaped labels, dropping refs outside the system', () => {
		const graph = systemMermaid(view())!;
		const lines = graph.split('\n');
		expect(lines[0]).toBe('flowchart LR');
		expect(lines[1]).toBe('    m1["Checkout"]');
		// One quoted label: no quote, pipe, markup, comment or backtick survives to end it.
		expect(lines[2]).toMatch(/^ {4}m2\["[^"|<>`%]*"\]$/);
		expect(lines.slice(3)).toEqual(['    m1 -->|depends on| m2']);
		expect(graph).not.toContain('javascript:alert(1)"');
	});

	it('escapes names in headings and tables and never carries workshop links', () => {
		const md = toSystemReportMarkdown(view());
		expect(md).toContain('# System report: Shop \\| \\*bold\\*');
		expect(md).toContain('| Checkout | 3 | 1 | 40% | 2 (2026-11-01) |');
		expect(md).toContain('| Checkout | T1 Card \\| replay \\<script\\> | 20 | S, T |');
		expect(md).not.toContain('<script>');
		expect(md).not.toContain('secretroomid');
		expect(md).not.toMatch(/^# heading/m);
		// The fence holds: exactly one opening and one closing fence.
		expect(md.match(/^```/gm)).toHaveLength(2);
		const json = toSystemReportJson(view());
		expect(JSON.stringify(json)).not.toContain('secretroomid');
		expect(json.dependencies).toEqual([{ from: REF_A, to: REF_B }]);
	});

	it('leaves out a graph longer than Mermaid draws, and says so', () => {
		const refs = Array.from({ length: 220 }, (_, i) => i.toString(16).padStart(16, '0'));
		const models = refs.map((modelRef, i) => status({ modelRef, name: '&'.repeat(80), dependsOn: i > 0 ? [refs[i - 1]] : [] }));
		const md = toSystemReportMarkdown({ ...view(), models, blockers: [] });
		expect(md).not.toContain('```mermaid');
		expect(md).toMatch(/_The graph is too large to draw here \([\d,]+ characters as a flowchart\)/);
	});

	it('says so when there is nothing to show', () => {
		const md = toSystemReportMarkdown({ ...view(), models: [], blockers: [] });
		expect(md).toContain('_No models yet._');
		expect(md).toContain('_None: no open high-risk threat in any model._');
		expect(md).not.toContain('```mermaid');
	});
});
