import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canvasMap, initBoardDoc, listNotes } from '../../../src/lib/shared/board/doc.ts';
import { createLinkedThreat, listLinks } from '../../../src/lib/shared/board/links.ts';
import { MAX_DRAFT_ELEMENTS, newDraft, parseDrafts, publishDrafts } from '../../../src/lib/facilitation/drafts.ts';
import { spotlitNotes } from '../../../src/lib/board/filters.ts';

const AUTHOR = { name: 'Bob', color: '#2563eb' };

function boardWith(...elementIds: string[]): Y.Doc {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	for (const id of elementIds) canvasMap(doc).set(id, { id, typeName: 'shape', type: 'geo' });
	return doc;
}

const canvasLinks = (doc: Y.Doc) => listLinks(doc).flatMap((l) => (l.kind === 'canvas' ? [[l.noteId, l.elementId]] : []));

describe('drafts about diagram elements (gap cells, selections, the spotlight)', () => {
	it('are published with their elements and STRIDE letter intact', () => {
		const doc = boardWith('shape:api', 'shape:db');
		const draft = { ...newDraft(1, 5, { elementIds: ['shape:api', 'shape:db'], stride: 'T' }), text: 'Tampered order' };
		// Through storage, as the browser keeps them.
		const [stored] = parseDrafts(JSON.stringify([draft]));
		expect(publishDrafts(doc, [stored!], 1, AUTHOR)).toEqual([]);
		const [note] = listNotes(doc);
		expect(note).toMatchObject({ kind: 'threat', question: 2, text: 'Tampered order', stride: ['T'] });
		expect(canvasLinks(doc).sort()).toEqual([
			[note!.id, 'shape:api'],
			[note!.id, 'shape:db']
		]);
	});

	it('skip elements deleted meanwhile and ids that are not canvas ids', () => {
		const doc = boardWith('shape:api');
		const draft = { ...newDraft(1, 5, { elementIds: ['shape:api', 'shape:gone', 'bad id'] }), text: 'x' };
		expect(draft.elementIds).toEqual(['shape:api', 'shape:gone']);
		publishDrafts(doc, [draft], 1, AUTHOR);
		expect(canvasLinks(doc).map(([, e]) => e)).toEqual(['shape:api']);
	});

	it('refuse hostile stored values', () => {
		const many = Array.from({ length: MAX_DRAFT_ELEMENTS + 1 }, (_, i) => `shape:${i}`);
		const base = newDraft(1, 5);
		expect(parseDrafts(JSON.stringify([{ ...base, elementIds: many }, { ...base, stride: 'X' }]))).toEqual([]);
	});
});

describe('the spotlight filter', () => {
	it('shows the element’s notes and what is linked to its threats, nothing else', () => {
		const doc = boardWith('shape:api', 'shape:db');
		const onApi = createLinkedThreat(doc, { text: 'a', author: 'A', authorColor: '#000000' }, ['shape:api']);
		const onDb = createLinkedThreat(doc, { text: 'b', author: 'A', authorColor: '#000000' }, ['shape:db']);
		const links = [
			...listLinks(doc),
			{ id: 'm', kind: 'mitigates' as const, threatId: onApi, mitigationId: 'mit1', createdAt: 1 },
			{ id: 'n', kind: 'mitigates' as const, threatId: onDb, mitigationId: 'mit2', createdAt: 1 }
		];
		expect([...spotlitNotes(links, 'shape:api')].sort()).toEqual([onApi, 'mit1'].sort());
		expect(spotlitNotes(links, 'shape:none').size).toBe(0);
	});
});
