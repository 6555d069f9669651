import { describe, expect, it } from 'vitest';
import { facilitatorKeyFromHash, parseWorkshopAddress } from './links.ts';

const ROOM = 'AbCdEfGhIjKlMnOpQrStUv_-';
const SECRET = 'a'.repeat(40) + 'B-_';

describe('parseWorkshopAddress', () => {
	it('accepts bare ids, paths and full links, on any host', () => {
		expect(parseWorkshopAddress(ROOM)).toEqual({ id: ROOM });
		expect(parseWorkshopAddress(`  /w/${ROOM}  `)).toEqual({ id: ROOM });
		expect(parseWorkshopAddress(`https://tb.example.org/w/${ROOM}/`)).toEqual({ id: ROOM });
		expect(parseWorkshopAddress(`http://10.0.0.5:3000/w/${SECRET}`)).toEqual({ id: SECRET });
	});

	it('keeps a facilitator key from the fragment of a room link only', () => {
		expect(parseWorkshopAddress(`https://x.test/w/${ROOM}#facilitator=${SECRET}`)).toEqual({
			id: ROOM,
			facilitatorKey: SECRET
		});
		expect(parseWorkshopAddress(`https://x.test/w/${SECRET}#facilitator=${SECRET}`)).toEqual({ id: SECRET });
		expect(parseWorkshopAddress(`https://x.test/w/${ROOM}#facilitator=short`)).toEqual({ id: ROOM });
	});

	it('refuses anything that is not a workshop address', () => {
		for (const input of ['', '   ', 'hello', `/x/${ROOM}`, `/w/${ROOM}/board`, '/w/../etc', 'https://example.com/']) {
			expect(parseWorkshopAddress(input)).toBeUndefined();
		}
	});
});

describe('facilitatorKeyFromHash', () => {
	it('reads the key with or without the leading #', () => {
		expect(facilitatorKeyFromHash(`#facilitator=${SECRET}`)).toBe(SECRET);
		expect(facilitatorKeyFromHash(`facilitator=${SECRET}`)).toBe(SECRET);
		expect(facilitatorKeyFromHash(`#x=1&facilitator=${SECRET}`)).toBe(SECRET);
		expect(facilitatorKeyFromHash('#facilitator=%E0%A4%A')).toBeUndefined();
		expect(facilitatorKeyFromHash('')).toBeUndefined();
	});
});
