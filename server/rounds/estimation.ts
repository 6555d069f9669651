/**
 * Risk estimation rounds: the facilitator puts a threat (or a queue of them) up; each participant
 * picks likelihood and impact in private (the picks wait in the `sealed` document; the control
 * document says only who has picked); the facilitator reveals them all at once, with the spread
 * (max - min >= WIDE_SPREAD on either axis is flagged for discussion), and records the agreed
 * values, which the threat keeps with the picks behind them.
 */
import { readNote, updateNoteEstimate } from '#shared/board/doc';
import { WIDE_SPREAD } from '#shared/board/schema';
import { readEstimation, readPeople, spreadOf, writeRounds, type Estimation } from '#shared/control/rounds';
import { createRecordId } from '#shared/ids';
import { forgetPick, listPicks, setPick } from '#shared/sealed/doc';
import type { Room } from '../rooms/room.ts';
import { REMOVED_MESSAGE, ROUNDS_ORIGIN, wasRemoved } from './identity.ts';

export type EstimationOutcome = { ok: true } | { ok: false; status: 403 | 404 | 409; message: string };

const refuse = (status: 403 | 404 | 409, message: string): EstimationOutcome => ({ ok: false, status, message });

/** Starts estimating the first threat of `noteIds`; the others wait in the queue. */
export function startEstimation(room: Room, noteIds: readonly string[]): EstimationOutcome {
	const threats = [...new Set(noteIds)].filter((id) => readNote(room.docs.board.doc, id)?.kind === 'threat');
	if (threats.length === 0) return refuse(404, 'None of those notes is a threat on the board.');
	writeRounds(room.docs.control.doc, { estimation: freshEstimation(threats[0], threats.slice(1)) }, ROUNDS_ORIGIN);
	return { ok: true };
}

function freshEstimation(noteId: string, queue: string[]): Estimation {
	return { id: createRecordId(), noteId, queue, status: 'picking', picked: [], revealed: null, wideSpread: null };
}

/** A participant's private pick for the threat being estimated. */
export function pick(room: Room, participantId: string, likelihood: number, impact: number, now: number): EstimationOutcome {
	const control = room.docs.control.doc;
	const estimation = readEstimation(control);
	if (wasRemoved(room, participantId)) return refuse(403, REMOVED_MESSAGE);
	if (!estimation || estimation.status !== 'picking') return refuse(409, 'No estimation round is taking picks now.');
	const sealed = room.docs.sealed.doc;
	sealed.transact(() => setPick(sealed, estimation.id, participantId, { likelihood, impact, at: now }), ROUNDS_ORIGIN);
	writePicked(room, estimation, [...new Set([...estimation.picked, participantId])]);
	return { ok: true };
}

/** Who has picked in the round, written when someone came or went. */
function writePicked(room: Room, estimation: Estimation, picked: string[]): void {
	if (picked.length !== estimation.picked.length) writeRounds(room.docs.control.doc, { estimation: { ...estimation, picked } }, ROUNDS_ORIGIN);
}

/** A removed participant's pick leaves a round still taking picks. */
export function withdrawPick(room: Room, participantId: string): void {
	const estimation = readEstimation(room.docs.control.doc);
	if (!estimation || estimation.status !== 'picking') return;
	const sealed = room.docs.sealed.doc;
	sealed.transact(() => forgetPick(sealed, estimation.id, participantId), ROUNDS_ORIGIN);
	writePicked(room, estimation, estimation.picked.filter((id) => id !== participantId));
}

/** The caller's own pick, so their screen can show it while the others stay hidden. */
export function myPick(room: Room, participantId: string): { likelihood: number; impact: number } | null {
	const estimation = readEstimation(room.docs.control.doc);
	const mine = estimation && listPicks(room.docs.sealed.doc, estimation.id).get(participantId);
	return mine ? { likelihood: mine.likelihood, impact: mine.impact } : null;
}

export function revealPicks(room: Room): EstimationOutcome {
	const control = room.docs.control.doc;
	const estimation = readEstimation(control);
	if (!estimation || estimation.status !== 'picking') return refuse(409, 'There are no picks to reveal.');
	const people = readPeople(control);
	// Not a removed person's, whichever order the removal and their pick reached this instance in.
	const revealed = [...listPicks(room.docs.sealed.doc, estimation.id)]
		.filter(([participantId]) => !wasRemoved(room, participantId))
		.map(([participantId, p]) => ({ participantId, name: people.get(participantId)?.name ?? 'Someone', likelihood: p.likelihood, impact: p.impact }))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.participantId < b.participantId ? -1 : 1));
	if (revealed.length === 0) return refuse(409, 'Nobody has picked yet.');
	const wideSpread = spreadOf(revealed, WIDE_SPREAD).wide;
	writeRounds(control, { estimation: { ...estimation, status: 'revealed', revealed, wideSpread } }, ROUNDS_ORIGIN);
	return { ok: true };
}

/** Records the agreed values on the threat, with the revealed picks, and moves on. */
export function recordEstimate(room: Room, likelihood: number, impact: number, now: number): EstimationOutcome {
	const control = room.docs.control.doc;
	const estimation = readEstimation(control);
	if (!estimation || estimation.status !== 'revealed' || !estimation.revealed) return refuse(409, 'Reveal the picks before recording the agreed values.');
	const recorded = updateNoteEstimate(
		room.docs.board.doc,
		estimation.noteId,
		{ likelihood, impact, picks: estimation.revealed, wideSpread: estimation.wideSpread ?? false, agreedAt: now },
		ROUNDS_ORIGIN
	);
	if (!recorded) return refuse(404, 'That threat is no longer on the board.');
	return next(room, estimation);
}

export function skipEstimate(room: Room): EstimationOutcome {
	const estimation = readEstimation(room.docs.control.doc);
	if (!estimation) return refuse(409, 'No estimation round is running.');
	return next(room, estimation);
}

export function endEstimation(room: Room): EstimationOutcome {
	if (!readEstimation(room.docs.control.doc)) return refuse(409, 'No estimation round is running.');
	writeRounds(room.docs.control.doc, { estimation: null }, ROUNDS_ORIGIN);
	return { ok: true };
}

function next(room: Room, estimation: Estimation): EstimationOutcome {
	const queue = estimation.queue.filter((id) => readNote(room.docs.board.doc, id)?.kind === 'threat');
	writeRounds(room.docs.control.doc, { estimation: queue.length > 0 ? freshEstimation(queue[0], queue.slice(1)) : null }, ROUNDS_ORIGIN);
	return { ok: true };
}
