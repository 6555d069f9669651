/**
 * Issue 14's record in the Markdown and CSV reports: risk decisions (who, why, until when, overdue
 * against the export day), estimates (agreed values, spread of the picks, who took part, wide
 * spreads flagged), people named with their roles and told apart, and the closing poll.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, initBoardDoc } from '../../../src/lib/shared/board/doc.ts';
import type { NoteInput, RiskDecision } from '../../../src/lib/shared/board/schema.ts';
import { defaultControl, writeControl } from '../../../src/lib/shared/control/doc.ts';
import { writePerson, writeRemoval, writeRounds, type WorkshopRole } from '../../../src/lib/shared/control/rounds.ts';
import { CSV_COLUMNS, toCsv } from '../../../src/lib/shared/export/csv.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { parseGfm, tableAfter, textOf } from './markdown-helpers.ts';

const EXPORTED_AT = Date.UTC(2026, 4, 20, 23, 59); // the export day is 2026-05-20
const AUTHOR = { author: 'Sam', authorColor: '#2563eb' } as const;

interface Room {
	board: Y.Doc;
	control: Y.Doc;
	threat(text: string, fields?: Partial<Extract<NoteInput, { kind: 'threat' }>>): void;
	person(id: string, name: string, role: WorkshopRole | null, joinedAt: number): void;
}

function room(): Room {
	const board = new Y.Doc();
	initBoardDoc(board, { title: 'Risks', createdAt: 0 });
	const control = new Y.Doc();
	writeControl(control, { ...defaultControl(), facilitatorName: 'Fay' });
	let created = 0;
	return {
		board,
		control,
		threat: (text, fields = {}) => void createNote(board, { kind: 'threat', question: 2, text, ...AUTHOR, createdAt: created++, ...fields }),
		person: (id, name, role, joinedAt) => writePerson(control, id, { name, role, joinedAt })
	};
}

const decision = (fields: Partial<RiskDecision>): RiskDecision => ({
	status: 'accepted',
	deciderId: 'pAlex1',
	deciderName: 'Alex',
	rationale: 'Low value data',
	reviewBy: '2026-09-01',
	decidedAt: 1,
	...fields
});

/** The reports of a room; `withoutControl` reads it as a client without the control document. */
function render(r: Room, withoutControl = false) {
	const snapshot = snapshotRoom(r.board, withoutControl ? undefined : r.control, { exportedAt: EXPORTED_AT });
	const markdown = toMarkdown(snapshot);
	return { markdown, root: parseGfm(markdown), csv: toCsv(snapshot) };
}

/** CSV rows as objects by column name (the export quotes every field; no field here holds a quote). */
function csvRows(csv: string): Array<Record<string, string>> {
	const records = csv.slice(1).split('\r\n"').map((record) => record.replace(/^"|"(\r\n)?$/g, ''));
	const [header, ...rows] = records.map((record) => record.split('","'));
	expect(header).toEqual([...CSV_COLUMNS]);
	return rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i]])));
}

