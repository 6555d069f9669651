/**
 * A room as one plain, validated, versioned object: what every export format is rendered from,
 * and (as JSON) what the import reads back. Reading the documents happens here, once, through
 * the shared accessors; the renderers are pure functions of a RoomSnapshot.
 *
 * Votes carry pseudonymous voter ids ("voter-0001", ...): the real ids are stable per browser
 * across workshops, and an export committed to a repository should not link people that way.
 * Participant ids are pseudonymous too ("person-0001", ...; see pseudonyms.ts).
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { listLinks } from '../board/links.ts';
import { listNotes, noteLinkOtherId, readMeta, readTitle } from '../board/doc.ts';
import { effectiveVotes, listVotes, VoteBudget } from '../board/votes.ts';
import {
	DEFAULT_VOTE_BUDGET,
	PhaseRecord,
	Timeboxes,
	WORKSHOP_STATUSES,
	readFacilitatorName,
	readPhaseHistory,
	readTimeboxes,
	readVoting,
	readWorkshopStatus
} from '../control/doc.ts';
import { DEFAULT_TITLE } from '../wire/room-links.ts';
import { MAX_PEOPLE, PollResult, WORKSHOP_ROLES, readPeople, readPoll } from '../control/rounds.ts';
import { DisplayName } from '../person.ts';
import {
	AgentNote,
	LinkRecord,
	MitigationNote,
	NOTE_LINK_ENDS,
	PlainNote,
	RecordId,
	RiskDecision,
	RiskEstimate,
	Scope,
	ThreatNote,
	Timestamp,
	Title,
	Vote
} from '../board/schema.ts';
import { isCanvasRecord, readCanvasRecords, readCanvasSchema, type CanvasRecord } from './canvas-records.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { participantPseudonyms, pseudonymousNote } from './pseudonyms.ts';

/** Identifies a Threatboard room export; `version` changes when the shape changes incompatibly. */
export const EXPORT_FORMAT = 'threatboard.room';
export const EXPORT_VERSION = 1;

// Limits far above a real workshop; they bound what an import can make the server build.
export const MAX_EXPORT_NOTES = 10_000;
export const MAX_EXPORT_LINKS = 50_000;
export const MAX_EXPORT_VOTES = 50_000;
export const MAX_EXPORT_CANVAS_RECORDS = 20_000;
export const MAX_EXPORT_PHASES = 1_000;

const CanvasRecordSchema = z.custom<CanvasRecord>(isCanvasRecord, {
	message: 'canvas record must be a JSON object with an id and a typeName'
});
const JsonObjectSchema = z.custom<JsonObject>(isJsonObject, { message: 'must be a JSON object' });

/** Someone who joined the workshop with an identity, under their pseudonymous id. */
export const ExportPerson = z.strictObject({
	id: RecordId,
	name: DisplayName,
	role: z.enum(WORKSHOP_ROLES).nullable(),
	joinedAt: Timestamp,
	removedAt: Timestamp.optional()
});
export type ExportPerson = z.infer<typeof ExportPerson>;

export const ControlSnapshot = z.strictObject({
	status: z.enum(WORKSHOP_STATUSES),
	/** The facilitator's display name, when the control document records one. */
	facilitator: DisplayName.nullable(),
	timeboxesMs: Timeboxes.strict(),
	/** Every visit of a question, in order (see control/doc.ts). */
	phases: z.array(PhaseRecord.strict()).max(MAX_EXPORT_PHASES),
	// Optional, so that exports made before issue 14 stay importable.
	/** Everyone who joined with an identity, with their workshop role, in join order. */
	people: z.array(ExportPerson).max(MAX_PEOPLE).optional(),
	/** The closing poll's answers once the facilitator revealed them; null when none is revealed. */
	closingPoll: z.strictObject({ results: z.array(PollResult.strict()).max(MAX_PEOPLE) }).nullable().optional()
});
export type ControlSnapshot = z.infer<typeof ControlSnapshot>;

/**
 * Notes as an import takes them: the board reader drops a malformed author id, decision or
 * estimate and keeps the note (any peer may be hostile); a file that carries one is refused
 * instead, with its path, rather than imported without the decision it claims to record.
 */
