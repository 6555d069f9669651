import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffText, mapIndex, mapSelection, rebaseChange, type DeltaOp } from './caret.ts';

/** The delta Yjs reports for a change made by `edit` on a text holding `initial`. */
function deltaOf(initial: string, edit: (text: Y.Text) => void): DeltaOp[] {
	const doc = new Y.Doc();
	const text = doc.get('t', Y.Text);
	text.insert(0, initial);
	let delta: DeltaOp[] = [];
	text.observe((event) => (delta = event.delta as DeltaOp[]));
	doc.transact(() => edit(text));
	return delta;
}

describe('mapIndex', () => {
	it('moves a caret after an insertion before it, and not for one after it', () => {
		const delta = deltaOf('Hello world', (t) => t.insert(0, 'Oh, '));
		expect(mapIndex(5, delta)).toBe(9);
		const later = deltaOf('Hello world', (t) => t.insert(11, '!'));
		expect(mapIndex(5, later)).toBe(5);
	});

	it('keeps a caret before text inserted exactly at it (each person types after their own words)', () => {
		const delta = deltaOf('Hello', (t) => t.insert(5, ' there'));
		expect(mapIndex(5, delta)).toBe(5);
	});

	it('moves a caret back over a deletion before it and clamps one inside it', () => {
		const delta = deltaOf('abcdefgh', (t) => t.delete(1, 3)); // removes bcd
		expect(mapIndex(6, delta)).toBe(3);
		expect(mapIndex(2, delta)).toBe(1);
		expect(mapIndex(1, delta)).toBe(1);
		expect(mapIndex(0, delta)).toBe(0);
	});

	it('handles a replacement (delete + insert) in one delta', () => {
		const delta = deltaOf('one two three', (t) => {
			t.delete(4, 3);
			t.insert(4, 'TWO!!');
		});
		expect(mapIndex(13, delta)).toBe(15);
	});
});

describe('mapSelection', () => {
	it('maps both ends through successive deltas', () => {
		const first = deltaOf('abcdef', (t) => t.insert(0, 'XX'));
		const second = deltaOf('XXabcdef', (t) => t.delete(0, 1));
		expect(mapSelection({ start: 2, end: 4 }, [first, second])).toEqual({ start: 3, end: 5 });
	});
});

describe('diffText and rebaseChange', () => {
	it('finds the one changed middle', () => {
		expect(diffText('Hello world', 'Hello brave world')).toEqual({ index: 6, remove: 0, insert: 'brave ' });
		expect(diffText('abc', 'abc')).toEqual({ index: 3, remove: 0, insert: '' });
		expect(diffText('abcdef', 'abXef')).toEqual({ index: 2, remove: 2, insert: 'X' });
	});

	it('replays a composed word onto text that changed meanwhile', () => {
		const change = diffText('Hello', 'Hello 世界');
		const remote = deltaOf('Hello', (t) => t.insert(0, 'Oh, '));
		expect(rebaseChange(change, [remote], 'Oh, Hello')).toBe('Oh, Hello 世界');
	});
});