describe('the Risk decisions table', () => {
	it('names the decider with their role, gives the rationale and flags reviews due before the export day', () => {
		const r = room();
		r.person('pAlex1', 'Alex', 'product-owner', 1);
		r.threat('Past review', { status: 'accepted', decision: decision({ reviewBy: '2026-05-19' }) });
		r.threat('Review today', { status: 'transferred', decision: decision({ status: 'transferred', reviewBy: '2026-05-20', rationale: 'Insurer covers it' }) });
		r.threat('Later review', { status: 'accepted', decision: decision({ reviewBy: '2027-01-31' }) });
		r.threat('Still open', { status: 'open' });
		const { markdown, root } = render(r);
		expect(tableAfter(root, 'Risk decisions')).toEqual([
			['ID', 'Threat', 'Decision', 'Decided by', 'Rationale', 'Review by'],
			['T1', 'Past review', 'Accepted', 'Alex (Product owner)', 'Low value data', '2026-05-19 (overdue)'],
			['T2', 'Review today', 'Transferred', 'Alex (Product owner)', 'Insurer covers it', '2026-05-20'],
			['T3', 'Later review', 'Accepted', 'Alex (Product owner)', 'Low value data', '2027-01-31']
		]);
		expect(markdown).toContain('**1 review was overdue** when this report was exported.');
	});

	it('is placed in the section of question 3', () => {
		const r = room();
		r.threat('Accepted', { status: 'accepted', decision: decision({}) });
		const { markdown } = render(r);
		const q3 = markdown.split('## 3. What are we going to do about it?')[1].split('## 4.')[0];
		expect(q3).toContain('### Risk decisions');
	});

	it('shows a threat accepted before decisions were recorded, and leaves out a decision its threat has moved on from', () => {
		const r = room();
		r.threat('Accepted long ago', { status: 'accepted' });
		r.threat('Since mitigated', { status: 'mitigated', decision: decision({ reviewBy: '2020-01-01' }) });
		const { markdown, root } = render(r);
		expect(tableAfter(root, 'Risk decisions')!.slice(1)).toEqual([['T1', 'Accepted long ago', 'Accepted', 'Not recorded.', '', '']]);
		expect(markdown).not.toContain('overdue');
	});

	it('falls back to the name recorded with the decision when the decider is not among the people', () => {
		const r = room();
		r.threat('Restored from a backup', { status: 'accepted', decision: decision({ deciderId: 'pGone', deciderName: 'Gwen' }) });
		expect(tableAfter(render(r).root, 'Risk decisions')![1][3]).toBe('Gwen');
	});

	it('says so when no risk was accepted or transferred', () => {
		const r = room();
		r.threat('Open', {});
		expect(render(r).markdown).toContain('### Risk decisions\n\n_No risk was accepted or transferred._');
	});

	it('fills the CSV columns, with formulas in a rationale defused', () => {
		const r = room();
		r.person('pAlex1', 'Alex', 'security', 1);
		r.threat('Accepted', { status: 'accepted', decision: decision({ rationale: '=HYPERLINK("x")\nsecond line', reviewBy: '2026-01-01' }) });
		const [row] = csvRows(render(r).csv);
		expect(row['Decision']).toBe('Accepted');
		expect(row['Decided by']).toBe('Alex (Security)');
		expect(row['Rationale']).toBe(`'=HYPERLINK(""x"")\r\nsecond line`);
		expect(row['Review by']).toBe('2026-01-01');
		expect(row['Estimate spread']).toBe('');
	});
});

describe('the Risk estimates table', () => {
	const pick = (participantId: string, name: string, likelihood: number, impact: number) => ({ participantId, name, likelihood, impact });

	it('gives the agreed values, the spread of the picks and who took part, and flags a spread of 2 or more', () => {
		const r = room();
		r.person('pAlex1', 'Alex', 'security', 1);
		r.person('pBo', 'Bo', null, 2);
		r.threat('Narrow', {
			likelihood: 3, impact: 3,
			estimate: { likelihood: 3, impact: 3, wideSpread: false, agreedAt: 5, picks: [pick('pAlex1', 'Alex', 3, 2), pick('pBo', 'Bo', 4, 3)] }
		});
		// The stored flag says narrow, but the picks say wide: the report follows the picks it shows.
		r.threat('Wide on likelihood', {
			estimate: { likelihood: 2, impact: 4, wideSpread: false, agreedAt: 6, picks: [pick('pAlex1', 'Alex', 1, 4), pick('pBo', 'Bo', 3, 4)] }
		});
		r.threat('Wide on impact only', {
			estimate: { likelihood: 2, impact: 4, wideSpread: true, agreedAt: 7, picks: [pick('pAlex1', 'Alex', 2, 5), pick('pBo', 'Bo', 2, 3)] }
		});
		r.threat('Not estimated', { likelihood: 5, impact: 5 });
		const { root, csv } = render(r);
		expect(tableAfter(root, 'Risk estimates')).toEqual([
			['ID', 'Threat', 'Likelihood', 'Impact', 'Likelihood picks', 'Impact picks', 'Took part', 'Spread'],
			['T1', 'Narrow', '3', '3', '3–4', '2–3', '2: Alex (Security), Bo', 'Narrow'],
			['T2', 'Wide on likelihood', '2', '4', '1–3', '4', '2: Alex (Security), Bo', 'Wide'],
			['T3', 'Wide on impact only', '2', '4', '2', '3–5', '2: Alex (Security), Bo', 'Wide']
		]);
		const rows = csvRows(csv);
		expect(rows.find((row) => row['ID'] === 'T2')!['Estimate spread']).toBe('Likelihood 1–3, impact 4 (wide)');
		expect(rows.find((row) => row['ID'] === 'T1')!['Estimate spread']).toBe('Likelihood 3–4, impact 2–3');
		expect(rows.find((row) => row['ID'] === 'T1')!['Estimated by']).toBe('Alex (Security)\r\nBo');
		expect(rows.find((row) => row['ID'] === 'T4')!['Estimated by']).toBe('');
	});

	it('is placed in the section of question 2, and says so when nothing was estimated', () => {
		const r = room();
		r.threat('Rated by hand', { likelihood: 2, impact: 2 });
		const { markdown } = render(r);
		const q2 = markdown.split('## 2. What can go wrong?')[1].split('## 3.')[0];
		expect(q2).toContain('### Risk estimates\n\n_No threat was estimated in an estimation round._');
	});
});

