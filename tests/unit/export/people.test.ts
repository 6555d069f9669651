/** How the reports name people (src/lib/shared/export/people.ts). */
import { expect, it } from 'vitest';
import { personLabels } from '../../../src/lib/shared/export/people.ts';

it("quotes a name that holds the labels' own marks, so it reads as one person with no role or suffix of its own", () => {
	const labels = personLabels([
		{ id: 'p1', name: 'Bob (Security), Carol #2', role: null, joinedAt: 1 },
		{ id: 'p2', name: 'Carol', role: 'security', joinedAt: 2 },
		{ id: 'p3', name: 'Dana “the” Lead', role: null, joinedAt: 3 }
	]);
	expect(labels.get('p1')).toBe('“Bob (Security), Carol #2”');
	expect(labels.get('p2')).toBe('Carol (Security)');
	expect(labels.get('p3')).toBe('“Dana "the" Lead”');
});

it('tells apart people whose names are the same once case, width, strokes and invisible characters are set aside', () => {
	const labels = personLabels([
		{ id: 'p1', name: 'Søren', role: null, joinedAt: 1 },
		{ id: 'p2', name: 'SOREN', role: null, joinedAt: 2 },
		{ id: 'p3', name: 'Alice', role: null, joinedAt: 3 },
		{ id: 'p4', name: '\uff21li\u200dce', role: null, joinedAt: 4 }
	]);
	expect([...labels.values()]).toEqual(['Søren #1', 'SOREN #2', 'Alice #1', '\uff21li\u200dce #2']);
});
