/**
 * The Content-Security-Policy is strict (no inline scripts but SvelteKit's own, hashed or with a
 * nonce; nothing from other hosts) and the whole workshop works under it: sync over WebSocket,
 * presence, and the tldraw canvas. The browser reports any violation as an event; none may occur.
 */
import { expect, test, type Page } from '@playwright/test';
import { canvasReady, placeElement } from './canvas-helpers.ts';
import { createRoom, joinBoard, newUser } from './helpers.ts';

/** Records securitypolicyviolation events from the very start of every document. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
	});
	return () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

test('pages carry a strict CSP and the workshop, sync and canvas work under it', async ({ browser }) => {
	const ana = await newUser(browser);
	const violations = await recordViolations(ana.page);

	const landing = await ana.page.goto('/');
	const csp = (await landing!.allHeaders())['content-security-policy'];
	expect(csp).toContain("default-src 'self'");
	expect(csp).toMatch(/script-src 'self' ('sha256-|'nonce-)/); // SvelteKit's inline bootstrap, and nothing else inline
	expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toContain("connect-src 'self'");
	await expect(ana.page.getByRole('heading', { level: 1 })).toBeVisible();
	expect(await violations()).toEqual([]);

	const room = await createRoom('Under CSP');
	await joinBoard(ana, room.links.participant, 'Ana');
	await canvasReady(ana.page);
	await placeElement(ana.page, 'Process', 'Checkout');
	// A second person sees it: the WebSocket (connect-src 'self') carries sync.
	const ben = await newUser(browser);
	await joinBoard(ben, room.links.participant, 'Ben');
	await canvasReady(ben.page);
	await expect(ben.page.locator('.tl-shape').filter({ hasText: 'Checkout' })).toHaveCount(1);

	expect(await violations()).toEqual([]);
	expect(ana.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});

test('API responses allow nothing and keep capability links out of referrers', async ({ request }) => {
	const res = await request.get('/healthz');
	const headers = res.headers();
	expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
	expect(headers['referrer-policy']).toBe('no-referrer');
	expect(headers['x-frame-options']).toBe('DENY');
	expect(headers['x-content-type-options']).toBe('nosniff');
});
