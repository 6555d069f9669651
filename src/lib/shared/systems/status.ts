/**
 * A model's live status as its system sees it (issue 15, item 2), read from the model's board
 * with the coverage function the workshop's coverage map and the reports use, so the system page,
 * a dependency element and the model's own report never disagree about what is open and high.
 *
 * - open high-risk threats: status Open and risk (likelihood x impact) at HIGH_RISK_MIN_SCORE or
 *   more, as board/coverage.ts selects them, highest risk first;
 * - launch blockers: the same threats. A threat leaves Open only through a status; Accepted and
 *   Transferred require a recorded risk decision (the rounds' write rules), so an open high-risk
 *   threat is exactly "over the risk threshold with no accepted decision";
 * - coverage: the share of the diagram's elements and flows with at least one linked threat.
 */
import type * as Y from 'yjs';
import { canvasMap, listNotes, readTitle } from '../board/doc.ts';
import { computeCoverage } from '../board/coverage.ts';
import { listLinks } from '../board/links.ts';
import type { ThreatNote } from '../board/schema.ts';
import { readDiagram } from '../canvas/diagram.ts';
import { cleanText } from '../text.ts';
import { readDependencyRefs, type DependencyThreat, type ModelRef } from './contract.ts';

/** A threat title as the system shows it: the note's first line, cut. */
export const MAX_THREAT_TITLE = 200;

export interface ModelFigures {
	/** The workshop's title now. */
	title: string;
	threatCount: number;
	/** Open high-risk threats (the launch blockers), highest risk first, then by number. */
	openHighRisk: DependencyThreat[];
	/** Percent (0-100, whole) of diagram elements and flows with a threat; null with no diagram. */
	coverage: number | null;
	/** The models this one's diagram references (dependency elements). */
	dependsOn: ModelRef[];
}

/** Reads the figures of one model's board. Pure: the board is only read. */
export function readModelFigures(board: Y.Doc, fallbackTitle: string): ModelFigures {
	const notes = listNotes(board);
	const links = listLinks(board);
	const diagram = readDiagram([...canvasMap(board).values()]);
	const coverage = computeCoverage({ diagram, notes, links });
	const byId = new Map(notes.map((n) => [n.id, n]));
	const openHighRisk: DependencyThreat[] = [];
	for (const id of coverage.figures.openHighRisk) {
		const note = byId.get(id) as ThreatNote | undefined;
		if (!note) continue;
		openHighRisk.push({
			id,
			ref: coverage.threatRefs.get(id) ?? '',
			title: threatTitle(note.text),
			stride: [...note.stride],
			risk: (note.likelihood ?? 0) * (note.impact ?? 0),
			status: note.status
		});
	}
	const rows = coverage.rows.length;
	return {
		title: readTitle(board) || fallbackTitle,
		threatCount: coverage.figures.threatCount,
		openHighRisk,
		coverage: rows === 0 ? null : Math.round(((rows - coverage.figures.untouched.length) / rows) * 100),
		dependsOn: readDependencyRefs(board)
	};
}

/** A note's first non-empty line, without controls, cut to MAX_THREAT_TITLE characters. */
export function threatTitle(text: string): string {
	const line = cleanText(text)
		.split('\n')
		.map((l) => l.trim())
		.find((l) => l !== '');
	if (!line) return '(untitled threat)';
	const points = Array.from(line);
	return points.length > MAX_THREAT_TITLE ? `${points.slice(0, MAX_THREAT_TITLE - 1).join('')}…` : line;
}
