import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addLink } from '../../../src/lib/shared/board/links.ts';
import { createNote, initBoardDoc } from '../../../src/lib/shared/board/doc.ts';
import { CSV_COLUMNS, toCsv } from '../../../src/lib/shared/export/csv.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { expectGolden, fixtureSnapshot } from './golden.ts';

/** A strict RFC 4180 reader: quoted fields only (as the export writes them), CRLF records. */
function parseCsv(text: string): string[][] {
	expect(text.startsWith('\ufeff')).toBe(true);
	const body = text.slice(1);
	const rows: string[][] = [];
	let row: string[] = [];
	let i = 0;
	while (i < body.length) {
		expect(body[i], `field at ${i} is not quoted`).toBe('"');
		let value = '';
		i++;
		for (;;) {
			const quote = body.indexOf('"', i);
			if (quote < 0) throw new Error('unterminated field');
			value += body.slice(i, quote);
			if (body[quote + 1] === '"') {
				value += '"';
				i = quote + 2;
			} else {
				i = quote + 1;
				break;
			}
		}
		row.push(value);
		if (body[i] === ',') i++;
		else if (body.startsWith('\r\n', i)) {
			rows.push(row);
			row = [];
			i += 2;
		} else throw new Error(`unexpected ${JSON.stringify(body[i])} after a field`);
	}
	expect(row).toEqual([]);
	return rows;
}

describe('CSV export', () => {
	it('matches the golden file for the fixture room', () => {
		expectGolden('fixture-room.csv', toCsv(fixtureSnapshot()));
	});

	it('has one row per threat with its mitigations, sorted like the report', () => {
		const rows = parseCsv(toCsv(fixtureSnapshot()));
		expect(rows[0]).toEqual([...CSV_COLUMNS]);
		expect(rows.slice(1).map((r) => r[0])).toEqual(['T3', 'T1', 'T2', 'T4']);
		const t1 = rows.find((r) => r[0] === 'T1')!;
		expect(t1[9]).toBe('M1: Idempotency keys with a 24 h expiry\r\nM3: mTLS between API and PSP');
		expect(t1[10]).toBe('M1: Chen\r\nM3: (no owner)');
		expect(t1[11]).toBe('M1: In progress\r\nM3: Proposed');
		expect(t1.slice(4, 9)).toEqual(['3', '4', '12', '2', 'Open']);
		// Issue 13: assets, agents (none in the fixture) and the boundaries its flow F3 crosses.
		const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
		expect(t1[column('Assets')]).toBe('Card numbers in transit');
		expect(t1[column('Threat agents')]).toBe('');
		expect(t1[column('Trust boundaries crossed')]).toBe('B2 Cloud VPC');
		expect(rows.find((r) => r[0] === 'T2')![column('Trust boundaries crossed')]).toBe('');
	});

	it('survives quotes, commas and newlines, and defuses spreadsheet formulas', () => {
		const board = new Y.Doc();
		initBoardDoc(board, { title: 'CSV', createdAt: 0 });
		const author = { author: 'A', authorColor: '#000000' } as const;
		const texts = ['=HYPERLINK("http://evil","x")', '+1+1', '-2', '@SUM(A1)', 'a "quoted", comma\nnew line', 'שלום 🔐', '\t=1+1', '  \u200b=2'];
		const ids = texts.map((text, i) => createNote(board, { kind: 'threat', question: 2, text, ...author, createdAt: i }));
		const mitigation = createNote(board, { kind: 'mitigation', question: 3, text: '=cmd|"/c calc"!A1', ...author, owner: '@owner' });
		addLink(board, { kind: 'mitigates', a: ids[0], b: mitigation });
		const rows = parseCsv(toCsv(snapshotRoom(board, undefined, { exportedAt: 0 })));
		expect(rows.slice(1).map((r) => r[1])).toEqual([
			`'=HYPERLINK("http://evil","x")`,
			`'+1+1`,
			`'-2`,
			`'@SUM(A1)`,
			'a "quoted", comma\r\nnew line',
			'שלום 🔐',
			// Blanks (a tab, spaces, a zero-width space) before the = do not hide the formula.
			`' =1+1`,
			`'  =2`
		]);
		expect(rows[1][9]).toBe('M1: =cmd|"/c calc"!A1'); // starts with "M1", so not a formula
		for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
	});
});
