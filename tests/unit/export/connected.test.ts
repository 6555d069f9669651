/**
 * Issue 13 in the exports: threat agents, assets, threats attached to several elements, a linked
 * element deleted from the canvas, and links a hostile or stale peer left pointing at nothing.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { computeCoverage } from '../../../src/lib/shared/board/coverage.ts';
import { linksMap, listNotes } from '../../../src/lib/shared/board/doc.ts';
import { listLinks } from '../../../src/lib/shared/board/links.ts';
import { linkId, type LinkRecord } from '../../../src/lib/shared/board/schema.ts';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { readCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import { toCsv, CSV_COLUMNS } from '../../../src/lib/shared/export/csv.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { snapshotCoverage } from '../../../src/lib/shared/export/report.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { buildConnectedFixtureBoard, buildFixtureControl, FIXTURE_EXPORTED_AT } from '../../fixtures/export/fixture-room.ts';
import { parseGfm, tableAfter } from './markdown-helpers.ts';

function connectedRoom() {
	const board = new Y.Doc();
	const control = new Y.Doc();
	const made = buildConnectedFixtureBoard(board);
	buildFixtureControl(control);
	return { board, control, ...made };
}

describe('the exports of a connected room', () => {
	const { board, control } = connectedRoom();
	const snapshot = snapshotRoom(board, control, { exportedAt: FIXTURE_EXPORTED_AT });
	const markdown = toMarkdown(snapshot);
	const root = parseGfm(markdown);

	it('export although a linked element was deleted, leaving that link out of the file only', () => {
		// The board keeps the link (undo re-attaches it); the file has no element for it.
		expect(listLinks(board).filter((l) => l.kind === 'canvas' && l.elementId === 'shape:flow-dangling')).toHaveLength(1);
		expect(snapshot.links.some((l) => l.kind === 'canvas' && l.elementId === 'shape:flow-dangling')).toBe(false);
	});

	it('have the per-agent table: motivation, capability and the threats behind them', () => {
		expect(tableAfter(root, 'Threat agents')).toEqual([
			['Threat agent', 'Motivation', 'Capability', 'Threats'],
			['Card-testing fraudster', 'Validate stolen cards cheaply', 'Medium', 'T1, T3'],
			['Disgruntled support agent', '', '', 'T2']
		]);
	});

	it('count a lane threat attached to two elements on both, in the map and the crossings', () => {
		const map = tableAfter(root, 'STRIDE per element')!;
		expect(map.find((row) => row[0] === 'E2')).toEqual(['E2', 'Audit log', 'Other', 'T5', 'T5', 'gap', 'gap', 'gap', 'gap']);
		const crossings = tableAfter(root, 'Data flows crossing trust boundaries')!;
		expect(crossings.find((row) => row[0] === 'F2')?.[5]).toBe('T5');
		expect(markdown).toContain('**Data flows crossing a trust boundary with no threat:** 1 of 3 (F4)');
	});

	it('give the CSV the agents of each threat', () => {
		const lines = toCsv(snapshot).split('\r\n');
		const header = lines[0].slice(1).split(',');
		expect(header.slice(-3)).toEqual(['"Assets"', '"Threat agents"', '"Trust boundaries crossed"']);
		expect(header).toHaveLength(CSV_COLUMNS.length);
		expect(lines.find((line) => line.startsWith('"T3"'))).toMatch(/,"Card numbers in transit","Card-testing fraudster",""$/);
	});

	it('agree with the coverage computed live from the document', () => {
		const live = computeCoverage({ diagram: readDiagram(readCanvasRecords(board)), notes: listNotes(board), links: listLinks(board) });
		const exported = snapshotCoverage(snapshot);
		expect(exported.rows).toEqual(live.rows);
		expect(exported.figures).toEqual(live.figures);
	});
});

describe('links to things that do not exist', () => {
	it('are ignored by the readers, the coverage and every export', () => {
		const { board, control } = connectedRoom();
		const before = toMarkdown(snapshotRoom(board, control, { exportedAt: FIXTURE_EXPORTED_AT }));
		const threat = listNotes(board, { kind: 'threat' })[0].id;
		const asset = listNotes(board, { kind: 'asset' })[0].id;
		const hostile: LinkRecord[] = [
			{ kind: 'canvas', noteId: 'noSuchNote', elementId: 'shape:api', createdAt: 1 },
			{ kind: 'canvas', noteId: threat, elementId: 'shape:never-drawn', createdAt: 1 },
			{ kind: 'endangers', threatId: threat, assetId: 'noSuchAsset', createdAt: 1 },
			{ kind: 'endangers', threatId: 'noSuchThreat', assetId: asset, createdAt: 1 },
			// The right id, the wrong kind: a threat named as an asset and as an agent.
			{ kind: 'endangers', threatId: threat, assetId: threat, createdAt: 1 },
			{ kind: 'agent', threatId: threat, agentId: asset, createdAt: 1 },
			{ kind: 'mitigates', threatId: threat, mitigationId: 'noSuchMitigation', createdAt: 1 }
		];
		// Written as a peer would, around the accessors that refuse them.
		for (const link of hostile) linksMap(board).set(linkId(link), link);

		const live = listLinks(board);
		expect(live.some((l) => 'threatId' in l && l.threatId === 'noSuchThreat')).toBe(false);
		expect(live.some((l) => l.kind === 'agent' && l.agentId === asset)).toBe(false);
		expect(live.some((l) => l.kind === 'endangers' && l.assetId === threat)).toBe(false);
		const after = snapshotRoom(board, control, { exportedAt: FIXTURE_EXPORTED_AT });
		expect(toMarkdown(after)).toBe(before);
		const coverage = computeCoverage({ diagram: readDiagram(readCanvasRecords(board)), notes: listNotes(board), links: hostile });
		expect(coverage.rows.every((row) => row.threatIds.length === 0)).toBe(true);
		expect(coverage.figures.unmitigated).toHaveLength(coverage.figures.threatCount);
	});
});
