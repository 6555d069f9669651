import { describe, expect, it } from 'vitest';
import type { Note } from '#shared/board/schema';
import type { DiagramRef } from '#shared/canvas/diagram-refs';
import { candidateKind, linkCandidates, linkTabLabel, linkTabs, searchElements } from './link-candidates.ts';

const base = { author: 'Ada', authorColor: '#2563eb', color: '#fecaca', createdAt: 1, order: 'a', question: 2 as const };
const threat: Note = { ...base, id: 't', kind: 'threat', text: 'Card skimming', stride: [], likelihood: null, impact: null, status: 'open' };
const asset = (id: string, text: string): Note => ({ ...base, id, kind: 'asset', question: 1, text });
const agent = (id: string, text: string): Note => ({ ...base, id, kind: 'agent', text, motivation: '', capability: null });

function ref(ref: string, label: string, kind: DiagramRef['kind'] = 'process'): DiagramRef {
	return { ref, id: `shape:${ref}`, kind, label, name: label || 'unnamed process' };
}
const DIAGRAM = [
	ref('E1', 'Payments API'),
	ref('E2', 'Orders DB', 'data-store'),
	ref('E3', 'Web app'),
	ref('E10', 'Email gateway'),
	ref('E11', ''),
	ref('F1', 'card data', 'data-flow'),
	ref('F2', 'order events', 'data-flow'),
	ref('B1', 'Payment zone', 'trust-boundary')
];
const search = (query: string) => searchElements(DIAGRAM, query).map((item) => item.ref);

describe('element search', () => {
	it('lists every item in reference order for an empty query', () => {
		expect(search('')).toEqual(['E1', 'E2', 'E3', 'E10', 'E11', 'F1', 'F2', 'B1']);
		expect(search('   ')).toHaveLength(DIAGRAM.length);
	});

	it('finds an item by its reference, in any case, exact match first', () => {
		expect(search('E3')).toEqual(['E3']);
		expect(search('f2')).toEqual(['F2']);
		expect(search('b1')).toEqual(['B1']);
		// E1 is E1 itself, then E10 and E11 whose references start with it.
		expect(search('e1')).toEqual(['E1', 'E10', 'E11']);
	});

	it('finds items by name: names that start with the query before names that contain it', () => {
		expect(search('order')).toEqual(['E2', 'F2']);
		expect(search('DATA')).toEqual(['F1']);
		expect(search('ay')).toEqual(['E1', 'E10', 'B1']);
		expect(search('pay')).toEqual(['E1', 'B1']);
	});

	it('reads a lone letter as part of a name, not as every reference of that kind', () => {
		// "Email gateway" starts with it; the others contain it.
		expect(search('e')).toEqual(['E10', 'E1', 'E2', 'E3', 'F2', 'B1']);
		expect(search('x')).toEqual([]);
		expect(search('E99')).toEqual([]);
	});
});

describe('link tabs and candidates', () => {
	it('offers a threat the diagram, mitigations, assets and agents; the others what they link to', () => {
		expect(linkTabs('threat')).toEqual(['elements', 'mitigates', 'endangers', 'agent']);
		expect(linkTabs('component')).toEqual(['elements']);
		expect(linkTabs('asset')).toEqual(['elements', 'endangers']);
		expect(linkTabs('agent')).toEqual(['agent']);
		expect(linkTabs('retro')).toEqual([]);
		expect(linkTabs('threat').map((tab) => linkTabLabel('threat', tab))).toEqual(['Diagram', 'Mitigations', 'Assets', 'Threat agents']);
		expect(linkTabLabel('asset', 'endangers')).toBe('Threats');
		expect(candidateKind('threat', 'agent')).toBe('agent');
		expect(candidateKind('agent', 'agent')).toBe('threat');
		expect(candidateKind('asset', 'agent')).toBeNull();
	});

	it('lists assets for a threat, and threats for an agent', () => {
		const notes = [threat, asset('a1', 'Cardholder data'), asset('a2', 'Audit log'), agent('g1', 'Fraudster')];
		expect(linkCandidates(threat, 'endangers', notes, '', new Set(['a1'])).map((n) => n.id)).toEqual(['a1', 'a2']);
		expect(linkCandidates(threat, 'endangers', notes, 'audit', new Set()).map((n) => n.id)).toEqual(['a2']);
		expect(linkCandidates(threat, 'agent', notes, '', new Set()).map((n) => n.id)).toEqual(['g1']);
		expect(linkCandidates(notes[3], 'agent', notes, '', new Set()).map((n) => n.id)).toEqual(['t']);
		expect(linkCandidates(notes[1], 'agent', notes, '', new Set())).toEqual([]);
	});
});