const strictAuthor = { authorId: RecordId.optional() };
const ExportNote = z.discriminatedUnion('kind', [
	PlainNote.extend(strictAuthor),
	ThreatNote.extend({ ...strictAuthor, decision: RiskDecision.optional(), estimate: RiskEstimate.optional() }),
	MitigationNote.extend(strictAuthor),
	AgentNote.extend(strictAuthor)
]);

const RoomSnapshotShape = z.strictObject({
	format: z.literal(EXPORT_FORMAT),
	version: z.literal(EXPORT_VERSION),
	exportedAt: Timestamp,
	room: z.strictObject({ title: Title, scope: Scope, createdAt: Timestamp }),
	notes: z.array(ExportNote).max(MAX_EXPORT_NOTES),
	links: z.array(LinkRecord).max(MAX_EXPORT_LINKS),
	votes: z.array(Vote).max(MAX_EXPORT_VOTES),
	voteBudget: VoteBudget,
	/** Dots per note after the budget is applied (effectiveVotes); notes without votes are absent. */
	voteTotals: z.record(RecordId, z.number().int().positive()),
	canvas: z.strictObject({
		records: z.array(CanvasRecordSchema).max(MAX_EXPORT_CANVAS_RECORDS),
		/** tldraw's serialized schema the records were written with. */
		schema: JsonObjectSchema.nullable()
	}),
	/** Facilitation state; null when the control document was not available. */
	control: ControlSnapshot.nullable()
});
export type RoomSnapshot = z.infer<typeof RoomSnapshotShape>;
/** The snapshot schema, including the cross-references between its parts. */
export const RoomSnapshot = RoomSnapshotShape.superRefine(checkReferences);

export interface SnapshotOptions {
	/** When the export is made (ms since the epoch); the renderers print it and never read the clock. */
	exportedAt: number;
	/** Dots per person, when the control document cannot say (no control doc); default DEFAULT_VOTE_BUDGET. */
	voteBudget?: number;
}

/**
 * Reads a room's documents into a snapshot. `control` may be undefined (a client that has no
 * control document open): the snapshot then says so and the reports print "not recorded".
 * Throws only if the documents yield something the schema refuses, which is a bug here.
 */
