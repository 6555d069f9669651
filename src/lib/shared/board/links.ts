/**
 * Links between notes (threat ↔ mitigation) and from notes to canvas elements.
 *
 * The `links` map is a set: the key is derived from the endpoints (linkId), so two people adding
 * the same link at once write the same key and converge to one entry, while different links are
 * different keys and all survive. Values are immutable plain records; "editing" a link is
 * removing it and adding another.
 */
import type * as Y from 'yjs';
import { canvasMap, createNote, isLinkLive, linkEndpoints, linksMap, noteLookup, readNote, type LiveNotes } from './doc.ts';
import {
	CanvasElementId,
	NOTE_LINK_ENDS,
	linkId,
	parseLink,
	type Link,
	type LinkRecord,
	type NoteInput,
	type NoteLinkKind,
	type QuestionNumber
} from './schema.ts';

/**
 * What to link. For note-to-note kinds, `a` and `b` are the two notes in either order: one must
 * be a threat and the other a mitigation (mitigates), an asset (endangers) or an agent (agent).
 */
export type LinkInput = { kind: NoteLinkKind; a: string; b: string } | { kind: 'canvas'; noteId: string; elementId: string };

export type AddLinkResult =
	| { ok: true; id: string }
	| { ok: false; reason: 'note_not_found' | 'element_not_found' | 'wrong_note_kinds' };

/** Adds a link (idempotent: an existing identical link is left as it is). */
export function addLink(doc: Y.Doc, input: LinkInput, now = Date.now()): AddLinkResult {
	const resolved = resolveLink(doc, input, now);
	if (!resolved.ok) return resolved;
	const id = linkId(resolved.record);
	const links = linksMap(doc);
	// Rewriting an existing entry would only churn the document (and its createdAt).
	if (parseLink(id, links.get(id)) === undefined) links.set(id, resolved.record);
	return { ok: true, id };
}

function resolveLink(
	doc: Y.Doc,
	input: LinkInput,
	now: number
): { ok: true; record: LinkRecord } | Extract<AddLinkResult, { ok: false }> {
	if (input.kind === 'canvas') {
		// readNote refuses malformed note ids; a malformed element id is a caller's bug.
		CanvasElementId.parse(input.elementId);
		if (!readNote(doc, input.noteId)) return { ok: false, reason: 'note_not_found' };
		if (!canvasMap(doc).has(input.elementId)) return { ok: false, reason: 'element_not_found' };
		return { ok: true, record: { kind: 'canvas', noteId: input.noteId, elementId: input.elementId, createdAt: now } };
	}
	const a = readNote(doc, input.a);
	const b = readNote(doc, input.b);
	if (!a || !b) return { ok: false, reason: 'note_not_found' };
	const ends = NOTE_LINK_ENDS[input.kind];
	const threat = a.kind === 'threat' ? a : b.kind === 'threat' ? b : undefined;
	const other = a.kind === ends.other ? a : b.kind === ends.other ? b : undefined;
	if (!threat || !other) return { ok: false, reason: 'wrong_note_kinds' };
	const record = { kind: input.kind, threatId: threat.id, [ends.otherKey]: other.id, createdAt: now } as LinkRecord;
	return { ok: true, record };
}

/** Removes a link by id; false when there was none. */
export function removeLink(doc: Y.Doc, id: string): boolean {
	const links = linksMap(doc);
	if (!links.has(id)) return false;
	links.delete(id);
	return true;
}

/**
 * Every valid, live link (see isLinkLive: links whose notes are gone are ignored, which is how a
 * link added concurrently with a note's deletion stays invisible). Sorted by id so every client
 * lists them in the same order. Pass `live` (the valid notes a view already holds) to skip
 * reading notes; otherwise each linked note is read once.
 */
export function listLinks(doc: Y.Doc, live?: LiveNotes): Link[] {
	return liveLinks(doc, live, () => true);
}

/** The live links touching a note. */
export function linksOf(doc: Y.Doc, noteId: string, live?: LiveNotes): Link[] {
	return liveLinks(doc, live, (link) => linkEndpoints(link).includes(noteId));
}

/** The live links touching a canvas element. */
export function linksOfElement(doc: Y.Doc, elementId: string, live?: LiveNotes): Link[] {
	return liveLinks(doc, live, (link) => link.kind === 'canvas' && link.elementId === elementId);
}

/** Links that pass `select` (checked first: it is cheap) and are live, sorted by id. */
function liveLinks(doc: Y.Doc, live: LiveNotes = noteLookup(doc), select: (link: Link) => boolean): Link[] {
	const links: Link[] = [];
	linksMap(doc).forEach((value, key) => {
		const link = parseLink(key, value);
		if (link && select(link) && isLinkLive(doc, link, live)) links.push(link);
	});
	return links.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/**
 * Removes every link to a canvas element (valid or not), in one transaction. Deleting an element
 * does not call this (its threats keep the link, shown as no longer attached); it is for
 * explicitly detaching. Returns how many were removed.
 */
export function removeLinksOfElement(doc: Y.Doc, elementId: string): number {
	const links = linksMap(doc);
	const doomed: string[] = [];
	links.forEach((value, key) => {
		const link = parseLink(key, value);
		if (link?.kind === 'canvas' && link.elementId === elementId) doomed.push(key);
	});
	doc.transact(() => doomed.forEach((key) => links.delete(key)));
	return doomed.length;
}

/** A new threat about canvas elements: what createLinkedThreat takes besides the elements. */
export type LinkedThreatInput = Omit<Extract<NoteInput, { kind: 'threat' }>, 'kind' | 'question'> & { question?: QuestionNumber };

/**
 * Creates a threat (in "What can go wrong?" unless told otherwise) linked to each of
 * `elementIds`, in one transaction. Elements no longer on the canvas are left out (a draft may
 * outlive its element). Returns the new note's id.
 */
export function createLinkedThreat(doc: Y.Doc, input: LinkedThreatInput, elementIds: readonly string[], now = Date.now()): string {
	let id = '';
	doc.transact(() => {
		id = createNote(doc, { ...input, kind: 'threat', question: input.question ?? 2 });
		for (const elementId of new Set(elementIds)) {
			if (CanvasElementId.safeParse(elementId).success) addLink(doc, { kind: 'canvas', noteId: id, elementId }, now);
		}
	});
	return id;
}

/** The key of a note-to-note link from its threat and the note at its other end. */
export function noteLinkId(kind: NoteLinkKind, threatId: string, otherId: string): string {
	switch (kind) {
		case 'mitigates':
			return linkId({ kind, threatId, mitigationId: otherId });
		case 'endangers':
			return linkId({ kind, threatId, assetId: otherId });
		case 'agent':
			return linkId({ kind, threatId, agentId: otherId });
	}
}