describe('people in the report', () => {
	it('tells apart people who share a name (in join order), everywhere they are named', () => {
		const r = room();
		r.person('zzz', 'Alex', 'engineering', 10); // joined first, so #1 although its id sorts last
		r.person('aaa', 'alex', 'security', 20);
		r.threat('Accepted', { status: 'accepted', decision: decision({ deciderId: 'aaa', deciderName: 'alex' }) });
		const { root } = render(r);
		expect(textOf(root.children[1])).toContain('Participants: Alex #1 (Engineering), alex #2 (Security), Fay');
		expect(tableAfter(root, 'Risk decisions')![1][3]).toBe('alex #2 (Security)');
	});

	it('says who a facilitator removed, in a way a name cannot fake', () => {
		const r = room();
		r.person('pMal', 'Аlice', null, 1);
		writeRemoval(r.control, 'pMal', 5);
		r.person('pBob', 'Bob (removed by a facilitator)', null, 2);
		r.person('pCy', 'Cy \ufe59removed by a facilitator\ufe5a', null, 3); // small parentheses
		expect(textOf(render(r).root.children[1])).toContain(
			'Participants: Fay, Аlice (removed by a facilitator), “Bob (removed by a facilitator)”, “Cy \ufe59removed by a facilitator\ufe5a”'
		);
	});

	it('adds note authors who are not among the people, and falls back to them in rooms without people', () => {
		const r = room();
		r.person('pKim', 'Kim', 'operations', 1);
		createNote(r.board, { kind: 'retro', question: 4, text: 'x', author: 'Kim', authorId: 'pKim', authorColor: '#000000' });
		createNote(r.board, { kind: 'retro', question: 4, text: 'y', author: 'Lee', authorColor: '#000000' });
		expect(textOf(render(r).root.children[1])).toContain('Participants: Fay, Kim (Operations), Lee');
		expect(textOf(render(room()).root.children[1])).toContain('Participants: Fay');
		const older = room();
		older.threat('Old', {});
		expect(textOf(render(older, true).root.children[1])).toContain('Participants: Sam');
	});
});

describe('the Closing poll section', () => {
	it('shows revealed answers with the average confidence', () => {
		const r = room();
		r.person('pA', 'Ann', 'security', 1);
		writeRounds(r.control, {
			poll: {
				id: 'p',
				status: 'revealed',
				answered: 2,
				revealed: [
					{ participantId: 'pA', name: 'Ann', confidence: 5, better: 'Nothing' },
					{ participantId: 'pB', name: 'Ben', confidence: 2, better: 'Start on time' }
				]
			}
		});
		const { markdown, root } = render(r);
		expect(markdown).toContain('**3.5** on average, from 2 answers.');
		expect(tableAfter(root, 'Closing poll')!.slice(1)).toEqual([
			['Ann (Security)', '5', 'Nothing'],
			['Ben', '2', 'Start on time']
		]);
	});

	it('shows nothing of a poll that is still open, and says when there is no control document', () => {
		const r = room();
		writeRounds(r.control, { poll: { id: 'p', status: 'open', answered: 3, revealed: null } });
		expect(render(r).markdown).toContain('### Closing poll\n\n_No closing poll was revealed._');
		expect(render(r, true).markdown).toContain('### Closing poll\n\n_Not recorded._');
	});
});
