import { describe, expect, it } from 'vitest';
import type { Note, ThreatNote } from '#shared/board/schema';
import { contrastRatio } from '../ui/color.ts';
import { EMPTY_FILTER, isFilterActive, noteMatches } from './filters.ts';
import { canDropInto, columnOf, lanesForKind } from './lanes.ts';
import { linkCandidates } from './link-candidates.ts';
import { keyboardMove, neighboursAt, orderKeyBetweenNotes } from './moves.ts';
import { RISK_BANDS, RISK_BAND_COLORS, riskBand, riskScore } from './risk.ts';
import { sortNotes, sortRisk } from './sorting.ts';
import { cardCommand, globalCommand } from './keyboard.ts';

const base = { author: 'Ada', authorColor: '#2563eb', color: '#fecaca', createdAt: 1 };
function threat(id: string, order: string, extra: Partial<ThreatNote> = {}): ThreatNote {
	return { ...base, id, order, kind: 'threat', question: 2, text: id, stride: [], likelihood: null, impact: null, status: 'open', ...extra };
}
function mitigation(id: string, order: string, text = id): Note {
	return { ...base, id, order, kind: 'mitigation', question: 3, text, owner: 'Sam', status: 'proposed' };
}
const noLinks = { linkedThreats: () => [], votes: () => 0 };

