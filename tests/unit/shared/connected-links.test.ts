/**
 * The connected model in the board document: threats tied to diagram elements, assets and agents
 * by two people at once, duplicates that keep their links, and the diagram references the
 * element picker and the report share.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fork, sync } from '../../helpers/ydocs.ts';
import { canvasMap, createNote, initBoardDoc, readNote } from '../../../src/lib/shared/board/doc.ts';
import { addLink, linksOf, noteLinkId, removeLink } from '../../../src/lib/shared/board/links.ts';
import { duplicateNote } from '../../../src/lib/shared/board/duplicate.ts';
import { linkId } from '../../../src/lib/shared/board/schema.ts';
import { onDiagramRefsChange, readDiagramRefs } from '../../../src/lib/shared/canvas/diagram-refs.ts';
import { buildReport } from '../../../src/lib/shared/export/report.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;
const ADA = { name: 'Ada', color: '#2563eb' };

function shape(id: string, createdAt: number, dfd: string | undefined, label: string, x = 0): Record<string, unknown> {
	return {
		id,
		typeName: 'shape',
		type: dfd === undefined ? 'arrow' : 'geo',
		parentId: 'page:page',
		x,
		y: 0,
		props: { w: 100, h: 60, richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: label }] }] } },
		meta: dfd === undefined ? { createdAt } : { dfd, createdAt }
	};
}

function board() {
	const doc = new Y.Doc();
	initBoardDoc(doc, { title: 'T', createdAt: 1 });
	const threat = createNote(doc, { kind: 'threat', question: 2, text: 'Card data read in transit', stride: ['I'], likelihood: 3, impact: 4, ...AUTHOR });
	const mitigation = createNote(doc, { kind: 'mitigation', question: 3, text: 'TLS everywhere', ...AUTHOR });
	const asset = createNote(doc, { kind: 'asset', question: 1, text: 'Cardholder data', ...AUTHOR });
	const agent = createNote(doc, { kind: 'agent', question: 2, text: 'Fraudster', motivation: 'Money', capability: 'medium', ...AUTHOR });
	// Drawn in this order: the API (E1), the DB (E2), a flow (F1), the web app (E3).
	const canvas = canvasMap(doc);
	canvas.set('shape:db', shape('shape:db', 200, 'data-store', 'Orders DB', 300));
	canvas.set('shape:api', shape('shape:api', 100, 'process', 'Payments API'));
	canvas.set('shape:flow', shape('shape:flow', 300, undefined, 'card data'));
	canvas.set('shape:web', shape('shape:web', 400, 'process', 'Web app', 600));
	return { doc, threat, mitigation, asset, agent };
}

const elementsOf = (doc: Y.Doc, noteId: string) =>
	linksOf(doc, noteId)
		.flatMap((link) => (link.kind === 'canvas' ? [link.elementId] : []))
		.sort();

describe('linking threats to diagram elements, two people at once', () => {
	it('keeps one person linking an element while the other unlinks another', () => {
		const { doc: ana, threat } = board();
		expect(addLink(ana, { kind: 'canvas', noteId: threat, elementId: 'shape:api' }).ok).toBe(true);
		const ben = fork(ana);

		// At the same time: Ana links the DB and the flow, Ben unlinks the API and links the web app.
		addLink(ana, { kind: 'canvas', noteId: threat, elementId: 'shape:db' });
		addLink(ana, { kind: 'canvas', noteId: threat, elementId: 'shape:flow' });
		expect(removeLink(ben, linkId({ kind: 'canvas', noteId: threat, elementId: 'shape:api' }))).toBe(true);
		addLink(ben, { kind: 'canvas', noteId: threat, elementId: 'shape:web' });
		sync(ana, ben);

		for (const doc of [ana, ben]) expect(elementsOf(doc, threat)).toEqual(['shape:db', 'shape:flow', 'shape:web']);
	});

	it('writes one entry when both link the same element, and both unlinking it removes it once', () => {
		const { doc: ana, threat } = board();
		const ben = fork(ana);
		const a = addLink(ana, { kind: 'canvas', noteId: threat, elementId: 'shape:db' });
		const b = addLink(ben, { kind: 'canvas', noteId: threat, elementId: 'shape:db' });
		sync(ana, ben);
		expect(a).toEqual(b);
		for (const doc of [ana, ben]) expect(elementsOf(doc, threat)).toEqual(['shape:db']);

		const key = linkId({ kind: 'canvas', noteId: threat, elementId: 'shape:db' });
		expect(removeLink(ana, key)).toBe(true);
		expect(removeLink(ben, key)).toBe(true);
		sync(ana, ben);
		for (const doc of [ana, ben]) expect(elementsOf(doc, threat)).toEqual([]);
	});

	it('keeps asset and agent links made concurrently with element links', () => {
		const { doc: ana, threat, asset, agent } = board();
		const ben = fork(ana);
		addLink(ana, { kind: 'endangers', a: asset, b: threat });
		addLink(ben, { kind: 'agent', a: threat, b: agent });
		addLink(ben, { kind: 'canvas', noteId: threat, elementId: 'shape:api' });
		sync(ana, ben);
		const ids = (doc: Y.Doc) => linksOf(doc, threat).map((link) => link.id);
		expect(ids(ana)).toEqual(ids(ben));
		expect(ids(ana)).toEqual(
			[
				noteLinkId('agent', threat, agent),
				linkId({ kind: 'canvas', noteId: threat, elementId: 'shape:api' }),
				noteLinkId('endangers', threat, asset)
			].sort()
		);
	});
});

describe('duplicating a threat', () => {
	it('copies its fields and every link, right after it in the lane', () => {
		const { doc, threat, mitigation, asset, agent } = board();
		addLink(doc, { kind: 'canvas', noteId: threat, elementId: 'shape:api' });
		addLink(doc, { kind: 'canvas', noteId: threat, elementId: 'shape:flow' });
		addLink(doc, { kind: 'mitigates', a: threat, b: mitigation });
		addLink(doc, { kind: 'endangers', a: threat, b: asset });
		addLink(doc, { kind: 'agent', a: threat, b: agent });
		const later = createNote(doc, { kind: 'threat', question: 2, text: 'Later', ...AUTHOR });

		const copy = duplicateNote(doc, threat, { name: 'Bo', color: '#059669' });
		expect(copy).toBeDefined();
		const original = readNote(doc, threat);
		const duplicate = readNote(doc, copy!);
		expect(duplicate).toMatchObject({ kind: 'threat', text: original?.text, stride: ['I'], likelihood: 3, impact: 4, status: 'open', author: 'Bo' });
		expect(original!.order < duplicate!.order && duplicate!.order < readNote(doc, later)!.order).toBe(true);
		const ends = (id: string) =>
			linksOf(doc, id)
				.map((link) => (link.kind === 'canvas' ? `canvas:${link.elementId}` : `${link.kind}:${link.threatId === id ? 'self' : link.threatId}`))
				.sort();
		expect(linksOf(doc, copy!)).toHaveLength(5);
		expect(elementsOf(doc, copy!)).toEqual(['shape:api', 'shape:flow']);
		expect(linksOf(doc, copy!).map((link) => link.kind).sort()).toEqual(['agent', 'canvas', 'canvas', 'endangers', 'mitigates']);
		// The original keeps its own links.
		expect(ends(threat)).toEqual(ends(copy!));
	});

	it('does not copy a decided status without its decision, and returns undefined for a missing note', () => {
		const { doc } = board();
		const decided = createNote(doc, {
			kind: 'threat',
			question: 2,
			status: 'accepted',
			decision: { status: 'accepted', deciderId: 'p1', deciderName: 'Ada', rationale: 'Low value', reviewBy: '2027-01-01', decidedAt: 5 },
			...AUTHOR
		});
		const copy = duplicateNote(doc, decided, ADA);
		const note = readNote(doc, copy!);
		expect(note?.kind === 'threat' && note.status).toBe('open');
		expect(note?.kind === 'threat' && note.decision).toBeUndefined();
		expect(duplicateNote(doc, 'missing', ADA)).toBeUndefined();
	});
});

describe('diagram references', () => {
	it('number elements, flows and boundaries in drawing order, as the report does', () => {
		const { doc, threat } = board();
		addLink(doc, { kind: 'canvas', noteId: threat, elementId: 'shape:web' });
		const refs = readDiagramRefs(doc);
		expect(refs.map((r) => `${r.ref} ${r.name}`)).toEqual(['E1 Payments API', 'E2 Orders DB', 'E3 Web app', 'F1 card data']);
		const report = buildReport(snapshotRoom(doc, undefined, { exportedAt: 10 }));
		expect(report.threats.find((t) => t.note.id === threat)?.elements.map((e) => e.ref)).toEqual(['E3']);
		expect([...report.elements, ...report.flows].map((e) => e.ref)).toEqual(refs.map((r) => r.ref));
	});

	it('are read again when an item, a label or a binding changes, not when a shape moves', () => {
		const { doc } = board();
		let calls = 0;
		const stop = onDiagramRefsChange(doc, () => calls++);
		const canvas = canvasMap(doc);
		const moved = (id: string, x: number) => ({ ...(canvas.get(id) as Record<string, unknown>), x, y: x });
		canvas.set('shape:api', moved('shape:api', 40));
		doc.transact(() => canvas.set('shape:db', moved('shape:db', 90)));
		expect(calls).toBe(0);
		canvas.set('shape:api', shape('shape:api', 100, 'process', 'Payments gateway'));
		expect(calls).toBe(1);
		canvas.set('binding:b1', { id: 'binding:b1', typeName: 'binding', type: 'arrow', fromId: 'shape:flow', toId: 'shape:db', props: { terminal: 'end' } });
		expect(calls).toBe(2);
		canvas.delete('shape:web');
		expect(calls).toBe(3);
		expect(readDiagramRefs(doc).map((r) => `${r.ref} ${r.name}`)).toEqual(['E1 Payments gateway', 'E2 Orders DB', 'F1 card data']);
		stop();
		canvas.delete('shape:db');
		expect(calls).toBe(3);
	});
});
