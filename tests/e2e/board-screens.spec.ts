/**
 * Screenshots of a realistic board (a payments API threat model, about 40 notes) at 1280x720 and
 * 1366x768, saved to test-results/board-*.png and docs/board.png for people to look at.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type * as Y from 'yjs';
import { canvasMap, createNote } from '../../src/lib/shared/board/doc.ts';
import { addLink } from '../../src/lib/shared/board/links.ts';
import { castVote } from '../../src/lib/shared/board/votes.ts';
import type { NoteInput, StrideLetter } from '../../src/lib/shared/board/schema.ts';
import { fixtureCanvasRecords } from '../fixtures/export/fixture-diagram.ts';
import { canvasReady } from './canvas-helpers.ts';
import { createRoom, joinBoard, lane, newUser, noteText, noteWithText, publishScreenshot, seedBoard } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-results');

// ---- The board: a payments API threat model in progress, by four people ---------------------

const PEOPLE = {
	ana: { author: 'Ana Souza', authorColor: '#2563eb' },
	ben: { author: 'Ben Okafor', authorColor: '#db2777' },
	chen: { author: 'Chen Wei', authorColor: '#059669' },
	dee: { author: 'Dee Kowalski', authorColor: '#7c3aed' }
} as const;
type Person = keyof typeof PEOPLE;

const T = 1_767_000_000_000;

interface ThreatSeed {
	key: string;
	by: Person;
	text: string;
	stride: StrideLetter[];
	l: number | null;
	i: number | null;
	status?: 'open' | 'mitigated' | 'accepted' | 'transferred' | 'not_applicable';
}

const CONTEXT: Array<[Person, 'component' | 'asset' | 'assumption', string]> = [
	['ana', 'component', 'Public REST API (api.pay.example) behind the CDN/WAF'],
	['ana', 'component', 'Payments service (Go), talks to the card processor over mTLS'],
	['ben', 'component', 'Webhook dispatcher: signs and retries merchant callbacks'],
	['chen', 'component', 'Ledger database (PostgreSQL, primary + replica)'],
	['ana', 'asset', 'Cardholder data (PAN tokens, expiry)'],
	['dee', 'asset', 'Merchant API keys and webhook secrets'],
	['chen', 'assumption', 'TLS terminates at the load balancer; internal traffic is mTLS'],
	['ben', 'assumption', 'Card numbers never reach our logs (processor tokenises)'],
	['dee', 'component', 'Merchant dashboard (SPA) using session cookies'],
	['chen', 'asset', 'Refund approval workflow']
];

const THREATS: ThreatSeed[] = [
	{ key: 'stolen-key', by: 'ben', text: 'Leaked merchant API key used to issue refunds to an attacker’s card', stride: ['S', 'E'], l: 4, i: 5 },
	{ key: 'replay', by: 'ana', text: 'Replay of a captured payment request creates a duplicate charge', stride: ['T', 'R'], l: 3, i: 4 },
	{ key: 'webhook-spoof', by: 'dee', text: 'Forged webhook to a merchant marks an unpaid order as paid', stride: ['S', 'T'], l: 3, i: 5 },
	{ key: 'idor', by: 'chen', text: 'IDOR on GET /payments/{id} exposes other merchants’ transactions', stride: ['I'], l: 4, i: 4 },
	{ key: 'dos', by: 'ana', text: 'Burst of card-testing requests exhausts the processor rate limit', stride: ['D'], l: 4, i: 3 },
	{ key: 'log-leak', by: 'ben', text: 'Debug logging of request bodies leaks card expiry dates', stride: ['I'], l: 2, i: 4, status: 'mitigated' },
	{ key: 'repudiation', by: 'dee', text: 'Merchant disputes a refund; we cannot prove who issued it', stride: ['R'], l: 2, i: 3 },
	{ key: 'ssrf', by: 'chen', text: 'SSRF through the webhook URL reaches the metadata service', stride: ['I', 'E'], l: 2, i: 5 },
	{ key: 'ledger-race', by: 'ana', text: 'Concurrent refunds race and over-refund a payment', stride: ['T'], l: 2, i: 2, status: 'accepted' },
	{ key: 'unrated', by: 'dee', text: 'Insider with replica access exports the ledger', stride: ['I'], l: null, i: null },
	{ key: 'csrf', by: 'ben', text: 'CSRF on the dashboard’s “change payout account” form', stride: ['T', 'E'], l: 2, i: 5 },
	{ key: 'secrets', by: 'ana', text: 'Webhook secrets readable by every engineer in the secrets store', stride: ['I', 'E'], l: 3, i: 3, status: 'transferred' },
	{ key: 'downgrade', by: 'chen', text: 'TLS downgrade between CDN and origin', stride: ['T', 'I'], l: 1, i: 4, status: 'not_applicable' }
];

const MITIGATIONS: Array<{ by: Person; text: string; owner: string; status: 'proposed' | 'in_progress' | 'done' | 'wont_do'; threats: string[] }> = [
	{ by: 'ben', text: 'Scope API keys per action; refunds need a separate restricted key', owner: 'Ben', status: 'in_progress', threats: ['stolen-key'] },
	{ by: 'ana', text: 'Require Idempotency-Key on POST /payments; reject reuse with a different body', owner: 'Ana', status: 'done', threats: ['replay'] },
	{ by: 'dee', text: 'Sign webhooks with HMAC-SHA256 + timestamp; document verification', owner: 'Platform team', status: 'proposed', threats: ['webhook-spoof', 'replay'] },
	{ by: 'chen', text: 'Authorise every resource by merchant id in the data layer', owner: 'Chen', status: 'in_progress', threats: ['idor'] },
	{ by: 'ana', text: 'Per-key and per-card velocity limits at the edge', owner: 'SRE', status: 'proposed', threats: ['dos', 'stolen-key'] },
	{ by: 'ben', text: 'Structured logging with an allow-list of fields', owner: 'Ben', status: 'done', threats: ['log-leak'] },
	{ by: 'chen', text: 'Egress proxy with an allow-list for webhook targets', owner: '', status: 'proposed', threats: ['ssrf'] },
	{ by: 'dee', text: 'Append-only audit log of refunds with actor and key id', owner: 'Dee', status: 'proposed', threats: ['repudiation'] },
	{ by: 'ben', text: 'SameSite=strict cookies and CSRF tokens on state-changing forms', owner: 'Web team', status: 'wont_do', threats: ['csrf'] }
];

const RETRO: Array<[Person, string]> = [
	['dee', 'Good: STRIDE per component kept us honest. Missed: batch payouts — schedule a follow-up.'],
	['chen', 'Bring the processor’s security contact next time.'],
	['ana', 'Timebox lane 1 to 15 minutes: we spent 40.']
];

const QUESTIONS: Array<[Person, 1 | 2 | 3, string]> = [
	['ben', 2, 'Do we need PCI scope review for the webhook dispatcher?'],
	['chen', 1, 'Who owns the replica’s access list today?'],
	['ana', 3, 'Can the WAF vendor do velocity limits, or do we build them?']
];

/** Builds the board: 38 notes, links and votes. */
function buildPaymentsBoard(doc: Y.Doc): void {
	let t = T;
	const base = (by: Person) => ({ ...PEOPLE[by], createdAt: (t += 60_000) });
	for (const [by, kind, text] of CONTEXT) createNote(doc, { kind, question: 1, text, ...base(by) } as NoteInput);
	const threatIds = new Map<string, string>();
	for (const th of THREATS) {
		const id = createNote(doc, {
			kind: 'threat',
			question: 2,
			text: th.text,
			stride: th.stride,
			likelihood: th.l,
			impact: th.i,
			status: th.status ?? 'open',
			...base(th.by)
		});
		threatIds.set(th.key, id);
	}
	for (const m of MITIGATIONS) {
		const id = createNote(doc, { kind: 'mitigation', question: 3, text: m.text, owner: m.owner, status: m.status, ...base(m.by) });
		for (const key of m.threats) addLink(doc, { kind: 'mitigates', a: threatIds.get(key) as string, b: id }, T);
	}
	for (const [by, text] of RETRO) createNote(doc, { kind: 'retro', question: 4, text, ...base(by) });
	for (const [by, question, text] of QUESTIONS) createNote(doc, { kind: 'question', question, text, ...base(by) });
	// Votes: four voters spend most of their dots on the scariest threats.
	const ballots: Array<[string, string[]]> = [
		['voterAna', ['stolen-key', 'stolen-key', 'webhook-spoof', 'idor', 'dos']],
		['voterBen', ['stolen-key', 'idor', 'idor', 'replay']],
		['voterChen', ['webhook-spoof', 'ssrf', 'stolen-key']],
		['voterDee', ['idor', 'webhook-spoof', 'repudiation', 'stolen-key', 'dos']]
	];
	for (const [voter, keys] of ballots) for (const key of keys) castVote(doc, voter, threatIds.get(key) as string, 5);
	// The diagram beside the board, with threats attached to its elements.
	for (const record of fixtureCanvasRecords()) canvasMap(doc).set(record.id, record);
	const about: Array<[string, string]> = [
		['stolen-key', 'shape:api'],
		['idor', 'shape:api'],
		['replay', 'shape:api'],
		['unrated', 'shape:orders-db'],
		['ledger-race', 'shape:orders-db'],
		['webhook-spoof', 'shape:psp']
	];
	for (const [key, elementId] of about) addLink(doc, { kind: 'canvas', noteId: threatIds.get(key) as string, elementId }, T);
}

