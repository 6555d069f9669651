import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, initBoardDoc } from '../../../src/lib/shared/board/doc.ts';
import { addLink } from '../../../src/lib/shared/board/links.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { FIXTURE_EXPORTED_AT } from '../../fixtures/export/fixture-room.ts';
import { expectGolden, fixtureDocs, fixtureSnapshot } from './golden.ts';
import { checkMermaid, dangerousNodes, headings, reportHeadings, nodesOfType, parseGfm, tableAfter, tables, textOf } from './markdown-helpers.ts';

describe('Markdown export of the fixture room', () => {
	const markdown = toMarkdown(fixtureSnapshot());
	const root = parseGfm(markdown);

	it('matches the golden file', () => {
		expectGolden('fixture-room.md', markdown);
	});

	it('has the sections the issue lists, in order', () => {
		expect(headings(root)).toEqual(reportHeadings('Payments API'));
	});

	it('lists participants (people with their roles, same names told apart, and the facilitator) and the time against each timebox', () => {
		const header = textOf(root.children[1]);
		expect(header).toContain('Participants: Ada (Security), Björn (Product owner), Chen #1 (Engineering), Chen #2 (Operations), Dana');
		expect(header).toContain('Facilitator: Dana');
		expect(header).toContain('Date: 2026-03-09');
		expect(tableAfter(root, 'Time per question')).toEqual([
			['Question', 'Timebox', 'Time spent', 'Against the timebox'],
			['1. What are we building?', '10:00', '12:30', '2:30 over'],
			['2. What can go wrong?', '20:00', '18:00', 'within'],
			['3. What are we going to do about it?', '15:00', '16:00', '1:00 over'],
			['4. Did we do a good job?', '5:00', '4:00', 'within']
		]);
	});

	it('sorts the threats table by risk, then votes, with elements, STRIDE and effective votes', () => {
		const threats = tables(root).find((t) => t[0][1] === 'Threat')!;
		expect(threats[0]).toEqual(['ID', 'Threat', 'STRIDE', 'Element(s)', 'Likelihood', 'Impact', 'Risk', 'Votes', 'Status']);
		expect(threats.slice(1).map((row) => [row[0], row[6], row[7]])).toEqual([
			['T3', '16', '4'],
			['T1', '12', '2'],
			['T2', '10', '1'],
			['T4', '', '1']
		]);
		expect(threats[2][3]).toBe('E1 Payments API, F3 Card details (HTTPS)');
		expect(threats[2][2]).toBe('S, T');
	});

	it('lists mitigations with owner, status and the threats they address, and the unmitigated threats', () => {
		const mitigations = tables(root).find((t) => t[0][1] === 'Mitigation')!;
		expect(mitigations.slice(1)).toEqual([
			['M1', 'Idempotency keys with a 24 h expiry', 'Chen', 'In progress', 'T1, T3'],
			['M2', 'Parameterised queries only (lint rule)', 'Björn', 'Done', 'T2'],
			['M3', 'mTLS between API and PSP', '', 'Proposed', 'T1']
		]);
		const unmitigated = markdown.split('### Threats no mitigation addresses')[1].split('##')[0];
		expect(unmitigated.trim()).toBe('- **T4** Customer disputes a charge and we cannot prove it (Accepted)');
	});

	it('reports coverage: untouched elements, STRIDE gaps, open high risks, share mitigated', () => {
		expect(markdown).toContain('**Threats mitigated:** 1 of 4 (25%)');
		expect(markdown).toContain('**Threats with at least one mitigation:** 3 of 4 (75%)');
		const map = tableAfter(root, 'STRIDE per element')!;
		expect(map[0]).toEqual(['Ref', 'Element', 'Kind', 'S', 'T', 'R', 'I', 'D', 'E']);
		expect(map.find((row) => row[0] === 'E1')).toEqual(['E1', 'Payments API', 'Process', 'T1', 'T1', 'T4', 'gap', 'gap', 'gap']);
		// Denial of service does not apply to an external entity: T3 is on E5 but in no cell.
		expect(map.find((row) => row[0] === 'E5')).toEqual(['E5', 'Card processor (PSP)', 'External entity', 'gap', '–', 'gap', '–', '–', '–']);
		expect(map.find((row) => row[0] === 'F3')).toEqual(['F3', 'Card details (HTTPS)', 'Data flow', '–', 'T1', '–', 'gap', 'gap', '–']);
		expect(markdown).toContain('**Elements with no threat:** 2 of 5 (E2, E3)');
		expect(markdown).toContain('**Data flows crossing a trust boundary with no threat:** 2 of 3 (F2, F5)');
		expect(markdown).toContain('**Threats without a rating:** 1 of 4 (25%) (T4)');
		expect(markdown).toContain('**STRIDE gaps:** 29 categories in 10 of 10 elements and flows');
		const highRisk = markdown.split('#### Open high-risk threats')[1].split('####')[0];
		expect(highRisk).toContain('**T3**');
		expect(highRisk).toContain('**T1**');
		expect(highRisk).not.toContain('**T2**'); // mitigated, so not open
	});

	it('lists the flows crossing trust boundaries with the boundaries they cross, and the incomplete one', () => {
		expect(tableAfter(root, 'Data flows crossing trust boundaries')).toEqual([
			['Ref', 'Data flow', 'From', 'To', 'Boundaries crossed', 'Threats'],
			['F2', 'Charge request', 'E1 Payments API', 'E5 Card processor (PSP)', 'B2 Cloud VPC', 'none'],
			['F3', 'Card details (HTTPS)', 'E3 Customer browser', 'E1 Payments API', 'B2 Cloud VPC', 'T1'],
			['F5', 'Order rows (SQL)', 'E1 Payments API', 'E4 Orders DB', 'B1 Data tier', 'none']
		]);
		expect(markdown).toContain('Incomplete: **F4** Webhook?.');
	});

	it('has the per-asset table with the highest open risk, and says there are no threat agents', () => {
		expect(tableAfter(root, 'Threats by asset')).toEqual([
			['Asset', 'Threats', 'Highest open risk'],
			// T1 (12) and T3 (16) are open; T2 is mitigated, so its 10 does not count.
			['Card numbers in transit', 'T1, T3', '16'],
			["Customers' order history", 'T2', '']
		]);
		expect(markdown.split('### Threat agents')[1].split('##')[0].trim()).toBe('_No threat agents._');
	});

	it('renders the diagram as a valid Mermaid flowchart: shapes by kind, labelled flows, nested boundaries', () => {
		const code = nodesOfType(root, 'code');
		expect(code).toHaveLength(1);
		expect(code[0].lang).toBe('mermaid');
		const shape = checkMermaid(code[0].value);
		expect(shape.subgraphs).toEqual(new Map([['b1', 'Data tier'], ['b2', 'Cloud VPC']]));
		expect(shape.parents.get('b1')).toBe('b2');
		expect(shape.parents.get('e4')).toBe('b1'); // Orders DB in the data tier
		expect(shape.parents.get('e3')).toBeUndefined(); // the browser is outside
		expect(code[0].value).toContain('e1(("Payments API"))');
		expect(code[0].value).toContain('e4[("Orders DB")]');
		expect(code[0].value).toContain('e3["Customer browser"]');
		expect(shape.edges).toContainEqual({ from: 'e3', to: 'e1', label: 'Card details (HTTPS)' });
		expect(shape.edges).toContainEqual({ from: 'e1', to: 'e2', label: undefined });
		// The arrow with a loose end is in the flows table but not in the flowchart.
		expect(shape.edges).toHaveLength(4);
	});

	it('contains no HTML and no links', () => {
		expect(dangerousNodes(root)).toEqual([]);
		expect(nodesOfType(root, 'link')).toEqual([]);
	});
});

