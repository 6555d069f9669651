/**
 * The workshop's fairness rules, enforced by the server as room hooks, so that the raw protocol
 * gets the same answers as the honest UI:
 * - identity: a connection presenting participant credentials becomes that participant; forged
 *   or unknown credentials are refused (4401);
 * - votes: each person writes only their own dots (`<participantId>:<noteId>`); none while a
 *   hidden round runs (ballots go to the server) or once a round has closed;
 * - authorship: a note's `authorId` is the writer's own, and its name (`author`) is not another
 *   participant's;
 * - risk decisions: a threat becomes Accepted or Transferred only together with a decision
 *   naming a participant as decider, a rationale and a review date;
 * - estimates: only an estimation round records them (or a note brought back whole by undo);
 * - silent rounds: no new threat is published while one runs (drafts stay private until the
 *   reveal), a few seconds' grace after it starts for notes written just before.
 * Refusals close the offending connection with 4406 (UpdateRefused) and a reason.
 */
import * as Y from 'yjs';
import { equalityDeep } from 'lib0/function';
import { BOARD_ROOTS, notesMap, votesMap, wasNoteDeleted } from '#shared/board/doc';
import { DECIDED_STATUSES, RiskDecision, RiskEstimate, type DecidedStatus } from '#shared/board/schema';
import { onRemovals } from '#shared/control/rounds';
import { votesOnBoard } from '#shared/control/doc';
import { readRemovedNote, rememberRemovedNotes, type RemovedNote } from '#shared/sealed/doc';
import { CloseCode, REMOVED_BY_FACILITATOR } from '#shared/wire/protocol';
import type { CheckUpdatePayload, RoomHooks, WriteRefusal } from '../rooms/hooks.ts';
import { entryId, type EntryRef } from '../rooms/update-scan.ts';
import { parseParticipantCredentials, ROUNDS_ORIGIN, verifyParticipant } from './identity.ts';
import { controlOf, type ControlState } from './control-readings.ts';

/** Threats written this soon after a silent round started were written before the writer knew. */
export const SILENT_ROUND_GRACE_MS = 3_000;
/**
 * A person's own vote on the board this soon after votes stopped going there (a round opened with
 * hidden totals, or closed) was cast before their browser heard of it: it is taken as cast. Closing
 * the connection instead stopped their board, and the vote kept on their device was refused
 * again at every reload.
 */
export const VOTE_GRACE_MS = 3_000;

const refuse = (reason: string): WriteRefusal => ({ kind: 'reject', code: CloseCode.UpdateRefused, reason });

export function createRoundHooks(now: () => number = Date.now): RoomHooks {
	return {
		name: 'rounds',
		afterLoad({ room }) {
			// A removal, made here or on another instance (its control update arrives through the
			// fan-out), signs the removed person out of this instance's connections at once.
			onRemovals(room.docs.control.doc, (removed) => {
				for (const connection of room.connections()) {
					if (connection.participantId !== undefined && removed.includes(connection.participantId)) {
						connection.close(CloseCode.Unauthorized, REMOVED_BY_FACILITATOR);
					}
				}
			});
		},
		onAuthenticate({ room, connection, credentials }) {
			if (credentials.participant === undefined || connection.role === 'observer') return undefined;
			const participantId = verifyParticipant(room, parseParticipantCredentials(credentials.participant));
			if (!participantId) return { code: CloseCode.Unauthorized, reason: 'participant identity not recognised' };
			connection.participantId = participantId;
			return undefined;
		},
		checkUpdate(payload) {
			return payload.docName === 'board' ? checkFairness(payload, now()) : undefined;
		}
	};
}

/** Removals seen in an update's check, recorded once Yjs has applied that update. */
interface PendingRemovals {
	origin: unknown;
	notes: Map<string, RemovedNote>;
}
const pendingRemovals = new WeakMap<Y.Doc, PendingRemovals>();
const watchedBoards = new WeakSet<Y.Doc>();

/**
 * Before an update that removes notes is applied: what each held, recorded in the sealed
 * document once the update is applied (an update refused by a later rule removes nothing, and
 * its record is dropped at the next check). The votes are read in one pass for all of them (an
 * update may remove many notes, a board hold many votes).
 */
