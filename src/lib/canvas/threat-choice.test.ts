import { describe, expect, it } from 'vitest';
import type { Link, ThreatNote } from '#shared/board/schema';
import { threatChoices } from './threat-choice.ts';

const threat = (id: string, text: string, author = 'Ada') => ({ id, kind: 'threat', text, author }) as ThreatNote;
const link = (noteId: string, elementId: string) => ({ id: `${noteId}|${elementId}`, kind: 'canvas', noteId, elementId, createdAt: 1 }) as Link;

describe('threatChoices', () => {
	const threats = [threat('a', 'SQL injection'), threat('b', 'Token replay', 'Bob'), threat('c', 'Log tampering')];

	it('lists linked threats first and tells full from partial links', () => {
		const links = [link('c', 'shape:x'), link('c', 'shape:y'), link('b', 'shape:x')];
		const choices = threatChoices(threats, links, ['shape:x', 'shape:y'], '');
		expect(choices.map((c) => [c.note.id, c.linked, c.partly])).toEqual([
			['b', false, true],
			['c', true, false],
			['a', false, false]
		]);
	});

	it('searches text and author, ignoring case', () => {
		expect(threatChoices(threats, [], ['shape:x'], 'TOKEN').map((c) => c.note.id)).toEqual(['b']);
		expect(threatChoices(threats, [], ['shape:x'], 'bob').map((c) => c.note.id)).toEqual(['b']);
		expect(threatChoices(threats, [], ['shape:x'], 'nothing')).toEqual([]);
	});

	it('counts no link as full for an empty selection', () => {
		expect(threatChoices(threats, [], [], '').every((c) => !c.linked && !c.partly)).toBe(true);
	});
});
