/**
 * A removal is kept apart from the person's record, so that a rename or a role written at the same
 * moment on another instance cannot undo it when the two instances' writes meet; and what the
 * removed person handed in counts in no tally, whichever order it and the removal arrive in.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, initBoardDoc, votesMap } from '../../../src/lib/shared/board/doc.ts';
import { readEstimation, readPerson, readPoll, takesPart, writePerson, writeRemoval, writeRounds } from '../../../src/lib/shared/control/rounds.ts';
import { setAnswer, setBallot, setPick } from '../../../src/lib/shared/sealed/doc.ts';
import type { Room } from '../../../server/rooms/room.ts';
import { castBallot, closeBallotRound, roundTotals, withdrawBallots } from '../../../server/rounds/ballots.ts';
import { pick, revealPicks } from '../../../server/rounds/estimation.ts';
import { answerPoll, revealPoll } from '../../../server/rounds/poll.ts';

const ADA = 'ada-participant';
const BO = 'bo-participant';

it('keeps a removal made on one instance though another renamed the person at the same moment', () => {
	for (let run = 0; run < 20; run++) {
		const [a, b] = [new Y.Doc(), new Y.Doc()];
		writePerson(a, BO, { name: 'Bo', role: null, joinedAt: 1 });
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		writeRemoval(a, BO, 5); // instance A: the facilitator removes Bo
		writePerson(b, BO, { name: 'Bob', role: 'security', joinedAt: 1 }); // instance B: Bo renames, unaware
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		for (const doc of [a, b]) {
			const person = readPerson(doc, BO)!;
			expect(takesPart(person)).toBe(false);
			expect(person).toMatchObject({ name: 'Bob', removedAt: 5 });
		}
	}
});

it('records the first removal only, and reads a person without one as taking part', () => {
	const doc = new Y.Doc();
	writePerson(doc, BO, { name: 'Bo', role: null, joinedAt: 1 });
	expect(takesPart(readPerson(doc, BO)!)).toBe(true);
	writeRemoval(doc, BO, 5);
	writeRemoval(doc, BO, 9);
	writePerson(doc, BO, { name: 'Bo', role: null, joinedAt: 1 }); // a later write of the record keeps the removal
	expect(readPerson(doc, BO)?.removedAt).toBe(5);
});

describe('what a removed person handed in, reaching an instance after their removal', () => {
	/** The documents of a room, as the rounds read them, with Ada taking part and Bo removed. */
	function room() {
		const docs = { board: new Y.Doc(), control: new Y.Doc(), sealed: new Y.Doc() };
		initBoardDoc(docs.board, { title: 'Removal', createdAt: 1 });
		for (const [id, name] of [[ADA, 'Ada'], [BO, 'Bo']]) writePerson(docs.control, id, { name, role: null, joinedAt: 1 });
		writeRemoval(docs.control, BO, 5);
		const threat = createNote(docs.board, { kind: 'threat', question: 2, text: 'Replay', author: 'Ada', authorColor: '#2563eb' });
		return { room: { docs: { board: { doc: docs.board }, control: { doc: docs.control }, sealed: { doc: docs.sealed } } } as unknown as Room, docs, threat };
	}

	it('is no vote when the hidden round closes', () => {
		const { room: r, docs, threat } = room();
		for (const participantId of [ADA, BO]) setBallot(docs.sealed, { round: 0, participantId, noteId: threat, dots: 2 });
		expect(roundTotals(r)).toEqual({ [threat]: 2 }); // the facilitator's live totals too
		closeBallotRound(r);
		expect([...votesMap(docs.board).keys()]).toEqual([`${ADA}:${threat}`]);
		// A ballot whose request passed the sign-in check before the removal arrived is refused.
		expect(castBallot(r, BO, threat, 1)).toMatchObject({ ok: false, status: 403 });
	});

	it('leaves the board while votes go there (free voting), the others staying', () => {
		const { room: r, docs, threat } = room();
		for (const voter of [ADA, BO]) votesMap(docs.board).set(`${voter}:${threat}`, 1);
		withdrawBallots(r, BO);
		expect([...votesMap(docs.board).keys()]).toEqual([`${ADA}:${threat}`]);
	});

	it('is no revealed pick and no revealed poll answer', () => {
		const { room: r, docs, threat } = room();
		writeRounds(docs.control, {
			estimation: { id: 'estimation-1', noteId: threat, queue: [], status: 'picking', picked: [ADA, BO], revealed: null, wideSpread: null },
			poll: { id: 'poll-1', status: 'open', answered: 2, revealed: null }
		});
		for (const participantId of [ADA, BO]) {
			setPick(docs.sealed, 'estimation-1', participantId, { likelihood: 3, impact: 3, at: 1 });
			setAnswer(docs.sealed, 'poll-1', participantId, { confidence: 4, better: '', at: 1 });
		}
		// Handed in after the removal reached this instance: refused.
		expect(pick(r, BO, 2, 2, 2)).toMatchObject({ ok: false, status: 403 });
		expect(answerPoll(r, BO, 1, 'late', 2)).toMatchObject({ ok: false, status: 403 });
		expect(revealPicks(r)).toEqual({ ok: true });
		expect(revealPoll(r)).toEqual({ ok: true });
		expect(readEstimation(docs.control)?.revealed?.map((p) => p.participantId)).toEqual([ADA]);
		expect(readPoll(docs.control)?.revealed?.map((p) => p.participantId)).toEqual([ADA]);
	});
});