describe('Markdown export stability', () => {
	it('gives the same bytes for the same state, whatever order the documents were built or synced in', () => {
		const { board, control } = fixtureDocs();
		// A replica that received the state as one update, like a late joiner.
		const replica = new Y.Doc();
		Y.applyUpdate(replica, Y.encodeStateAsUpdate(board));
		const a = toMarkdown(snapshotRoom(board, control, { exportedAt: FIXTURE_EXPORTED_AT }));
		const b = toMarkdown(snapshotRoom(replica, control, { exportedAt: FIXTURE_EXPORTED_AT }));
		expect(b).toBe(a);
		expect(toMarkdown(fixtureSnapshot())).toBe(a);
	});

	it('takes the date from the snapshot, never the clock', () => {
		const snapshot = fixtureSnapshot();
		const later = toMarkdown({ ...snapshot, exportedAt: Date.UTC(2030, 0, 1, 8, 5) });
		expect(later).toContain('**Exported:** 2030-01-01 08:05 UTC');
		expect(later).not.toContain('2026-03-09 11:30');
	});
});

describe('Markdown export of a sparse room', () => {
	it('names the open threats whose mitigations are all done beside the mitigated count, so the figures agree', () => {
		const board = new Y.Doc();
		initBoardDoc(board, { title: 'Done but open', createdAt: Date.UTC(2026, 0, 2) });
		const who = { author: 'Eve', authorColor: '#2563eb' };
		const t1 = createNote(board, { kind: 'threat', question: 2, text: 'Replay', ...who });
		const t2 = createNote(board, { kind: 'threat', question: 2, text: 'Injection', ...who });
		const done = createNote(board, { kind: 'mitigation', question: 3, text: 'Nonces', status: 'done', ...who });
		const started = createNote(board, { kind: 'mitigation', question: 3, text: 'WAF', status: 'in_progress', ...who });
		addLink(board, { kind: 'mitigates', a: t1, b: done });
		addLink(board, { kind: 'mitigates', a: t2, b: done });
		addLink(board, { kind: 'mitigates', a: t2, b: started });
		const markdown = toMarkdown(snapshotRoom(board, undefined, { exportedAt: Date.UTC(2026, 0, 2, 12) }));
		// T1's only mitigation is done; T2 still has one in progress.
		expect(markdown).toContain('**Threats mitigated:** 0 of 2 (0%) (1 more still Open although every mitigation is done: T1)');
		expect(markdown).toContain('**Threats with at least one mitigation:** 2 of 2 (100%)');
	});

	it('says what was not recorded instead of leaving sections out', () => {
		const board = new Y.Doc();
		initBoardDoc(board, { title: 'Empty', createdAt: Date.UTC(2026, 0, 2) });
		createNote(board, { kind: 'threat', question: 2, text: 'Only threat', author: 'Eve', authorColor: '#2563eb' });
		const markdown = toMarkdown(snapshotRoom(board, undefined, { exportedAt: Date.UTC(2026, 0, 2, 12) }));
		const root = parseGfm(markdown);
		expect(headings(root)).toContain('## Time per question');
		expect(markdown).toContain("_Not recorded._ No question was run with the facilitator's timer.");
		expect(markdown).toContain('**Facilitator:** _Not recorded._');
		expect(markdown).toContain('**Participants:** Eve');
		expect(markdown).toContain('_No diagram on the canvas._');
		expect(markdown).toContain('- **T1** Only threat (Open)'); // unmitigated
		expect(nodesOfType(root, 'code')).toHaveLength(0);
		expect(dangerousNodes(root)).toEqual([]);
	});
});
