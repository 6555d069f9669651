/**
 * What the interchange exports read from a snapshot, indexed once: notes by id and kind, and the
 * links between them both ways, in board order. Also the conventions the imports write and the
 * exports read back: the scope's continuation note, a threat's first line as its title.
 */
import type { AgentNote, MitigationNote, Note, PlainNote, ThreatNote } from '../board/schema.ts';
import type { RoomSnapshot } from '../export/snapshot.ts';

/** The heading of the component note holding what did not fit in the scope (snapshot-builder.ts). */
export const SCOPE_CONTINUED = 'Scope (continued)';
/** Ends a scope whose rest is in that note. */
export const SCOPE_CONTINUED_MARKER = `\n(continued in the note "${SCOPE_CONTINUED}")`;

export interface RoomIndex {
	notes: readonly Note[];
	threats: ThreatNote[];
	mitigations: MitigationNote[];
	/** Component, asset and assumption notes (question 1), and agents, by kind. */
	plain(kind: PlainNote['kind']): PlainNote[];
	agents: AgentNote[];
	mitigationsOf(threatId: string): MitigationNote[];
	threatsOf(mitigationId: string): ThreatNote[];
	assetsOf(threatId: string): PlainNote[];
	agentsOf(threatId: string): AgentNote[];
	/** Canvas elements a note is linked to (ids of records in the snapshot). */
	elementsOf(noteId: string): string[];
	/** Notes linked to a canvas element. */
	notesOn(elementId: string): Note[];
	/** The full scope, with the continuation note put back, and that note's id (to leave out elsewhere). */
	scope: { text: string; continuationId: string | undefined };
}

export function indexRoom(snapshot: RoomSnapshot): RoomIndex {
	const byId = new Map(snapshot.notes.map((note) => [note.id, note]));
	const many = <K, V>() => new Map<K, V[]>();
	const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);
	const mitigations = many<string, MitigationNote>();
	const threatsOfMitigation = many<string, ThreatNote>();
	const assets = many<string, PlainNote>();
	const agents = many<string, AgentNote>();
	const elements = many<string, string>();
	const onElement = many<string, Note>();
	const position = new Map(snapshot.notes.map((note, i) => [note.id, i]));
	for (const link of snapshot.links) {
		if (link.kind === 'canvas') {
			const note = byId.get(link.noteId);
			if (!note) continue;
			push(elements, link.noteId, link.elementId);
			push(onElement, link.elementId, note);
			continue;
		}
		const threat = byId.get(link.threatId);
		if (threat?.kind !== 'threat') continue;
		if (link.kind === 'mitigates') {
			const mitigation = byId.get(link.mitigationId);
			if (mitigation?.kind !== 'mitigation') continue;
			push(mitigations, threat.id, mitigation);
			push(threatsOfMitigation, mitigation.id, threat);
		} else if (link.kind === 'endangers') {
			const asset = byId.get(link.assetId);
			if (asset?.kind === 'asset') push(assets, threat.id, asset);
		} else {
			const agent = byId.get(link.agentId);
			if (agent?.kind === 'agent') push(agents, threat.id, agent);
		}
	}
	const inBoardOrder = <T extends Note>(list: T[] | undefined): T[] => [...(list ?? [])].sort((a, b) => position.get(a.id)! - position.get(b.id)!);
	const ofKind = <K extends Note['kind']>(kind: K) => snapshot.notes.filter((note): note is Extract<Note, { kind: K }> => note.kind === kind);
	const continuation = snapshot.notes.find(
		(note): note is PlainNote => note.kind === 'component' && note.text.startsWith(`${SCOPE_CONTINUED}\n\n`)
	);
	const scope =
		continuation && snapshot.room.scope.endsWith(SCOPE_CONTINUED_MARKER)
			? { text: snapshot.room.scope.slice(0, -SCOPE_CONTINUED_MARKER.length) + continuation.text.slice(SCOPE_CONTINUED.length + 2), continuationId: continuation.id }
			: { text: snapshot.room.scope, continuationId: undefined };
	return {
		notes: snapshot.notes,
		threats: ofKind('threat'),
		mitigations: ofKind('mitigation'),
		agents: ofKind('agent'),
		plain: (kind) => snapshot.notes.filter((note): note is PlainNote => note.kind === kind),
		mitigationsOf: (id) => inBoardOrder(mitigations.get(id)),
		threatsOf: (id) => inBoardOrder(threatsOfMitigation.get(id)),
		assetsOf: (id) => inBoardOrder(assets.get(id)),
		agentsOf: (id) => inBoardOrder(agents.get(id)),
		elementsOf: (id) => [...new Set(elements.get(id) ?? [])].sort(),
		notesOn: (id) => inBoardOrder(onElement.get(id)),
		scope
	};
}

/** A note's first line and the rest (a threat's title and description in Threat Dragon). */
export function splitFirstLine(text: string): { first: string; rest: string } {
	const at = text.indexOf('\n');
	return at < 0 ? { first: text.trim(), rest: '' } : { first: text.slice(0, at).trim(), rest: text.slice(at + 1).trim() };
}
