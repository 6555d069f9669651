import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, initBoardDoc, readNote, setStrideLetter, updateNoteFields } from '../../../src/lib/shared/board/doc.ts';
import { addLink, linksOf, listLinks } from '../../../src/lib/shared/board/links.ts';
import { captureNote, restoreNote } from '../../../src/lib/shared/board/restore.ts';
import { castVote, effectiveVotes, votesOf } from '../../../src/lib/shared/board/votes.ts';
import { setNoteText } from '../../../src/lib/shared/board/note-text.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function board() {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	const threat = createNote(doc, { kind: 'threat', question: 2, text: 'Token replay', ...AUTHOR });
	const mitigation = createNote(doc, { kind: 'mitigation', question: 3, text: 'Nonces', owner: 'Sam', ...AUTHOR });
	const other = createNote(doc, { kind: 'mitigation', question: 3, text: 'Short TTL', ...AUTHOR });
	setStrideLetter(doc, threat, 'S', true);
	updateNoteFields(doc, threat, { likelihood: 4, impact: 5, status: 'accepted', color: '#bfdbfe' });
	addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
	addLink(doc, { kind: 'mitigates', a: threat, b: other });
	castVote(doc, 'ann', threat, 5);
	castVote(doc, 'ann', threat, 5);
	castVote(doc, 'bob', threat, 5);
	return { doc, threat, mitigation, other };
}

describe('captureNote and restoreNote', () => {
	it('bring a deleted note back with its id, fields, text, links and votes', () => {
		const { doc, threat } = board();
		const before = readNote(doc, threat);
		const links = linksOf(doc, threat);
		const deleted = captureNote(doc, threat);
		deleteNote(doc, threat);
		// Other things happen after the delete.
		createNote(doc, { kind: 'retro', question: 4, text: 'later', ...AUTHOR });
		expect(readNote(doc, threat)).toBeUndefined();

		expect(deleted && restoreNote(doc, deleted)).toBe(true);
		expect(readNote(doc, threat)).toEqual(before);
		expect(linksOf(doc, threat)).toEqual(links);
		expect(votesOf(doc, 'ann')).toEqual(new Map([[threat, 2]]));
		expect(effectiveVotes(doc, 5).get(threat)).toBe(3);
		// The text is a live Y.Text again: typing into it works.
		expect(setNoteText(doc, threat, 'Token replay across tenants')).toBe(true);
	});

	it('leaves out links to notes deleted meanwhile, and refuses a note that is back already', () => {
		const { doc, threat, other } = board();
		const deleted = captureNote(doc, threat);
		if (!deleted) throw new Error('not captured');
		deleteNote(doc, threat);
		deleteNote(doc, other);
		expect(restoreNote(doc, deleted)).toBe(true);
		expect(listLinks(doc)).toHaveLength(1);
		expect(restoreNote(doc, deleted)).toBe(false);
	});

	it('converges when two people restore the same note at once', () => {
		const { doc, threat } = board();
		const deleted = captureNote(doc, threat);
		if (!deleted) throw new Error('not captured');
		deleteNote(doc, threat);
		const peer = new Y.Doc();
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
		restoreNote(doc, deleted);
		restoreNote(peer, deleted);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
		expect(readNote(doc, threat)).toEqual(readNote(peer, threat));
		expect(readNote(doc, threat)?.text).toBe('Token replay');
	});

	it('captures nothing for a missing note', () => {
		const { doc } = board();
		expect(captureNote(doc, 'missing-note-id-0001')).toBeUndefined();
	});
});