export function snapshotRoom(board: Y.Doc, control: Y.Doc | undefined, options: SnapshotOptions): RoomSnapshot {
	const meta = readMeta(board);
	// Past the limits the export keeps the first notes (in board order), and the links, votes and
	// totals that name them, rather than failing for everyone (a participant can write that many).
	const allNotes = listNotes(board);
	const notes = allNotes.length > MAX_EXPORT_NOTES ? allNotes.slice(0, MAX_EXPORT_NOTES) : allNotes;
	const kept = notes === allNotes ? undefined : new Set(notes.map((note) => note.id));
	const keeps = (noteId: string) => kept === undefined || kept.has(noteId);
	const budget = control ? readVoting(control).budget : (options.voteBudget ?? DEFAULT_VOTE_BUDGET);
	const totals = effectiveVotes(board, budget);
	// Past the limit the export keeps the first records by id rather than failing for everyone
	// (a hostile participant can write that many small shapes).
	const records = readCanvasRecords(board).slice(0, MAX_EXPORT_CANVAS_RECORDS);
	const people = control ? [...readPeople(control)].map(([id, person]) => ({ id, ...person })) : [];
	const poll = control ? readPoll(control) : null;
	const pollResults = poll?.status === 'revealed' ? (poll.revealed ?? []) : [];
	const alias = participantPseudonyms(people, notes, pollResults);
	return RoomSnapshot.parse({
		format: EXPORT_FORMAT,
		version: EXPORT_VERSION,
		exportedAt: options.exportedAt,
		room: {
			title: meta?.title ?? readTitle(board) ?? DEFAULT_TITLE,
			scope: meta?.scope ?? '',
			createdAt: meta?.createdAt ?? 0
		},
		notes: notes.map((note) => pseudonymousNote(note, alias)),
		links: exportedLinks(board, records)
			.filter((link) => (link.kind === 'canvas' ? keeps(link.noteId) : keeps(link.threatId) && keeps(noteLinkOtherId(link))))
			.slice(0, MAX_EXPORT_LINKS),
		votes: pseudonymousVotes(board)
			.filter((vote) => keeps(vote.noteId))
			.slice(0, MAX_EXPORT_VOTES),
		voteBudget: budget,
		voteTotals: Object.fromEntries([...totals].filter(([noteId]) => keeps(noteId)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
		canvas: { records, schema: records.length > 0 ? readCanvasSchema(board) : null },
		control: control ? snapshotControl(control, people, poll?.status === 'revealed' ? pollResults : null, alias) : null
	});
}

function snapshotControl(
	control: Y.Doc,
	people: ReadonlyArray<ExportPerson>,
	pollResults: readonly PollResult[] | null,
	alias: ReadonlyMap<string, string>
): ControlSnapshot {
	const as = (id: string) => alias.get(id)!;
	return {
		status: readWorkshopStatus(control),
		facilitator: readFacilitatorName(control) ?? null,
		timeboxesMs: readTimeboxes(control),
		phases: readPhaseHistory(control).slice(-MAX_EXPORT_PHASES),
		people: people.map((person) => ({ ...person, id: as(person.id) })).sort((a, b) => compareStrings(a.id, b.id)),
		closingPoll: pollResults && { results: pollResults.map((result) => ({ ...result, participantId: as(result.participantId) })) }
	};
}

/**
 * The live links, without canvas links to elements no longer on the canvas: the board keeps those
 * (a deleted element's threats show it as removed, and undo re-attaches them), but a file has no
 * element for them to point at, and the import could not rebuild them.
 */
function exportedLinks(board: Y.Doc, records: readonly CanvasRecord[]): LinkRecord[] {
	const onCanvas = new Set(records.map((record) => record.id));
	return listLinks(board)
		.filter((link) => link.kind !== 'canvas' || onCanvas.has(link.elementId))
		.map(({ id: _id, ...record }) => record);
}

/** Votes on live notes with each voter id replaced by a pseudonym numbered in voter-id order. */
function pseudonymousVotes(board: Y.Doc): Vote[] {
	const votes = listVotes(board);
	const voters = [...new Set(votes.map((vote) => vote.voterId))].sort();
	const width = Math.max(4, String(voters.length).length);
	const alias = new Map(voters.map((id, i) => [id, `voter-${String(i + 1).padStart(width, '0')}`]));
	return votes
		.map((vote) => ({ ...vote, voterId: alias.get(vote.voterId)! }))
		.sort((a, b) => compareStrings(a.voterId, b.voterId) || compareStrings(a.noteId, b.noteId));
}

/** Links, votes and totals must point at notes in the snapshot (and links at the right kinds). */
function checkReferences(snapshot: RoomSnapshot, ctx: z.RefinementCtx): void {
	const kinds = new Map<string, string>();
	snapshot.notes.forEach((note, i) => {
		if (kinds.has(note.id)) ctx.addIssue({ code: 'custom', path: ['notes', i, 'id'], message: 'duplicate note id' });
		kinds.set(note.id, note.kind);
	});
	const records = new Set<string>();
	snapshot.canvas.records.forEach((record, i) => {
		if (records.has(record.id)) ctx.addIssue({ code: 'custom', path: ['canvas', 'records', i, 'id'], message: 'duplicate record id' });
		records.add(record.id);
	});
	snapshot.links.forEach((link, i) => {
		const ok =
			link.kind === 'canvas'
				? kinds.has(link.noteId) && records.has(link.elementId)
				: kinds.get(link.threatId) === 'threat' && kinds.get(noteLinkOtherId(link)) === NOTE_LINK_ENDS[link.kind].other;
		if (!ok) ctx.addIssue({ code: 'custom', path: ['links', i], message: 'link points at a missing note, canvas record or wrong kind' });
	});
	snapshot.votes.forEach((vote, i) => {
		if (!kinds.has(vote.noteId)) ctx.addIssue({ code: 'custom', path: ['votes', i, 'noteId'], message: 'vote on a missing note' });
	});
	const people = new Set<string>();
	snapshot.control?.people?.forEach((person, i) => {
		if (people.has(person.id)) ctx.addIssue({ code: 'custom', path: ['control', 'people', i, 'id'], message: 'duplicate person id' });
		people.add(person.id);
	});
	for (const noteId of Object.keys(snapshot.voteTotals)) {
		if (!kinds.has(noteId)) ctx.addIssue({ code: 'custom', path: ['voteTotals', noteId], message: 'total for a missing note' });
	}
}

export function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
