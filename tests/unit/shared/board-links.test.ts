import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fork, sync } from '../../helpers/ydocs.ts';
import {
	canvasMap,
	createNote,
	deleteNote,
	initBoardDoc,
	isElementOnCanvas,
	linksMap,
	notesMap,
	pruneOrphans,
	readNote,
	updateNoteFields,
	votesMap
} from '../../../src/lib/shared/board/doc.ts';
import {
	addLink,
	linksOf,
	linksOfElement,
	listLinks,
	removeLink,
	removeLinksOfElement
} from '../../../src/lib/shared/board/links.ts';
import { castVote, effectiveVotes, votesFor } from '../../../src/lib/shared/board/votes.ts';
import { linkId } from '../../../src/lib/shared/board/schema.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;

function board() {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	const threat = createNote(doc, { kind: 'threat', question: 2, ...AUTHOR });
	const threat2 = createNote(doc, { kind: 'threat', question: 2, ...AUTHOR });
	const mitigation = createNote(doc, { kind: 'mitigation', question: 3, ...AUTHOR });
	const mitigation2 = createNote(doc, { kind: 'mitigation', question: 3, ...AUTHOR });
	const asset = createNote(doc, { kind: 'asset', question: 1, ...AUTHOR });
	canvasMap(doc).set('shape:box1', { id: 'shape:box1', typeName: 'shape' });
	return { doc, threat, threat2, mitigation, mitigation2, asset };
}

describe('links', () => {
	it('gives a threat-mitigation link the same id whichever way it is drawn', () => {
		const { doc, threat, mitigation } = board();
		const forward = addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
		const backward = addLink(doc, { kind: 'mitigates', a: mitigation, b: threat });
		expect(forward).toEqual({ ok: true, id: linkId({ kind: 'mitigates', threatId: threat, mitigationId: mitigation }) });
		expect(backward).toEqual(forward);
		expect(linksMap(doc).size).toBe(1);
		expect(linksOf(doc, threat)).toEqual([
			{ id: forward.ok && forward.id, kind: 'mitigates', threatId: threat, mitigationId: mitigation, createdAt: expect.any(Number) }
		]);
		expect(linksOf(doc, mitigation)).toEqual(linksOf(doc, threat));
	});

	it('only joins a threat and a mitigation', () => {
		const { doc, threat, threat2, mitigation, mitigation2, asset } = board();
		expect(addLink(doc, { kind: 'mitigates', a: threat, b: threat2 })).toEqual({ ok: false, reason: 'wrong_note_kinds' });
		expect(addLink(doc, { kind: 'mitigates', a: mitigation, b: mitigation2 })).toEqual({ ok: false, reason: 'wrong_note_kinds' });
		expect(addLink(doc, { kind: 'mitigates', a: asset, b: mitigation })).toEqual({ ok: false, reason: 'wrong_note_kinds' });
		expect(addLink(doc, { kind: 'mitigates', a: threat, b: 'missing' })).toEqual({ ok: false, reason: 'note_not_found' });
		expect(linksMap(doc).size).toBe(0);
	});

	it('links notes to canvas elements that exist', () => {
		const { doc, asset } = board();
		expect(addLink(doc, { kind: 'canvas', noteId: asset, elementId: 'shape:nope' })).toEqual({ ok: false, reason: 'element_not_found' });
		expect(addLink(doc, { kind: 'canvas', noteId: 'missing', elementId: 'shape:box1' })).toEqual({ ok: false, reason: 'note_not_found' });
		const added = addLink(doc, { kind: 'canvas', noteId: asset, elementId: 'shape:box1' });
		expect(added.ok).toBe(true);
		expect(linksOfElement(doc, 'shape:box1').map((l) => l.id)).toEqual([added.ok && added.id]);
		expect(linksOf(doc, asset)).toHaveLength(1);
		// A deleted element leaves the note's link in place, shown as no longer attached.
		canvasMap(doc).delete('shape:box1');
		expect(linksOf(doc, asset)).toHaveLength(1);
		expect(isElementOnCanvas(doc, 'shape:box1')).toBe(false);
		expect(pruneOrphans(doc)).toEqual({ links: 0, votes: 0 });
		expect(removeLinksOfElement(doc, 'shape:box1')).toBe(1);
		expect(linksMap(doc).size).toBe(0);
	});

	it('adding an existing link again writes nothing', () => {
		const { doc, threat, mitigation } = board();
		addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
		let updates = 0;
		doc.on('update', () => updates++);
		addLink(doc, { kind: 'mitigates', a: mitigation, b: threat });
		expect(updates).toBe(0);
	});

	it('converges to one link when two people add the same link concurrently', () => {
		const { doc: alice, threat, mitigation } = board();
		const bob = fork(alice);
		addLink(alice, { kind: 'mitigates', a: threat, b: mitigation }, 1000);
		addLink(bob, { kind: 'mitigates', a: mitigation, b: threat }, 2000);
		sync(alice, bob);
		expect(listLinks(alice)).toHaveLength(1);
		expect(listLinks(bob)).toEqual(listLinks(alice));
	});

	it('keeps every different link added concurrently by three people', () => {
		const { doc: alice, threat, threat2, mitigation, mitigation2, asset } = board();
		const bob = fork(alice);
		const carol = fork(alice);
		addLink(alice, { kind: 'mitigates', a: threat, b: mitigation });
		addLink(bob, { kind: 'mitigates', a: threat, b: mitigation2 });
		addLink(bob, { kind: 'mitigates', a: threat2, b: mitigation });
		addLink(carol, { kind: 'canvas', noteId: asset, elementId: 'shape:box1' });
		sync(alice, bob, carol);
		for (const doc of [alice, bob, carol]) expect(listLinks(doc)).toHaveLength(4);
		expect(linksOf(alice, threat).map((l) => l.kind === 'mitigates' && l.mitigationId).sort()).toEqual([mitigation, mitigation2].sort());
	});

	it('unlinks, also when both people remove the same link at once', () => {
		const { doc: alice, threat, mitigation, mitigation2 } = board();
		const one = addLink(alice, { kind: 'mitigates', a: threat, b: mitigation });
		const two = addLink(alice, { kind: 'mitigates', a: threat, b: mitigation2 });
		const bob = fork(alice);
		if (!one.ok || !two.ok) throw new Error('setup');
		expect(removeLink(alice, one.id)).toBe(true);
		expect(removeLink(bob, one.id)).toBe(true);
		expect(removeLink(bob, one.id)).toBe(false);
		sync(alice, bob);
		for (const doc of [alice, bob]) expect(listLinks(doc).map((l) => l.id)).toEqual([two.id]);
	});

	it('ignores planted links: wrong kinds, key not matching content, garbage values', () => {
		const { doc, threat, threat2, asset } = board();
		const fake = { kind: 'mitigates', threatId: threat, mitigationId: threat2, createdAt: 1 };
		linksMap(doc).set(linkId({ kind: 'mitigates', threatId: threat, mitigationId: threat2 }), fake);
		linksMap(doc).set('mitigates:dup', { ...fake });
		linksMap(doc).set('garbage', 'x'.repeat(10_000));
		linksMap(doc).set(`canvas:${asset}|shape:box1`, { kind: 'canvas', noteId: asset, elementId: 'shape:box1', createdAt: 1, extra: 1 });
		expect(listLinks(doc)).toEqual([]);
		expect(linksOf(doc, threat)).toEqual([]);
	});
});

