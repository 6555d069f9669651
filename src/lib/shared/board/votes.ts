/**
 * Dot votes. The `votes` map holds one entry per voter and note, `${voterId}:${noteId}` → number
 * of dots, so votes by different people (or on different notes) never overwrite each other.
 *
 * The budget is enforced by each client before it writes, which a CRDT cannot make airtight:
 * two tabs of one person casting at the same moment each see the budget unspent and both
 * succeed, and the merged document holds more dots than the budget (two concurrent dots on the
 * same note do merge into one, since both write the same count). A hostile peer can also write
 * any count. So tallies shown to people come from effectiveVotes, which deterministically counts
 * only the first `budget` dots of each voter: every client computes the same totals from the
 * same merged document, whatever order the updates arrived in.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { noteLookup, readNote, votesMap, type LiveNotes } from './doc.ts';
import { MAX_VOTES_PER_ENTRY, RecordId, parseVote, voteKey, type Vote } from './schema.ts';

/** Dots per voter; a facilitator's setting, validated so a typo cannot make it negative. */
export const VoteBudget = z.number().int().min(0).max(MAX_VOTES_PER_ENTRY);

export type CastVoteResult =
	| { ok: true; count: number }
	| { ok: false; reason: 'over_budget' | 'note_not_found' };

/**
 * Votes on valid notes only, sorted by key: the one order every tally uses. Pass `live` (the
 * valid notes a view already holds) to skip reading notes; otherwise each voted-on note is read
 * once. `voterId` narrows the list to one voter before any note is read.
 */
export function listVotes(doc: Y.Doc, live: LiveNotes = noteLookup(doc), voterId?: string): Vote[] {
	const votes: Array<Vote & { key: string }> = [];
	votesMap(doc).forEach((value, key) => {
		const vote = parseVote(key, value);
		if (!vote || (voterId !== undefined && vote.voterId !== voterId)) return;
		if (live.get(vote.noteId)) votes.push({ ...vote, key });
	});
	votes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return votes.map(({ voterId, noteId, count }) => ({ voterId, noteId, count }));
}

/** Adds one dot from `voterId` to a note, unless that would take the voter over `budget`. */
export function castVote(doc: Y.Doc, voterId: string, noteId: string, budget: number): CastVoteResult {
	RecordId.parse(voterId);
	VoteBudget.parse(budget);
	if (!readNote(doc, noteId)) return { ok: false, reason: 'note_not_found' };
	if (votesUsedBy(doc, voterId) + 1 > budget) return { ok: false, reason: 'over_budget' };
	const key = voteKey(voterId, noteId);
	const count = (parseVote(key, votesMap(doc).get(key))?.count ?? 0) + 1;
	votesMap(doc).set(key, count);
	return { ok: true, count };
}

/** Takes one dot of `voterId` back from a note; false when there was none. */
export function removeVote(doc: Y.Doc, voterId: string, noteId: string): boolean {
	const key = voteKey(voterId, noteId);
	const votes = votesMap(doc);
	if (!votes.has(key)) return false;
	const count = parseVote(key, votes.get(key))?.count ?? 0;
	// A malformed entry is removed outright rather than decremented.
	if (count > 1) votes.set(key, count - 1);
	else votes.delete(key);
	return true;
}

/** Raw dots on a note, before the budget is applied (see effectiveVotes for tallies). */
export function votesFor(doc: Y.Doc, noteId: string): number {
	const live: LiveNotes = { get: (id) => (id === noteId ? readNote(doc, id) : undefined) };
	return sumCounts(listVotes(doc, live));
}

/** Dots a voter has on valid notes (what castVote checks against the budget). */
export function votesUsedBy(doc: Y.Doc, voterId: string, live?: LiveNotes): number {
	return sumCounts(listVotes(doc, live, voterId));
}

/** Dots a voter has on each note, e.g. to highlight one's own votes. */
export function votesOf(doc: Y.Doc, voterId: string, live?: LiveNotes): Map<string, number> {
	return new Map(listVotes(doc, live, voterId).map((v) => [v.noteId, v.count]));
}

/**
 * Tally per note id counting at most `budget` dots per voter, taken in vote-key order (so by
 * note id within one voter). The order is arbitrary but a pure function of the merged document,
 * so every client shows the same totals. Notes without effective votes are absent.
 */
export function effectiveVotes(doc: Y.Doc, budget: number, live?: LiveNotes): Map<string, number> {
	VoteBudget.parse(budget);
	const spent = new Map<string, number>();
	const tally = new Map<string, number>();
	for (const vote of listVotes(doc, live)) {
		const used = spent.get(vote.voterId) ?? 0;
		const counted = Math.min(vote.count, budget - used);
		if (counted <= 0) continue;
		spent.set(vote.voterId, used + counted);
		tally.set(vote.noteId, (tally.get(vote.noteId) ?? 0) + counted);
	}
	return tally;
}

/** Removes every vote (a facilitator starting a new round), in one transaction. */
export function clearVotes(doc: Y.Doc): number {
	const votes = votesMap(doc);
	const keys = [...votes.keys()];
	doc.transact(() => keys.forEach((key) => votes.delete(key)));
	return keys.length;
}

function sumCounts(votes: Vote[]): number {
	return votes.reduce((total, vote) => total + vote.count, 0);
}

/**
 * Writes a closed hidden round's ballots as votes, in one transaction (server only): each
 * `${voterId}:${noteId}` gets the dots handed in, replacing what that voter had on that note.
 */
/** Removes every vote of one voter (a participant a facilitator removed, while votes are still being cast). */
export function removeVotesOf(doc: Y.Doc, voterId: string, origin: unknown = null): void {
	const votes = votesMap(doc);
	const prefix = `${voterId}:`;
	const theirs = [...votes.keys()].filter((key) => key.startsWith(prefix));
	if (theirs.length > 0) doc.transact(() => theirs.forEach((key) => votes.delete(key)), origin);
}

export function writeBallotVotes(doc: Y.Doc, ballots: ReadonlyArray<{ voterId: string; noteId: string; dots: number }>, origin: unknown = null): void {
	const votes = votesMap(doc);
	doc.transact(() => {
		for (const { voterId, noteId, dots } of ballots) {
			const key = voteKey(RecordId.parse(voterId), RecordId.parse(noteId));
			if (dots > 0) votes.set(key, Math.min(dots, MAX_VOTES_PER_ENTRY));
			else votes.delete(key);
		}
	}, origin);
}