describe('risk', () => {
	it('is L x I in four bands, null until both are rated', () => {
		expect(riskScore(null, 3)).toBeNull();
		expect(riskScore(4, 5)).toBe(20);
		expect([1, 4, 5, 9, 10, 16, 20, 25].map(riskBand)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
	});
	it('band colours meet WCAG AA (4.5:1)', () => {
		for (const band of RISK_BANDS) {
			const { text, background } = RISK_BAND_COLORS[band];
			expect(contrastRatio(text, background)).toBeGreaterThanOrEqual(4.5);
		}
	});
});

describe('filters', () => {
	const spoof = threat('t1', 'a', { stride: ['S'], text: 'Session fixation', status: 'mitigated' });
	const other = threat('t2', 'b', { stride: ['T'], text: 'Log tampering' });
	const fix = mitigation('m1', 'a', 'Rotate session ids');
	const linked = { linkedThreats: (id: string) => (id === 'm1' ? [spoof] : []) };

	it('is inactive when empty', () => {
		expect(isFilterActive(EMPTY_FILTER)).toBe(false);
		expect(isFilterActive({ ...EMPTY_FILTER, text: '  ' })).toBe(false);
	});
	it('matches text in any case, in text, author and owner', () => {
		expect(noteMatches(spoof, { ...EMPTY_FILTER, text: 'SESSION' }, linked)).toBe(true);
		expect(noteMatches(other, { ...EMPTY_FILTER, text: 'session' }, linked)).toBe(false);
		expect(noteMatches(fix, { ...EMPTY_FILTER, text: 'sam' }, linked)).toBe(true);
	});
	it('STRIDE keeps matching threats and the mitigations linked to them', () => {
		const filter = { ...EMPTY_FILTER, stride: 'S' as const };
		expect([spoof, other, fix].filter((n) => noteMatches(n, filter, linked)).map((n) => n.id)).toEqual(['t1', 'm1']);
	});
	it('status and author', () => {
		expect(noteMatches(spoof, { ...EMPTY_FILTER, status: 'mitigated' }, linked)).toBe(true);
		expect(noteMatches(fix, { ...EMPTY_FILTER, status: 'mitigated' }, linked)).toBe(false);
		expect(noteMatches(fix, { ...EMPTY_FILTER, author: 'Bob' }, linked)).toBe(false);
	});
});

describe('sorting', () => {
	const a = threat('a', '1', { likelihood: 2, impact: 2 });
	const b = threat('b', '2', { likelihood: 5, impact: 5 });
	const c = threat('c', '3');
	it('keeps manual order, or sorts by votes / risk with ties in manual order', () => {
		expect(sortNotes([a, b, c], 'manual', noLinks).map((n) => n.id)).toEqual(['a', 'b', 'c']);
		const votes = { ...noLinks, votes: (id: string) => ({ a: 1, c: 1 })[id] ?? 0 };
		expect(sortNotes([a, b, c], 'votes', votes).map((n) => n.id)).toEqual(['a', 'c', 'b']);
		expect(sortNotes([a, b, c], 'risk', noLinks).map((n) => n.id)).toEqual(['b', 'a', 'c']);
	});
	it('ranks a mitigation by the worst threat it addresses', () => {
		expect(sortRisk(mitigation('m', '1'), { ...noLinks, linkedThreats: () => [a, b] })).toBe(25);
	});
});

describe('lanes and moves', () => {
	it('keeps threats, mitigations and retro notes in their lanes; others move freely', () => {
		expect(lanesForKind('threat')).toEqual([2]);
		expect(lanesForKind('assumption')).toEqual([1, 2, 3, 4]);
		expect(canDropInto('mitigation', 1)).toBe(false);
		expect(canDropInto('component', 3)).toBe(true);
		expect(canDropInto('question', 'parking')).toBe(true);
		expect(canDropInto('component', 'parking')).toBe(false);
		expect(columnOf({ kind: 'question', question: 3 })).toBe('parking');
	});

	it('plans Alt+arrow moves', () => {
		const subject = { id: 'x', kind: 'component' as const, question: 1 as const };
		expect(keyboardMove(subject, 'up', 0, 3, () => 0)).toBeNull();
		expect(keyboardMove(subject, 'down', 0, 3, () => 0)).toEqual({ question: 1, index: 1 });
		expect(keyboardMove(subject, 'right', 2, 3, () => 1)).toEqual({ question: 2, index: 1 });
		expect(keyboardMove(subject, 'left', 0, 3, () => 0)).toBeNull();
		expect(keyboardMove({ ...subject, kind: 'threat', question: 2 }, 'right', 0, 1, () => 0)).toBeNull();
		expect(keyboardMove({ ...subject, kind: 'question', question: 2 }, 'right', 4, 5, () => 0)).toEqual({ question: 3, index: 4 });
	});

	it('finds neighbours without the moving note and makes a key between them', () => {
		const column = [
			{ id: 'a', order: 'a' },
			{ id: 'b', order: 'b' },
			{ id: 'c', order: 'c' }
		];
		// Moving c up one place: between a and b.
		const [before, after] = neighboursAt(column, 1, 'c');
		expect([before?.id, after?.id]).toEqual(['a', 'b']);
		const key = orderKeyBetweenNotes(before, after);
		expect(key > 'a' && key < 'b').toBe(true);
		// Duplicate keys from a peer: goes after `before` instead of throwing.
		expect(orderKeyBetweenNotes({ id: 'p', order: 'b' }, { id: 'q', order: 'b' }) > 'b').toBe(true);
	});
});

describe('keyboard', () => {
	const key = (k: string, mods: Partial<Record<'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey', boolean>> = {}) => ({
		key: k,
		altKey: false,
		shiftKey: false,
		ctrlKey: false,
		metaKey: false,
		...mods
	});
	it('maps global keys, keeping letters off while typing', () => {
		expect(globalCommand(key('z', { ctrlKey: true }), true)).toBe('undo');
		expect(globalCommand(key('Z', { metaKey: true, shiftKey: true }), true)).toBe('redo');
		expect(globalCommand(key('y', { ctrlKey: true }), false)).toBe('redo');
		expect(globalCommand(key('n'), false)).toBe('new-note');
		expect(globalCommand(key('n'), true)).toBeNull();
		expect(globalCommand(key('/'), false)).toBe('search');
	});
	it('maps card keys', () => {
		expect(cardCommand(key('ArrowUp', { altKey: true }))).toEqual({ type: 'move', direction: 'up' });
		expect(cardCommand(key('ArrowLeft'))).toEqual({ type: 'focus', direction: 'left' });
		expect(cardCommand(key('Delete'))).toEqual({ type: 'delete' });
		expect(cardCommand(key('V', { shiftKey: true }))).toEqual({ type: 'unvote' });
		expect(cardCommand(key('z', { ctrlKey: true }))).toBeNull();
	});
});

describe('link candidates', () => {
	it('lists the other kind, linked first, filtered by text', () => {
		const t = threat('t', 'a');
		const notes = [mitigation('m1', 'a', 'Zeta'), mitigation('m2', 'b', 'Alpha'), threat('t2', 'b')];
		expect(linkCandidates(t, 'mitigates', notes, '', new Set(['m1'])).map((n) => n.id)).toEqual(['m1', 'm2']);
		expect(linkCandidates(t, 'mitigates', notes, 'alp', new Set()).map((n) => n.id)).toEqual(['m2']);
	});
});