describe('deleting notes leaves no orphans', () => {
	it('removes the links and votes of a deleted note in the same transaction', () => {
		const { doc, threat, mitigation, mitigation2 } = board();
		addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
		const kept = addLink(doc, { kind: 'mitigates', a: mitigation2, b: createNote(doc, { kind: 'threat', question: 2, ...AUTHOR }) });
		castVote(doc, 'voter1', threat, 3);
		castVote(doc, 'voter1', mitigation2, 3);
		let updates = 0;
		doc.on('update', () => updates++);
		deleteNote(doc, threat);
		expect(updates).toBe(1);
		expect([...linksMap(doc).keys()]).toEqual([kept.ok && kept.id]);
		expect([...votesMap(doc).keys()]).toEqual([`voter1:${mitigation2}`]);
	});

	it('hides a link and a vote added concurrently to a deleted note; pruneOrphans removes them', () => {
		const { doc: alice, threat, mitigation } = board();
		const bob = fork(alice);
		deleteNote(alice, threat);
		addLink(bob, { kind: 'mitigates', a: threat, b: mitigation });
		castVote(bob, 'voter2', threat, 3);
		sync(alice, bob);
		for (const doc of [alice, bob]) {
			// The raw entries arrived, but listings treat them as orphans.
			expect(linksMap(doc).size).toBe(1);
			expect(votesMap(doc).size).toBe(1);
			expect(listLinks(doc)).toEqual([]);
			expect(linksOf(doc, mitigation)).toEqual([]);
			expect(votesFor(doc, threat)).toBe(0);
			expect(effectiveVotes(doc, 3).size).toBe(0);
		}
		expect(pruneOrphans(alice)).toEqual({ links: 1, votes: 1 });
		sync(alice, bob);
		expect(linksMap(bob).size).toBe(0);
		expect(votesMap(bob).size).toBe(0);
		expect(pruneOrphans(bob)).toEqual({ links: 0, votes: 0 });
	});

	it('pruneOrphans keeps links and votes of live notes', () => {
		const { doc, threat, mitigation, asset } = board();
		addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
		addLink(doc, { kind: 'canvas', noteId: asset, elementId: 'shape:box1' });
		castVote(doc, 'voter1', threat, 3);
		expect(pruneOrphans(doc)).toEqual({ links: 0, votes: 0 });
		expect(listLinks(doc)).toHaveLength(2);
		// Deleting the element keeps the canvas link (the threat is marked as no longer attached).
		canvasMap(doc).delete('shape:box1');
		expect(pruneOrphans(doc)).toEqual({ links: 0, votes: 0 });
		expect(listLinks(doc)).toHaveLength(2);
		deleteNote(doc, asset);
		expect(listLinks(doc).map((link) => link.kind)).toEqual(['mitigates']);
	});

	it('lists links against the live notes a view passes in, without reading the notes', () => {
		const { doc, threat, threat2, mitigation } = board();
		const kept = addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
		addLink(doc, { kind: 'mitigates', a: threat2, b: mitigation });
		notesMap(doc).forEach((note) => (note as Y.Map<unknown>).set('kind', 'not a kind'));
		const live = new Map([
			[threat, { kind: 'threat' as const }],
			[mitigation, { kind: 'mitigation' as const }]
		]);
		expect(listLinks(doc, live).map((link) => link.id)).toEqual([kept.ok && kept.id]);
		expect(linksOf(doc, mitigation, live)).toHaveLength(1);
		expect(listLinks(doc)).toEqual([]);
	});
});