function noteRemovals(room: CheckUpdatePayload['room'], origin: unknown, summary: CheckUpdatePayload['summary'], now: number): void {
	const board = room.docs.board.doc;
	pendingRemovals.delete(board);
	if (summary.removed.length === 0) return;
	const held = new Map<string, RemovedNote>();
	for (const { root, key } of summary.removed) {
		if (root !== BOARD_ROOTS.notes || key === null) continue;
		const note = notesMap(board).get(key);
		if (!(note instanceof Y.Map)) continue;
		const [author, authorId] = [note.get('author'), note.get('authorId')];
		held.set(key, {
			author: typeof author === 'string' ? author : null,
			authorId: typeof authorId === 'string' ? authorId : null,
			estimate: note.get('estimate') ?? null,
			votes: {},
			at: now
		});
	}
	if (held.size === 0) return;
	votesMap(board).forEach((value, voteKey) => {
		const note = held.get(voteKey.slice(voteKey.indexOf(':') + 1));
		if (note && typeof value === 'number') note.votes[voteKey] = value;
	});
	pendingRemovals.set(board, { origin, notes: held });
	if (watchedBoards.has(board)) return;
	watchedBoards.add(board);
	const sealed = room.docs.sealed.doc;
	board.on('afterTransaction', (transaction: Y.Transaction) => {
		const pending = pendingRemovals.get(board);
		if (!pending || transaction.origin !== pending.origin) return;
		pendingRemovals.delete(board);
		try {
			sealed.transact(() => rememberRemovedNotes(sealed, pending.notes), ROUNDS_ORIGIN);
		} catch {
			// A record the schema refuses is not kept (its note then comes back as a new note
			// would); this runs after the update was applied and must not fail it.
		}
	});
}

function checkFairness({ room, connection, summary }: CheckUpdatePayload, now: number): WriteRefusal | undefined {
	noteRemovals(room, connection, summary, now);
	// Read, and built, only when a rule needs it: most updates (text typed, a note moved) need
	// none of it, and building it for each of them was a tenth of what an edit allocated.
	const readingsOfRoom = controlOf(room.docs.control.doc);
	let created: Set<string> | undefined;
	const createdNote = (noteId: string | null): boolean => {
		if (noteId === null) return false;
		created ??= new Set(summary.created.map(entryId));
		return created.has(entryId({ root: BOARD_ROOTS.notes, key: noteId }));
	};
	const board = room.docs.board.doc;
	// A deleted note brought back by undo comes back whole: its author, votes and estimate, as
	// they were when it was removed (recorded in the sealed document), not as the restoring client
	// says: creating, deleting and "restoring" a note wrote it in anyone's name, with any estimate
	// and anyone's votes. A note brought back with no record of its removal (created and removed
	// in one update, removed before records were kept, or among the oldest past
	// MAX_REMEMBERED_REMOVALS) is held to the rules of a new note: taken on trust, it could be
	// written in anyone's name by creating and deleting it in one update first.
	let restorations: Map<string, RemovedNote | undefined> | undefined;
	const restoredFrom = (noteId: string | null): RemovedNote | undefined => {
		if (noteId === null || !createdNote(noteId)) return undefined;
		restorations ??= new Map();
		if (!restorations.has(noteId)) {
			restorations.set(noteId, wasNoteDeleted(board, noteId) ? readRemovedNote(room.docs.sealed.doc, noteId) : undefined);
		}
		return restorations.get(noteId);
	};
	const writesAuthorId = (noteId: string) => summary.fields.some((f) => f.root === BOARD_ROOTS.notes && f.key === noteId && f.field === 'authorId');
	const isFacilitator = connection.role === 'facilitator';

	// Votes, written ones first.
	let removedNotes: Set<string | null> | undefined;
	const checkVote = (entry: EntryRef, list: (typeof VOTE_LISTS)[number]): WriteRefusal | undefined => {
		const [voterId, noteId, extra] = (entry.key ?? '').split(':');
		// Deleting a note takes its votes with it; bringing it back (undo) brings them back. Only
		// the note itself counts: `deleted` also lists a note when a letter of its text goes,
		// which let any edit of a note carry votes written or removed in anyone's name.
		if (extra === undefined && noteId) {
			if (list === 'deleted') {
				removedNotes ??= new Set(summary.removed.filter((e) => e.root === BOARD_ROOTS.notes).map((e) => e.key));
				if (removedNotes.has(noteId)) return undefined;
			}
			const removed = restoredFrom(noteId);
			if (removed && restoredVoteMatches(removed, entry, list)) return undefined;
		}
		if (!connection.participantId || voterId !== connection.participantId || extra !== undefined) return refuse("writes someone else's votes");
		const { voting } = readingsOfRoom.control;
		if (votesOnBoard(voting) || (voting.stoppedAt !== undefined && now - voting.stoppedAt <= VOTE_GRACE_MS)) return undefined;
		if (voting.status === 'open' && voting.hideTotals) return refuse('votes go to the server while totals are hidden');
		return refuse('the voting round is closed');
	};
	for (const entries of VOTE_LISTS) {
		for (const entry of summary[entries]) {
			const refusal = entry.root === BOARD_ROOTS.votes ? checkVote(entry, entries) : undefined;
			if (refusal) return refusal;
		}
	}

	// A decision names someone who joined the workshop. One a facilitator removed since may still
	// stand: undo writes a decision back as it was (after the risk was reopened, say), and refusing
	// it closed that honest board; the browser offers only people who take part for a new one, and
	// naming someone is no proof of their consent for anyone.
	const namesDecider = (decision: RiskDecision) => readingsOfRoom.people.has(decision.deciderId);
	let decisions: Map<string, unknown> | undefined;
	const decisionOf = (key: string) => {
		if (!decisions) {
			decisions = new Map();
			for (const { root, key: noteId, field, value } of summary.fields) {
				if (root === BOARD_ROOTS.notes && field === 'decision' && noteId !== null) decisions.set(noteId, value);
			}
		}
		return decisions.get(key);
	};
	for (const { root, key, field, value } of summary.fields) {
		if (root !== BOARD_ROOTS.notes || key === null) continue;
		// Who wrote a note and what kind it is are set when it is written, never after: a later
		// `kind` write published a threat in a silent round, a later `authorId` claimed a note.
		if ((field === 'authorId' || field === 'kind') && !createdNote(key)) return refuse('changes who wrote a note or what kind it is');
		if (field === 'authorId' && value !== connection.participantId && !restoredAs(restoredFrom(key), 'authorId', value)) {
			return refuse('writes a note as someone else');
		}
		if (field === 'estimate' && !restoredAs(restoredFrom(key), 'estimate', value)) {
			return refuse('records an estimate outside an estimation round');
		}
		if (field === 'status' && (DECIDED_STATUSES as readonly unknown[]).includes(value)) {
			const decision = RiskDecision.safeParse(decisionOf(key));
			if (!decision.success || decision.data.status !== (value as DecidedStatus) || !namesDecider(decision.data)) {
				return refuse('accepts or transfers a risk without a decider, a rationale and a review date');
			}
		}
		if (field === 'decision') {
			// Every decision written names a decider, not only one written with its status: a
			// decision alone on an accepted risk named anyone, or nobody who exists.
			const decision = RiskDecision.safeParse(value);
			if (!decision.success) return refuse('records a malformed risk decision');
			if (!namesDecider(decision.data)) return refuse('names a decider who is not in the workshop');
		}
		if (field === 'author' && createdNote(key)) {
			// The name a note shows: a note brought back shows the name it had; a note without an
			// author id may not carry a participant's name other than the writer's own (it read
			// "Ada" in Bo's hand, for everyone). A note with its author id is the writer's whatever
			// name it shows (its name is not checked: renaming to a name someone else holds reaches
			// the server after the notes written under it, and would close the writer's board).
			const removed = restoredFrom(key);
			if (removed) {
				if (value !== removed.author) return refuse('brings a note back under another name');
			} else if (!writesAuthorId(key) && readingsOfRoom.names.namesAnother(connection.participantId, value)) {
				return refuse("writes a note in someone else's name");
			}
		}
		if (field === 'kind' && value === 'threat' && createdNote(key) && silentRoundClosedTo(readingsOfRoom.control, isFacilitator, now)) {
			return refuse('publishes a threat during a silent round');
		}
	}
	return undefined;
}

