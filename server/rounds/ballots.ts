/**
 * Secret ballots. While a voting round runs with hidden totals, votes go to the server (never into
 * the shared board document, which every client receives): they wait in the `sealed` document,
 * one budget per participant across all their browsers, and the control document says only how
 * many have voted. When the round closes, the server writes them into the board as votes.
 */
import { readNote } from '#shared/board/doc';
import { removeVotesOf, writeBallotVotes } from '#shared/board/votes';
import { readVoting, votesOnBoard } from '#shared/control/doc';
import { readBallotRound, readPeople, takesPart, writeRounds, type BallotRound } from '#shared/control/rounds';
import { listBallots, readParticipantSecret, setBallot } from '#shared/sealed/doc';
import type { Room } from '../rooms/room.ts';
import { REMOVED_MESSAGE, ROUNDS_ORIGIN, wasRemoved } from './identity.ts';

export type BallotOutcome =
	| { ok: true; mine: Record<string, number>; used: number; budget: number }
	| { ok: false; status: 403 | 404 | 409; message: string };

/** True while a voting round runs with hidden totals: the rounds whose votes the server keeps. */
export function hiddenRoundOpen(room: Room): boolean {
	const voting = readVoting(room.docs.control.doc);
	return voting.status === 'open' && voting.hideTotals;
}

/** A participant's ballots in the current round, and what they have used of their budget. */
export function myBallots(room: Room, participantId: string): Extract<BallotOutcome, { ok: true }> {
	const { round } = readBallotRound(room.docs.control.doc);
	const mine: Record<string, number> = {};
	let used = 0;
	for (const ballot of listBallots(room.docs.sealed.doc, round)) {
		if (ballot.participantId !== participantId) continue;
		mine[ballot.noteId] = ballot.dots;
		used += ballot.dots;
	}
	return { ok: true, mine, used, budget: readVoting(room.docs.control.doc).budget };
}

/** Sets a participant's dots on a note in the hidden round, within their budget. */
export function castBallot(room: Room, participantId: string, noteId: string, dots: number): BallotOutcome {
	const control = room.docs.control.doc;
	// Checked again here: the route read the sealed document in between, and a removal may have come meanwhile.
	if (wasRemoved(room, participantId)) return { ok: false, status: 403, message: REMOVED_MESSAGE };
	if (!hiddenRoundOpen(room)) return { ok: false, status: 409, message: 'No voting round with hidden totals is open: votes go on the board.' };
	const ballot = readBallotRound(control);
	if (ballot.excluded.includes(participantId)) return { ok: false, status: 403, message: 'The facilitator left you out of this voting round.' };
	if (!readNote(room.docs.board.doc, noteId)) return { ok: false, status: 404, message: 'There is no such note to vote on.' };
	const current = myBallots(room, participantId);
	const used = current.used - (current.mine[noteId] ?? 0) + dots;
	if (used > current.budget) return { ok: false, status: 409, message: `That is more than your ${current.budget} dots in this round.` };
	room.docs.sealed.doc.transact(() => setBallot(room.docs.sealed.doc, { round: ballot.round, participantId, noteId, dots }), ROUNDS_ORIGIN);
	writeRounds(control, { ballot: { ...ballot, ...turnout(room, ballot) } }, ROUNDS_ORIGIN);
	return myBallots(room, participantId);
}

/** Totals of the current round (for the facilitator's live results during a hidden round). */
export function roundTotals(room: Room): Record<string, number> {
	const { round } = readBallotRound(room.docs.control.doc);
	const totals: Record<string, number> = {};
	for (const { participantId, noteId, dots } of listBallots(room.docs.sealed.doc, round)) {
		if (readNote(room.docs.board.doc, noteId) && !wasRemoved(room, participantId)) totals[noteId] = (totals[noteId] ?? 0) + dots;
	}
	return totals;
}

/** How many of those who may vote have voted. */
function turnout(room: Room, ballot: BallotRound): Pick<BallotRound, 'voted' | 'eligible'> {
	const voters = new Set(listBallots(room.docs.sealed.doc, ballot.round).map((b) => b.participantId));
	// Only people who can sign in can vote: those an import brought in (export/json.ts) have no secret.
	const canSignIn = (id: string) => readParticipantSecret(room.docs.sealed.doc, id) !== undefined;
	const eligible = [...readPeople(room.docs.control.doc)].filter(([id, person]) => takesPart(person) && !ballot.excluded.includes(id) && canSignIn(id)).map(([id]) => id);
	return { voted: eligible.filter((id) => voters.has(id)).length, eligible: eligible.length };
}

/** A hidden round opens: a new round number, nobody has voted yet. */
export function openBallotRound(room: Room, reopen: boolean): void {
	const control = room.docs.control.doc;
	const current = readBallotRound(control);
	const next = reopen ? current : { round: current.round + 1, excluded: current.excluded, voted: 0, eligible: 0 };
	writeRounds(control, { ballot: { ...next, ...turnout(room, next) } }, ROUNDS_ORIGIN);
}

/** A hidden round closes: its ballots become votes on the board, for everyone to see. */
export function closeBallotRound(room: Room): void {
	const { round } = readBallotRound(room.docs.control.doc);
	// Not a removed person's, whichever order the removal and their ballots reached this instance in.
	const ballots = listBallots(room.docs.sealed.doc, round)
		.filter((b) => !wasRemoved(room, b.participantId))
		.map((b) => ({ voterId: b.participantId, noteId: b.noteId, dots: b.dots }));
	if (ballots.length > 0) writeBallotVotes(room.docs.board.doc, ballots, ROUNDS_ORIGIN);
}

/**
 * A removed participant's votes leave a round still being voted in: their dots on the board while
 * votes go there (an open round without hidden totals, or free voting), their ballots in a hidden
 * round, and the turnout no longer counts them. A closed round's votes are its record and stay.
 */
export function withdrawBallots(room: Room, participantId: string): void {
	if (votesOnBoard(readVoting(room.docs.control.doc))) removeVotesOf(room.docs.board.doc, participantId, ROUNDS_ORIGIN);
	if (!hiddenRoundOpen(room)) return;
	const control = room.docs.control.doc;
	const sealed = room.docs.sealed.doc;
	const ballot = readBallotRound(control);
	sealed.transact(() => {
		for (const cast of listBallots(sealed, ballot.round)) if (cast.participantId === participantId) setBallot(sealed, { ...cast, dots: 0 });
	}, ROUNDS_ORIGIN);
	writeRounds(control, { ballot: { ...ballot, ...turnout(room, ballot) } }, ROUNDS_ORIGIN);
}

export function setExcluded(room: Room, participantIds: readonly string[]): void {
	const control = room.docs.control.doc;
	const current = readBallotRound(control);
	const next = { ...current, excluded: [...new Set(participantIds)] };
	writeRounds(control, { ballot: { ...next, ...turnout(room, next) } }, ROUNDS_ORIGIN);
}