test('a payments API threat model, as the facilitator sees it', async ({ browser }) => {
	const room = await createRoom('Payments API – threat model');
	await seedBoard(room.roomId, buildPaymentsBoard);

	const ana = await newUser(browser);
	await joinBoard(ana, room.links.facilitator, 'Ana Souza', 'Blue');
	const ben = await newUser(browser);
	await joinBoard(ben, room.links.participant, 'Ben Okafor', 'Pink');
	await expect(lane(ana.page, 'What can go wrong?').getByTestId('lane-count')).toHaveText('· 13');

	// Ben is typing in a threat: Ana sees it on the note.
	await noteText(noteWithText(ben.page, 'Leaked merchant API key')).click();
	await expect(noteWithText(ana.page, 'Leaked merchant API key').getByTestId('editing-badge')).toContainText('Ben Okafor is editing');

	// The whole diagram in view (tldraw's zoom to fit), nothing selected.
	await canvasReady(ana.page);
	const host = await ana.page.getByTestId('canvas-host').boundingBox();
	await ana.page.mouse.click(host!.x + host!.width - 30, host!.y + 40);
	await ana.page.keyboard.press('Shift+1');
	await expect(ana.page.locator('.tb-threats')).toHaveCount(3);
	await ana.page.mouse.move(0, 0);
	const shot = await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'board-1280.png') });
	publishScreenshot('board.png', shot);

	// Threats sorted by risk, filtered to spoofing.
	await lane(ana.page, 'What can go wrong?').getByLabel('Sort What can go wrong? by').selectOption('risk');
	await ana.page.getByLabel('STRIDE category').selectOption('S');
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'board-filtered.png') });

	// The link picker and the shortcuts, as dialogs over the board.
	await ana.page.getByRole('button', { name: 'Clear' }).click();
	await noteWithText(ana.page, 'Leaked merchant API key').getByRole('button', { name: 'Link mitigations' }).click();
	await expect(ana.page.getByRole('dialog', { name: 'Link mitigations' })).toBeVisible();
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'board-link-picker.png') });
	await ana.page.keyboard.press('Escape');
	await expect(noteWithText(ana.page, 'Leaked merchant API key')).toBeFocused();
	await ana.page.keyboard.press('?');
	await expect(ana.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'board-shortcuts.png') });
	await ana.page.keyboard.press('Escape');

	await ana.page.setViewportSize({ width: 1366, height: 768 });
	await lane(ana.page, 'What can go wrong?').getByLabel('Sort What can go wrong? by').selectOption('manual');
	await ana.page.mouse.move(0, 0);
	await ana.page.screenshot({ path: path.join(SCREENSHOTS, 'board-1366.png') });
	expect(ana.errors).toEqual([]);
	await Promise.all([ana.context.close(), ben.context.close()]);
});
