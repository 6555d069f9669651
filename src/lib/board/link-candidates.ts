/**
 * What a note can be linked to, for the link picker: which kinds of link it takes (its tabs), and
 * the candidates of each, linked first, then by text. The diagram's elements are searched by
 * name or by reference (E3, F2, B1), see searchElements.
 */
import { NOTE_LINK_ENDS, type Note, type NoteKind, type NoteLinkKind } from '#shared/board/schema';
import type { DiagramRef } from '#shared/canvas/diagram-refs';

/** A tab of the link picker: the diagram's elements, or one kind of note-to-note link. */
export type LinkTab = 'elements' | NoteLinkKind;

const TABS: Partial<Record<NoteKind, readonly LinkTab[]>> = {
	threat: ['elements', 'mitigates', 'endangers', 'agent'],
	mitigation: ['mitigates'],
	asset: ['elements', 'endangers'],
	agent: ['agent'],
	component: ['elements']
};

export function linkTabs(kind: NoteKind): readonly LinkTab[] {
	return TABS[kind] ?? [];
}

/** What a tab lists, seen from a note of `subject` kind. */
export function linkTabLabel(subject: NoteKind, tab: LinkTab): string {
	if (tab === 'elements') return 'Diagram';
	if (subject !== 'threat') return 'Threats';
	return { mitigates: 'Mitigations', endangers: 'Assets', agent: 'Threat agents' }[tab];
}

/** The kind of note a note-to-note tab links `subject` to, or null when the link does not apply. */
export function candidateKind(subject: NoteKind, kind: NoteLinkKind): NoteKind | null {
	const ends = NOTE_LINK_ENDS[kind];
	if (subject === ends.threat) return ends.other;
	return subject === ends.other ? ends.threat : null;
}

export function linkCandidates(subject: Note, kind: NoteLinkKind, notes: readonly Note[], query: string, linked: ReadonlySet<string>): Note[] {
	const other = candidateKind(subject.kind, kind);
	if (!other) return [];
	const needle = query.trim().toLocaleLowerCase();
	return notes
		.filter((note) => note.kind === other && (needle === '' || note.text.toLocaleLowerCase().includes(needle)))
		.sort((a, b) => Number(linked.has(b.id)) - Number(linked.has(a.id)) || a.text.localeCompare(b.text));
}

const REF_QUERY = /^[efb]\d*$/i;

/**
 * The diagram items matching a query, best first: the item whose reference it is (E3), items
 * whose reference starts with it (E1 matches E1, E10, E11), then items whose label starts with it,
 * then items whose label contains it; ties in reference order. An empty query lists every item.
 */
export function searchElements(refs: readonly DiagramRef[], query: string): DiagramRef[] {
	const needle = query.trim().toLocaleLowerCase();
	if (needle === '') return [...refs];
	const asRef = REF_QUERY.test(needle);
	const rank = (item: DiagramRef): number => {
		const ref = item.ref.toLocaleLowerCase();
		if (asRef && ref === needle) return 0;
		if (asRef && ref.startsWith(needle) && needle.length > 1) return 1;
		const label = item.label.toLocaleLowerCase();
		if (label.startsWith(needle)) return 2;
		if (label.includes(needle)) return 3;
		return -1;
	};
	return refs
		.map((item, index) => ({ item, index, rank: rank(item) }))
		.filter((entry) => entry.rank >= 0)
		.sort((a, b) => a.rank - b.rank || a.index - b.index)
		.map((entry) => entry.item);
}
