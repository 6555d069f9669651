import { expect, it } from 'vitest';
import { readPresence } from '../../../src/lib/shared/wire/presence.ts';

const canvas = { pageId: 'page:page', cursor: { x: 1, y: 2 }, selection: ['shape:a'], camera: { x: 0, y: 0, z: 1 }, screen: { w: 800, h: 600 } };
const user = { name: 'Ada', color: '#2563eb' };

it("takes a canvas presence only with tldraw's page and shape ids, keeping the person either way", () => {
	expect(readPresence({ user, canvas })?.canvas).toEqual(canvas);
	// tldraw refused the cursor record built from these, and every other cursor in the same batch.
	for (const odd of [{ ...canvas, pageId: 'x' }, { ...canvas, selection: ['y'] }]) {
		const presence = readPresence({ user, canvas: odd });
		expect(presence?.user.name).toBe('Ada');
		expect(presence?.canvas).toBeUndefined();
	}
});