describe('assets and threat agents', () => {
	function withAgent() {
		const b = board();
		const agent = createNote(b.doc, { kind: 'agent', question: 2, text: 'Fraudster', motivation: 'money', capability: 'medium', ...AUTHOR });
		return { ...b, agent };
	}

	it('links a threat to the assets it endangers and the agents behind it, either way round', () => {
		const { doc, threat, asset, agent } = withAgent();
		const endangers = addLink(doc, { kind: 'endangers', a: asset, b: threat });
		const behind = addLink(doc, { kind: 'agent', a: threat, b: agent });
		expect(endangers).toEqual({ ok: true, id: linkId({ kind: 'endangers', threatId: threat, assetId: asset }) });
		expect(behind).toEqual({ ok: true, id: linkId({ kind: 'agent', threatId: threat, agentId: agent }) });
		expect(linksOf(doc, threat).map((l) => l.kind)).toEqual(['agent', 'endangers']);
		expect(linksOf(doc, agent)).toHaveLength(1);
		expect(linksOf(doc, asset)).toHaveLength(1);
	});

	it('refuses links between the wrong kinds of note', () => {
		const { doc, threat, threat2, mitigation, asset, agent } = withAgent();
		expect(addLink(doc, { kind: 'endangers', a: threat, b: mitigation })).toEqual({ ok: false, reason: 'wrong_note_kinds' });
		expect(addLink(doc, { kind: 'endangers', a: threat, b: threat2 })).toEqual({ ok: false, reason: 'wrong_note_kinds' });
		expect(addLink(doc, { kind: 'agent', a: asset, b: agent })).toEqual({ ok: false, reason: 'wrong_note_kinds' });
		expect(linksMap(doc).size).toBe(0);
	});

	it('hides a link whose far end is not the kind its key promises, and prunes it once the note is gone', () => {
		const { doc, threat, asset, agent } = withAgent();
		// A hostile peer writes an "agent" link that points at an asset.
		linksMap(doc).set(linkId({ kind: 'agent', threatId: threat, agentId: asset }), { kind: 'agent', threatId: threat, agentId: asset, createdAt: 1 });
		expect(listLinks(doc)).toEqual([]);
		addLink(doc, { kind: 'agent', a: threat, b: agent });
		deleteNote(doc, agent);
		expect(linksOf(doc, threat)).toEqual([]);
		expect(pruneOrphans(doc).links).toBe(0);
		expect([...linksMap(doc).keys()]).toEqual([linkId({ kind: 'agent', threatId: threat, agentId: asset })]);
	});

	it('reads an agent note with its motivation and capability, and skips a hostile one', () => {
		const { doc, agent } = withAgent();
		expect(readNote(doc, agent)).toMatchObject({ kind: 'agent', text: 'Fraudster', motivation: 'money', capability: 'medium' });
		expect(updateNoteFields(doc, agent, { capability: 'high', motivation: 'fame' })).toBe(true);
		expect(readNote(doc, agent)).toMatchObject({ capability: 'high', motivation: 'fame' });
		(notesMap(doc).get(agent) as Y.Map<unknown>).set('capability', 'godlike');
		expect(readNote(doc, agent)).toBeUndefined();
	});
});
