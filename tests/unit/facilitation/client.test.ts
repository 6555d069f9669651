import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initBoardDoc, listNotes } from '../../../src/lib/shared/board/doc.ts';
import { newDraft, parseDrafts, publishDrafts } from '../../../src/lib/facilitation/drafts.ts';
import { facilitatorShortcut } from '../../../src/lib/facilitation/shortcuts.ts';
import { formatTimebox, parseTimebox } from '../../../src/lib/facilitation/timebox-input.ts';
import { mainTimerAction } from '../../../src/lib/facilitation/timer-actions.ts';
import { votingPolicyFrom } from '../../../src/lib/facilitation/board-policy.ts';

const AUTHOR = { name: 'Bob', color: '#2563eb' };

describe('silent-round drafts', () => {
	it('publishes only drafts of revealed rounds, as threats of question 2, and keeps the rest', () => {
		const doc = new Y.Doc();
		initBoardDoc(doc, { title: 'T', createdAt: 1 });
		const drafts = [
			{ ...newDraft(1, 10), text: 'Replay' },
			{ ...newDraft(1, 5), text: 'Spoofed callback' },
			{ ...newDraft(1, 7), text: '   ' },
			{ ...newDraft(2, 20), text: 'Still private' }
		];
		const kept = publishDrafts(doc, drafts, 1, AUTHOR);
		expect(kept.map((d) => d.text)).toEqual(['Still private']);
		const notes = listNotes(doc);
		expect(notes.map((n) => [n.kind, n.question, n.text, n.author])).toEqual([
			['threat', 2, 'Spoofed callback', 'Bob'],
			['threat', 2, 'Replay', 'Bob']
		]);
		expect(publishDrafts(doc, kept, 1, AUTHOR)).toEqual(kept);
		expect(listNotes(doc)).toHaveLength(2);
	});

	it('reads back only well-formed drafts from storage', () => {
		const good = newDraft(3, 1);
		expect(parseDrafts(JSON.stringify([good, { id: 'x', text: 5 }, null]))).toEqual([good]);
		expect(parseDrafts('not json')).toEqual([]);
		expect(parseDrafts(null)).toEqual([]);
		expect(parseDrafts('{"a":1}')).toEqual([]);
	});
});

describe('facilitator inputs', () => {
	it('parses timeboxes in minutes or m:ss', () => {
		expect(parseTimebox('10')).toEqual({ ok: true, ms: 600_000 });
		expect(parseTimebox(' 2.5 ')).toEqual({ ok: true, ms: 150_000 });
		expect(parseTimebox('0:05')).toEqual({ ok: true, ms: 5_000 });
		expect(parseTimebox('0:00')).toMatchObject({ ok: false, message: /at least one second/ });
		expect(parseTimebox('600')).toMatchObject({ ok: false, message: /at most 8 hours/ });
		expect(parseTimebox('1:75')).toMatchObject({ ok: false });
		expect(parseTimebox('ten')).toMatchObject({ ok: false });
		expect(formatTimebox(5_000)).toBe('0:05');
		expect(formatTimebox(600_000)).toBe('10:00');
	});

	it('maps Alt+Shift shortcuts by key code and ignores other modifiers', () => {
		const key = (code: string, extra: Partial<KeyboardEvent> = {}) => ({ altKey: true, shiftKey: true, ctrlKey: false, metaKey: false, code, ...extra });
		expect(facilitatorShortcut(key('KeyP'))).toBe('toggle-timer');
		expect(facilitatorShortcut(key('ArrowRight'))).toBe('next');
		expect(facilitatorShortcut(key('Digit5'))).toBe('extend-5');
		expect(facilitatorShortcut(key('KeyP', { ctrlKey: true }))).toBeUndefined();
		expect(facilitatorShortcut(key('KeyP', { shiftKey: false }))).toBeUndefined();
		expect(facilitatorShortcut(key('KeyZ'))).toBeUndefined();
	});

	it('picks the main clock action for each state', () => {
		const idle = { state: 'idle', endsAt: null, pausedRemainingMs: null } as const;
		expect(mainTimerAction({ status: 'not-started', timer: idle }, 'Ada')).toEqual({ label: 'Start', command: { type: 'start', name: 'Ada' } });
		expect(mainTimerAction({ status: 'running', timer: { state: 'running', endsAt: 1, pausedRemainingMs: null } }, 'Ada').label).toBe('Pause');
		expect(mainTimerAction({ status: 'running', timer: { state: 'paused', endsAt: null, pausedRemainingMs: 1 } }, 'Ada').label).toBe('Resume');
		expect(mainTimerAction({ status: 'ended', timer: idle }, undefined).label).toBe('Restart');
	});

	it('derives the board’s voting rules from the control document', () => {
		expect(votingPolicyFrom({ status: 'free', budget: 5, hideTotals: true })).toEqual({ budget: 5, canVote: true, totalsHidden: false });
		expect(votingPolicyFrom({ status: 'open', budget: 3, hideTotals: true })).toEqual({ budget: 3, canVote: true, totalsHidden: true });
		expect(votingPolicyFrom({ status: 'closed', budget: 3, hideTotals: true })).toEqual({ budget: 3, canVote: false, totalsHidden: false });
	});
});
