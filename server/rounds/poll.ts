/**
 * The closing poll of question 4: each participant answers how confident they are in the model
 * (1-5) and one line on what to do better. Answers wait in the `sealed` document until the
 * facilitator reveals them; then they are in the control document for everyone, and in the export.
 */
import { readPeople, readPoll, writeRounds, type Poll } from '#shared/control/rounds';
import { createRecordId } from '#shared/ids';
import { forgetAnswer, listAnswers, setAnswer } from '#shared/sealed/doc';
import type { Room } from '../rooms/room.ts';
import { REMOVED_MESSAGE, ROUNDS_ORIGIN, wasRemoved } from './identity.ts';

export type PollOutcome = { ok: true } | { ok: false; status: 403 | 409; message: string };

export function openPoll(room: Room): PollOutcome {
	writeRounds(room.docs.control.doc, { poll: { id: createRecordId(), status: 'open', answered: 0, revealed: null } }, ROUNDS_ORIGIN);
	return { ok: true };
}

export function answerPoll(room: Room, participantId: string, confidence: number, better: string, now: number): PollOutcome {
	const control = room.docs.control.doc;
	const poll = readPoll(control);
	if (wasRemoved(room, participantId)) return { ok: false, status: 403, message: REMOVED_MESSAGE };
	if (!poll || poll.status !== 'open') return { ok: false, status: 409, message: 'The closing poll is not open.' };
	const sealed = room.docs.sealed.doc;
	sealed.transact(() => setAnswer(sealed, poll.id, participantId, { confidence, better: better.trim(), at: now }), ROUNDS_ORIGIN);
	countAnswers(room, poll);
	return { ok: true };
}

/** The open poll's count of answers, written when an answer came or went. */
function countAnswers(room: Room, poll: Poll): void {
	const answered = listAnswers(room.docs.sealed.doc, poll.id).size;
	if (answered !== poll.answered) writeRounds(room.docs.control.doc, { poll: { ...poll, answered } }, ROUNDS_ORIGIN);
}

/** A removed participant's answer leaves a poll not yet revealed. */
export function withdrawAnswer(room: Room, participantId: string): void {
	const poll = readPoll(room.docs.control.doc);
	if (!poll || poll.status !== 'open') return;
	const sealed = room.docs.sealed.doc;
	sealed.transact(() => forgetAnswer(sealed, poll.id, participantId), ROUNDS_ORIGIN);
	countAnswers(room, poll);
}

export function myAnswer(room: Room, participantId: string): { confidence: number; better: string } | null {
	const poll = readPoll(room.docs.control.doc);
	const mine = poll && listAnswers(room.docs.sealed.doc, poll.id).get(participantId);
	return mine ? { confidence: mine.confidence, better: mine.better } : null;
}

export function revealPoll(room: Room): PollOutcome {
	const control = room.docs.control.doc;
	const poll = readPoll(control);
	if (!poll || poll.status !== 'open') return { ok: false, status: 409, message: 'There is no open poll to reveal.' };
	const people = readPeople(control);
	const revealed = [...listAnswers(room.docs.sealed.doc, poll.id)]
		.filter(([participantId]) => !wasRemoved(room, participantId))
		.map(([participantId, a]) => ({ participantId, name: people.get(participantId)?.name ?? 'Someone', confidence: a.confidence, better: a.better }))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.participantId < b.participantId ? -1 : 1));
	writeRounds(control, { poll: { ...poll, status: 'revealed', revealed } }, ROUNDS_ORIGIN);
	return { ok: true };
}

/** Ends the poll and forgets it (answers not revealed stay sealed). */
export function closePoll(room: Room): PollOutcome {
	if (!readPoll(room.docs.control.doc)) return { ok: false, status: 409, message: 'There is no poll.' };
	writeRounds(room.docs.control.doc, { poll: null }, ROUNDS_ORIGIN);
	return { ok: true };
}
