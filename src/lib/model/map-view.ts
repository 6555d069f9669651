/**
 * What the coverage map, the crossings list and the fourth lane show, from the shared coverage
 * (#shared/board/coverage): pure, so the wording and the gap rules are unit-tested. Names come
 * from the diagram (untrusted text: the components print them as text, never as HTML).
 */
import type { Coverage, CoverageFigures, CoverageRow } from '#shared/board/coverage';
import { STRIDE, type StrideLetter } from '#shared/board/schema';
import { isCrossing } from '#shared/canvas/crossings';

export type MapCell = { kind: 'na' } | { kind: 'gap' } | { kind: 'covered'; threatIds: readonly string[] };

export function mapCell(row: CoverageRow, letter: StrideLetter): MapCell {
	const threatIds = row.cells[letter];
	if (threatIds === undefined) return { kind: 'na' };
	return threatIds.length === 0 ? { kind: 'gap' } : { kind: 'covered', threatIds };
}

/** "E2 Payments API" */
export function rowTitle(row: Pick<CoverageRow, 'ref' | 'name'>): string {
	return `${row.ref} ${row.name}`;
}

/** What a screen reader hears for a cell, and the tooltip. */
export function cellLabel(row: CoverageRow, letter: StrideLetter, cell: MapCell): string {
	const category = STRIDE[letter];
	switch (cell.kind) {
		case 'na':
			return `${category} does not apply to ${rowTitle(row)}`;
		case 'gap':
			return `Gap: no ${category} threat for ${rowTitle(row)}. Add one`;
		case 'covered':
			return `${cell.threatIds.length} ${category} threat${cell.threatIds.length === 1 ? '' : 's'} for ${rowTitle(row)}`;
	}
}

export interface CrossingItem {
	row: CoverageRow;
	from: string;
	to: string;
	/** "B1 Internet", … in the diagram's order. */
	boundaries: string[];
	/** Crosses a boundary and no threat concerns it. */
	gap: boolean;
	incomplete: boolean;
}

/** Flows that cross a trust boundary or have a loose end, in row order (F1, F2 …). */
export function crossingItems(coverage: Coverage): CrossingItem[] {
	const name = (id: string | null) => {
		if (id === null) return 'loose end';
		const ref = coverage.refs.byId.get(id);
		return ref ? rowTitle(ref) : 'unknown shape';
	};
	const items: CrossingItem[] = [];
	for (const row of coverage.rows) {
		const crossing = row.crossing;
		if (!crossing || (!isCrossing(crossing) && !crossing.incomplete)) continue;
		items.push({
			row,
			from: name(crossing.fromId),
			to: name(crossing.toId),
			boundaries: crossing.boundaryIds.map(name),
			gap: isCrossing(crossing) && row.threatIds.length === 0,
			incomplete: crossing.incomplete
		});
	}
	return items;
}

export interface FigureLine {
	key: keyof CoverageFigures;
	label: string;
	count: number;
	/** What the count is out of, when that says more ("3 of 12"). */
	of?: number;
	/** True when the count is something left to do. */
	attention: boolean;
}

/** The fourth question's figures, in the order a team reads them. */
export function figureLines(coverage: Coverage): FigureLine[] {
	const f = coverage.figures;
	const elements = coverage.refs.elements.length;
	const threats = f.threatCount;
	const line = (key: keyof CoverageFigures, label: string, count: number, of?: number): FigureLine => ({ key, label, count, of, attention: count > 0 });
	return [
		line('elementsWithoutThreat', 'Elements without a threat', f.elementsWithoutThreat.length, elements),
		line('crossingFlowsWithoutThreat', 'Boundary-crossing flows without a threat', f.crossingFlowsWithoutThreat.length, f.crossingFlows.length),
		line('gapCount', 'STRIDE gaps', f.gapCount),
		line('unmitigated', 'Threats without a mitigation', f.unmitigated.length, threats),
		line('openHighRisk', 'Open high-risk threats', f.openHighRisk.length),
		line('unrated', 'Threats without a rating', f.unrated.length, threats)
	];
}