/** Whether a restored note's field is what the removed note held. */
function restoredAs(removed: RemovedNote | undefined, field: 'authorId' | 'estimate', value: unknown): boolean {
	if (!removed) return false; // not a restored note
	const before = removed[field];
	if (field === 'authorId') return value === before;
	// Compared as the rules read them: the restoring browser writes the estimate as it parsed it.
	const [a, b] = [RiskEstimate.safeParse(value), RiskEstimate.safeParse(before)];
	return a.success && b.success && equalityDeep(a.data, b.data);
}

/** Whether a vote written with a restored note is one the note had (its count is held to the budget by the tallies). */
function restoredVoteMatches(removed: RemovedNote, entry: EntryRef, list: (typeof VOTE_LISTS)[number]): boolean {
	if (list !== 'written') return true;
	return typeof removed.votes[entry.key ?? ''] === 'number';
}

/** The summary's lists that hold votes, in the order they are checked. */
const VOTE_LISTS = ['written', 'deleted'] as const;

/** True when a silent round runs (past its grace) and this writer may not publish threats. */
function silentRoundClosedTo(control: ControlState, isFacilitator: boolean, now: number): boolean {
	const { silent } = control;
	return !isFacilitator && silent.active && silent.startedAt !== null && now - silent.startedAt > SILENT_ROUND_GRACE_MS;
}
