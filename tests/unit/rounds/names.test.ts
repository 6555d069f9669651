/**
 * Whether a note's display name reads as another participant's (server/rounds/names.ts,
 * NameIndex): the rule for notes written without an author id.
 */
import { expect, it } from 'vitest';
import { NameIndex } from '../../../server/rounds/names.ts';

const people = new NameIndex(
	new Map([
		['amie', { name: 'Amie' }],
		['bo', { name: 'Bo' }],
		['ada', { name: 'Ada' }],
		['ada2', { name: 'ada' }]
	])
);

it('reads case, spacing, accents, compatibility forms and look-alike letters as the same name', () => {
	for (const name of ['Ada', ' ADA ', 'Ádà', '\uff21da', '\u0410da', 'A\u0501a', '\ua4ee\ua4d3\ua4ee', 'B0', '\u0391mie']) {
		expect(people.namesAnother(undefined, name), name).toBe(true);
	}
});

it('keeps two names of plain letters apart though the table confuses them ("rn" and "m")', () => {
	expect(people.namesAnother(undefined, 'Arnie')).toBe(false);
	expect(people.namesAnother(undefined, 'Carla')).toBe(false);
});

it("lets a writer use their own name, and a shared name, but not another's", () => {
	expect(people.namesAnother('bo', 'B0')).toBe(false);
	expect(people.namesAnother('ada', 'Ada')).toBe(false); // shared with ada2: both are theirs
	expect(people.namesAnother('bo', 'Ada')).toBe(true);
});

it('does not compare what cannot be a display name', () => {
	expect(people.namesAnother(undefined, 42)).toBe(false);
	expect(people.namesAnother(undefined, 'A'.repeat(401))).toBe(false);
});

it('tells a name that only looks like another participant\'s from the same name', () => {
	expect(people.lookAlike(undefined, '\u0410da')).toBe(true); // Cyrillic А
	expect(people.lookAlike(undefined, 'B0')).toBe(true);
	expect(people.lookAlike(undefined, 'ADA')).toBe(false); // the same name: shared, told apart
	expect(people.lookAlike(undefined, 'Arnie')).toBe(false); // plain letters, another name
	expect(people.lookAlike('bo', 'B0')).toBe(false); // one's own name, written otherwise
	expect(people.lookAlike(undefined, 'Cem')).toBe(false);
});

it('takes invisible characters, compatibility forms and strokes as the same name, and a capital I for an l', () => {
	const alice = new NameIndex(new Map([['alice', { name: 'Alice' }], ['soren', { name: 'Søren' }], ['amie', { name: 'Amie K.' }]]));
	for (const same of ['Al\u034fice', 'Alice\ufe0f', '\uff21lice', 'A\u200dlice', 'Ali\u00adce', 'Alice\u3164', 'Soren', 'SØREN']) {
		expect(alice.lookAlike(undefined, same), same).toBe(false); // the same name: allowed, told apart
		expect(alice.namesAnother(undefined, same), same).toBe(true);
	}
	expect(alice.lookAlike(undefined, 'AIice')).toBe(true);
	expect(alice.lookAlike(undefined, 'Arnie K.')).toBe(false);
});

it('tells a capital I from a capital L: "Ian" and "Lan" are two names, "Ian" and "lan" look alike', () => {
	const ian = new NameIndex(new Map([['ian', { name: 'Ian' }]]));
	expect(ian.lookAlike(undefined, 'Lan')).toBe(false);
	expect(ian.lookAlike(undefined, 'LAN')).toBe(false);
	expect(ian.lookAlike(undefined, 'lan')).toBe(true);
	expect(ian.lookAlike(undefined, 'IAN')).toBe(false); // the same name
	const lan = new NameIndex(new Map([['lan', { name: 'Lan' }]]));
	expect(lan.lookAlike(undefined, 'Ian')).toBe(false);
	expect(lan.lookAlike(undefined, 'lan')).toBe(false); // the same name
});

it("takes an importer's name as nobody's: the exports read its notes' lines back into the model", () => {
	expect(people.namesAnother(undefined, 'Threat Dragon')).toBe(true);
	expect(people.namesAnother('bo', 'THREAT-COMPOSER')).toBe(true);
	expect(people.namesAnother('bo', 'Open Threat Model')).toBe(true);
});
