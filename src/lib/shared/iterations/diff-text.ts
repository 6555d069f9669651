/**
 * Diff entries as words, for the Markdown report and the workshop's "Changes since" view alike,
 * so both say the same thing. Plain text: callers escape it for their medium.
 */
import { truncate } from '../export/markdown-text.ts';
import { curlyQuoted } from '../text.ts';
import { DFD_KIND_LABELS } from '../canvas/dfd.ts';
import { NOTE_KIND_LABELS, type LinkKind } from '../board/schema.ts';
import type { ChangeKind, DiffEntry, DiffField, DiffItem, FieldChange } from './diff.ts';

export const CHANGE_LABELS = { added: 'Added', changed: 'Changed', removed: 'Removed' } as const satisfies Record<ChangeKind, string>;

export const FIELD_LABELS = {
	text: 'text',
	label: 'label',
	kind: 'kind',
	from: 'from',
	to: 'to',
	boundary: 'trust boundary',
	stride: 'STRIDE',
	status: 'status',
	likelihood: 'likelihood',
	impact: 'impact',
	decision: 'risk decision',
	owner: 'owner',
	motivation: 'motivation',
	capability: 'capability'
} as const satisfies Record<DiffField, string>;

/** "T1 mitigated by M2", "T3 attached to E2": a link read from its first end. */
const LINK_PHRASES = {
	mitigates: 'mitigated by',
	canvas: 'attached to',
	endangers: 'endangers',
	agent: 'by threat agent'
} as const satisfies Record<LinkKind, string>;

/** What an item is called: "T3", "E2", "Asset", "Data flow". */
export function kindName(item: DiffItem): string {
	if (Object.hasOwn(DFD_KIND_LABELS, item.kind)) return DFD_KIND_LABELS[item.kind as keyof typeof DFD_KIND_LABELS];
	if (Object.hasOwn(NOTE_KIND_LABELS, item.kind)) return NOTE_KIND_LABELS[item.kind as keyof typeof NOTE_KIND_LABELS];
	return 'Item';
}

/** "T3 SQL injection…" or "Asset Card numbers" or "E2 (unnamed)". */
export function itemName(item: DiffItem): string {
	const text = item.text.trim() || '(unnamed)';
	return `${item.ref ?? kindName(item)} ${text}`;
}

/** The entry's subject, and for a link both ends: "T1 Replay … mitigated by M2 Idempotency keys". */
export function entryTitle(entry: DiffEntry): string {
	if (entry.object && entry.linkKind) return `${itemName(entry.subject)} ${LINK_PHRASES[entry.linkKind]} ${itemName(entry.object)}`;
	return itemName(entry.subject);
}

const MAX_VALUE_CHARS = 80;

function value(text: string, quoted: boolean): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	if (flat === '') return '(none)';
	// Whole code points: an emoji is not halved.
	const shown = truncate(flat, MAX_VALUE_CHARS).truncated ? `${truncate(flat, MAX_VALUE_CHARS - 1).text}…` : flat;
	return quoted ? curlyQuoted(shown) : shown;
}

/** "status: Open → Mitigated". */
export function fieldText(change: FieldChange): string {
	return `${FIELD_LABELS[change.field]}: ${value(change.before, false)} → ${value(change.after, false)}`;
}

/**
 * 'status: “Open” → “Mitigated”', for the report, where the fields of an entry share one table
 * cell: without the quotes, a text edited to "x; status: Open → Mitigated" read as a status
 * change that never happened.
 */
export function quotedFieldText(change: FieldChange): string {
	return `${FIELD_LABELS[change.field]}: ${value(change.before, true)} → ${value(change.after, true)}`;
}
