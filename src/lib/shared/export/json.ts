/**
 * The JSON export (the whole room, versioned, re-importable) and the import: validation of an
 * untrusted file, then a rebuild of the board and control documents through the accessors.
 *
 * The import gives notes new ids (links and votes follow them) and keeps everything else: text,
 * authors, colours, board order, creation times, STRIDE, ratings, statuses, owners, links, votes
 * (under their pseudonymous voter ids), risk decisions and recorded estimates, canvas records
 * (with their ids, which are local to a document) and the facilitation record (timeboxes, phase
 * history, facilitator name, people with their workshop roles, a revealed closing poll). People
 * keep their pseudonymous ids, so decisions, picks and authors still point at them; no secret
 * comes with them (none is exported), so nobody can join the new room as one of them.
 */
import type * as Y from 'yjs';
import { addLink } from '../board/links.ts';
import { createNote, noteLinkOtherId, setScope, setTitle, votesMap } from '../board/doc.ts';
import { defaultControl, writeControl } from '../control/doc.ts';
import { writePerson, writeRounds } from '../control/rounds.ts';
import { createRecordId } from '../ids.ts';
import { getNoteText } from '../board/note-text.ts';
import { MAX_NOTE_TEXT_LENGTH, voteKey, type Note, type NoteInput } from '../board/schema.ts';
import { writeCanvasRecords } from './canvas-records.ts';
import { stableStringify } from './json-value.ts';
import { EXPORT_FORMAT, RoomSnapshot } from './snapshot.ts';

/** Largest import accepted, in bytes of JSON text (canvas images can make honest files big). */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** The JSON export: the snapshot with sorted keys, two-space indent, final newline. */
export function toJson(snapshot: RoomSnapshot): string {
	return stableStringify(snapshot);
}

export interface ImportIssue {
	path: string;
	message: string;
}

export type ParseResult = { ok: true; snapshot: RoomSnapshot } | { ok: false; message: string; issues: ImportIssue[] };

/**
 * Validates an export: JSON text or an already parsed value. Never throws; the error names what
 * is wrong (at most 20 issues, each with its path in the file).
 */
export function parseRoomExport(input: unknown): ParseResult {
	let value = input;
	if (typeof input === 'string') {
		if (new TextEncoder().encode(input).length > MAX_IMPORT_BYTES) {
			return { ok: false, message: `export is larger than ${MAX_IMPORT_BYTES} bytes`, issues: [] };
		}
		try {
			value = JSON.parse(input);
		} catch {
			return { ok: false, message: 'export is not valid JSON', issues: [] };
		}
	}
	const parsed = RoomSnapshot.safeParse(value);
	if (parsed.success) return { ok: true, snapshot: parsed.data };
	const issues = parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
	const format = (value as { format?: unknown } | null)?.format;
	const message =
		typeof value === 'object' && value !== null && format !== undefined && format !== EXPORT_FORMAT
			? 'not a Threatboard room export'
			: 'invalid Threatboard room export';
	return { ok: false, message, issues };
}

/**
 * Rebuilds a validated snapshot into a room's documents: the board (already initialised by room
 * creation: its title and scope are overwritten) in one transaction, and the control document
 * when given (server only: clients never write it). Returns the new id of every note.
 */
export function writeRoomSnapshot(board: Y.Doc, control: Y.Doc | undefined, snapshot: RoomSnapshot): Map<string, string> {
	const ids = new Map<string, string>();
	board.transact(() => {
		setTitle(board, snapshot.room.title);
		setScope(board, snapshot.room.scope);
		// Canvas first: canvas links need their element to exist.
		writeCanvasRecords(board, snapshot.canvas.records, snapshot.canvas.schema);
		for (const note of snapshot.notes) ids.set(note.id, importNote(board, note));
		for (const link of snapshot.links) {
			if (link.kind === 'canvas') {
				addLink(board, { kind: 'canvas', noteId: ids.get(link.noteId)!, elementId: link.elementId }, link.createdAt);
			} else {
				addLink(board, { kind: link.kind, a: ids.get(link.threatId)!, b: ids.get(noteLinkOtherId(link))! }, link.createdAt);
			}
		}
		// Written as they were (castVote would re-check the budget per dot against the whole board).
		const votes = votesMap(board);
		for (const vote of snapshot.votes) votes.set(voteKey(vote.voterId, ids.get(vote.noteId)!), vote.count);
	});
	if (control && snapshot.control) writeImportedControl(control, snapshot);
	return ids;
}

function importNote(board: Y.Doc, note: Note): string {
	const { id: _id, text, ...fields } = note;
	const input = { ...fields, text: text.slice(0, MAX_NOTE_TEXT_LENGTH) } as NoteInput;
	const id = createNote(board, input);
	// Text beyond the local-write cap (concurrent typing can overshoot it) is kept as readers
	// accept it, rather than cut.
	if (text.length > MAX_NOTE_TEXT_LENGTH) getNoteText(board, id)?.insert(MAX_NOTE_TEXT_LENGTH, text.slice(MAX_NOTE_TEXT_LENGTH));
	return id;
}

/**
 * The facilitation record of the imported workshop, in a room nobody runs yet: timeboxes, phase
 * history (a visit still open at export ends at the export time), facilitator name, vote
 * budget, people and a revealed closing poll. An ended workshop stays ended; any other starts
 * afresh at question 1.
 */
function writeImportedControl(control: Y.Doc, snapshot: RoomSnapshot): void {
	const recorded = snapshot.control!;
	const base = defaultControl();
	const history = recorded.phases.map((phase) => ({ ...phase, endedAt: phase.endedAt ?? Math.max(phase.startedAt, snapshot.exportedAt) }));
	const ended = recorded.status === 'ended';
	writeControl(control, {
		...base,
		status: ended ? 'ended' : 'not-started',
		question: ended ? (history.at(-1)?.question ?? base.question) : base.question,
		timeboxesMs: recorded.timeboxesMs,
		history,
		facilitatorName: recorded.facilitator ?? undefined,
		voting: { ...base.voting, budget: snapshot.voteBudget }
	});
	for (const { id, ...person } of recorded.people ?? []) writePerson(control, id, person);
	const results = recorded.closingPoll?.results;
	if (results) writeRounds(control, { poll: { id: createRecordId(), status: 'revealed', answered: results.length, revealed: results } });
}

export type ImportResult = ParseResult;

/** Validates `input` and, when it is a valid export, rebuilds it into the given documents. */
export function importRoom(input: unknown, board: Y.Doc, control?: Y.Doc): ImportResult {
	const parsed = parseRoomExport(input);
	if (parsed.ok) writeRoomSnapshot(board, control, parsed.snapshot);
	return parsed;
}
