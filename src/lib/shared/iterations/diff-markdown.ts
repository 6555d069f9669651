/** The "Changes since iteration N" section of the Markdown report (issue 15). */
import { table, tableCell } from '../export/markdown-text.ts';
import type { RoomDiff } from './diff.ts';
import { CHANGE_LABELS, entryTitle, quotedFieldText } from './diff-text.ts';

export interface ChangesSection {
	/** The iteration the changes are counted from. */
	iteration: number;
	diff: RoomDiff;
}

/** `frozenAt` is the iteration's date as the rest of the report prints dates. */
export function changesMarkdown({ iteration, diff }: ChangesSection, frozenAt: string): string {
	const title = `## Changes since iteration ${iteration}`;
	const intro = `Iteration ${iteration} was frozen ${frozenAt}. Since then: ${diff.counts.added} added, ${diff.counts.changed} changed, ${diff.counts.removed} removed.`;
	if (diff.entries.length === 0) return `${title}\n\n${intro}`;
	const rows = diff.entries.map((entry) => [
		CHANGE_LABELS[entry.change],
		tableCell(entryTitle(entry)),
		entry.fields.map((change) => tableCell(quotedFieldText(change))).join('; ')
	]);
	return `${title}\n\n${intro}\n\n${table(['Change', 'Item', 'What changed'], rows)}`;
}
