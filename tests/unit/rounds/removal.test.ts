/**
 * A removal is kept apart from the person's record, so that a rename or a role written at the same
 * moment on another instance cannot undo it when the two instances' writes meet.
 */
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { readPerson, takesPart, writePerson, writeRemoval } from '../../../src/lib/shared/control/rounds.ts';

const BO = 'bo-participant';

it('keeps a removal made on one instance though another renamed the person at the same moment', () => {
	for (let run = 0; run < 20; run++) {
		const [a, b] = [new Y.Doc(), new Y.Doc()];
		writePerson(a, BO, { name: 'Bo', role: null, joinedAt: 1 });
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		writeRemoval(a, BO, 5); // instance A: the facilitator removes Bo
		writePerson(b, BO, { name: 'Bob', role: 'security', joinedAt: 1 }); // instance B: Bo renames, unaware
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		for (const doc of [a, b]) {
			const person = readPerson(doc, BO)!;
			expect(takesPart(person)).toBe(false);
			expect(person).toMatchObject({ name: 'Bob', removedAt: 5 });
		}
	}
});

it('records the first removal only, and reads a person without one as taking part', () => {
	const doc = new Y.Doc();
	writePerson(doc, BO, { name: 'Bo', role: null, joinedAt: 1 });
	expect(takesPart(readPerson(doc, BO)!)).toBe(true);
	writeRemoval(doc, BO, 5);
	writeRemoval(doc, BO, 9);
	writePerson(doc, BO, { name: 'Bo', role: null, joinedAt: 1 }); // a later write of the record keeps the removal
	expect(readPerson(doc, BO)?.removedAt).toBe(5);
});
