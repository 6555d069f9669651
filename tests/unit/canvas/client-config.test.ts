import { describe, expect, it } from 'vitest';
import { tldrawWouldRefuse } from '../../../src/lib/canvas/client-config.ts';

describe('tldrawWouldRefuse', () => {
	it('says tldraw blanks the canvas on a public https host without a key', () => {
		expect(tldrawWouldRefuse(undefined, { protocol: 'https:', hostname: 'threats.example.com' })).toBe(true);
	});

	it('lets tldraw decide when a key is set (it may still refuse a key for another domain)', () => {
		expect(tldrawWouldRefuse('a-key', { protocol: 'https:', hostname: 'threats.example.com' })).toBe(false);
	});

	it('knows tldraw draws without a key over plain http and on loopback hosts', () => {
		expect(tldrawWouldRefuse(undefined, { protocol: 'http:', hostname: 'threats.internal' })).toBe(false);
		for (const hostname of ['localhost', '127.0.0.1', '[::1]', 'app.localhost']) {
			expect(tldrawWouldRefuse(undefined, { protocol: 'https:', hostname })).toBe(false);
		}
	});
});
