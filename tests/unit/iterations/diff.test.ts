/**
 * The diff between two iterations of one room (issue 15): added, changed and removed items of
 * every kind, matched by the ids the room keeps, and a freeze as one point in time.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, deleteNote, listNotes, recordRiskDecision, updateNoteFields } from '../../../src/lib/shared/board/doc.ts';
import { addLink, removeLink } from '../../../src/lib/shared/board/links.ts';
import { setNoteText } from '../../../src/lib/shared/board/note-text.ts';
import { linkId } from '../../../src/lib/shared/board/schema.ts';
import { writeCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import { toMarkdown } from '../../../src/lib/shared/export/markdown.ts';
import { snapshotRoom } from '../../../src/lib/shared/export/snapshot.ts';
import { diffRooms, type DiffEntry } from '../../../src/lib/shared/iterations/diff.ts';
import { entryTitle, fieldText } from '../../../src/lib/shared/iterations/diff-text.ts';
import { flow, geoShape, richText } from '../../fixtures/export/canvas.ts';
import { buildConnectedFixtureBoard, buildFixtureControl, FIXTURE_EXPORTED_AT } from '../../fixtures/export/fixture-room.ts';
import { fork, sync } from '../../helpers/ydocs.ts';

const LATER = FIXTURE_EXPORTED_AT + 86_400_000;
const AUTHOR = { author: 'Dana', authorColor: '#123456' } as const;

function room() {
	const board = new Y.Doc();
	const control = new Y.Doc();
	buildConnectedFixtureBoard(board);
	buildFixtureControl(control);
	return { board, control };
}

const freeze = (board: Y.Doc, control: Y.Doc, at = FIXTURE_EXPORTED_AT) => snapshotRoom(board, control, { exportedAt: at });
const threatId = (board: Y.Doc, start: string) => listNotes(board, { kind: 'threat' }).find((n) => n.text.startsWith(start))!.id;
const find = (entries: DiffEntry[], id: string) => entries.filter((e) => e.id === id);

describe('diffRooms', () => {
	it('finds nothing between a room and itself, or a later export with nothing changed', () => {
		const { board, control } = room();
		const diff = diffRooms(freeze(board, control), freeze(board, control, LATER));
		expect(diff.entries).toEqual([]);
		expect(diff.counts).toEqual({ added: 0, changed: 0, removed: 0 });
		expect([diff.from, diff.to]).toEqual([FIXTURE_EXPORTED_AT, LATER]);
	});

	it('lists changed statuses, ratings and risk decisions of a threat, under its id and reference', () => {
		const { board, control } = room();
		const iteration = freeze(board, control);
		const spoof = threatId(board, 'Attacker replays');
		updateNoteFields(board, spoof, { status: 'accepted', likelihood: 2 });
		recordRiskDecision(board, spoof, {
			status: 'accepted', deciderId: 'pBjorn', deciderName: 'Björn', rationale: 'Cheaper than the fix', reviewBy: '2027-01-01', decidedAt: LATER
		});
		const diff = diffRooms(iteration, freeze(board, control, LATER));
		expect(diff.entries).toHaveLength(1);
		const [entry] = diff.entries;
		expect(entry).toMatchObject({ change: 'changed', item: 'threat', id: spoof, subject: { id: spoof, ref: 'T1', kind: 'threat' } });
		expect(entry.fields.map(fieldText)).toEqual([
			'status: Open → Accepted',
			'likelihood: 3 → 2',
			'risk decision: (none) → Accepted by Björn until 2027-01-01: Cheaper than the fix'
		]);
	});

	it('lists added and removed elements, flows and notes, and a relabelled flow, by E/F and T/M references', () => {
		const { board, control } = room();
		const iteration = freeze(board, control);
		writeCanvasRecords(board, [geoShape('shape:queue', 'Payment queue', { x: 900, y: 0 }, 'data-store'), ...flow('shape:flow-queue', 'Jobs', 'shape:api', 'shape:queue')]);
		const charge = board.getMap('canvas').get('shape:flow-charge') as { props: Record<string, unknown> };
		writeCanvasRecords(board, [{ ...charge, props: { ...charge.props, richText: richText('Charge (mTLS)') } } as never]);
		const mitigation = listNotes(board, { kind: 'mitigation' }).find((n) => n.text.startsWith('mTLS'))!.id;
		deleteNote(board, mitigation);
		const added = createNote(board, { kind: 'threat', question: 2, text: 'Queue poisoning', ...AUTHOR, createdAt: LATER });
		const asset = createNote(board, { kind: 'asset', question: 1, text: 'Refund tokens', ...AUTHOR, createdAt: LATER });
		const diff = diffRooms(iteration, freeze(board, control, LATER));

		expect(find(diff.entries, 'shape:queue')).toMatchObject([{ change: 'added', item: 'element', subject: { ref: 'E6', text: 'Payment queue', kind: 'data-store' } }]);
		expect(find(diff.entries, 'shape:flow-queue')).toMatchObject([{ change: 'added', item: 'flow', subject: { ref: 'F5', text: 'Jobs' } }]);
		expect(find(diff.entries, 'shape:flow-charge')[0].fields).toEqual([{ field: 'label', before: 'Charge request', after: 'Charge (mTLS)' }]);
		expect(find(diff.entries, mitigation)).toMatchObject([{ change: 'removed', item: 'mitigation', subject: { ref: 'M3', text: 'mTLS between API and PSP' } }]);
		expect(find(diff.entries, added)).toMatchObject([{ change: 'added', item: 'threat', subject: { ref: 'T6' } }]);
		expect(find(diff.entries, asset)).toMatchObject([{ change: 'added', item: 'note', subject: { ref: null, kind: 'asset' } }]);
		// The deleted mitigation took its link along: the link is listed as removed, named by its ends.
		const link = find(diff.entries, linkId({ kind: 'mitigates', threatId: threatId(board, 'Attacker replays'), mitigationId: mitigation }));
		expect(link).toHaveLength(1);
		expect(entryTitle(link[0])).toBe('T1 Attacker replays a captured checkout request mitigated by M3 mTLS between API and PSP');
		expect(diff.counts).toEqual({ added: 4, changed: 1, removed: 2 });
		// Diagram first, then threats, mitigations and other notes, then links.
		expect(diff.entries.map((e) => e.item)).toEqual(['element', 'flow', 'flow', 'threat', 'mitigation', 'note', 'link']);
	});

	it('lists links of every kind added and removed, with both ends', () => {
		const { board, control } = room();
		const iteration = freeze(board, control);
		const flood = threatId(board, 'Checkout flood');
		const [fraudster] = listNotes(board, { kind: 'agent' }).map((n) => n.id);
		const history = listNotes(board, { kind: 'asset' }).find((n) => n.text.startsWith('Customers'))!.id;
		removeLink(board, linkId({ kind: 'agent', threatId: flood, agentId: fraudster }));
		addLink(board, { kind: 'endangers', a: flood, b: history });
		addLink(board, { kind: 'canvas', noteId: flood, elementId: 'shape:api' });
		const diff = diffRooms(iteration, freeze(board, control, LATER));
		expect(diff.entries.map((e) => [e.change, e.linkKind, entryTitle(e)])).toEqual([
			['removed', 'agent', 'T3 Checkout flood exhausts the PSP rate limit by threat agent Threat agent Card-testing fraudster'],
			['added', 'canvas', 'T3 Checkout flood exhausts the PSP rate limit attached to E1 Payments API'],
			['added', 'endangers', "T3 Checkout flood exhausts the PSP rate limit endangers Asset Customers' order history"]
		]);
	});

	it('keeps every id across iterations: a changed item is the same item, never removed and added', () => {
		const { board, control } = room();
		const first = freeze(board, control);
		for (const note of listNotes(board)) updateNoteFields(board, note.id, { color: '#000000' });
		for (const threat of listNotes(board, { kind: 'threat' })) updateNoteFields(board, threat.id, { status: 'mitigated' });
		const second = freeze(board, control, LATER);
		const diff = diffRooms(first, second);
		expect(diff.counts.added + diff.counts.removed).toBe(0);
		expect(new Set(diff.entries.map((e) => e.id))).toEqual(new Set(first.notes.filter((n) => n.kind === 'threat' && n.status !== 'mitigated').map((n) => n.id)));
		// The next iteration diffs against the second freeze, and sees only what came after it.
		updateNoteFields(board, threatId(board, 'SQL'), { impact: 1 });
		expect(diffRooms(second, freeze(board, control, LATER + 1)).entries.map((e) => e.fields)).toEqual([[{ field: 'impact', before: '5', after: '1' }]]);
	});

	it('takes a freeze as one point: edits made meanwhile by another peer show in the next diff', () => {
		const { board: server, control } = room();
		const peer = fork(server);
		const dos = threatId(server, 'Checkout flood');
		updateNoteFields(server, dos, { status: 'mitigated' });
		// Written by the peer while the server freezes; it reaches the server only afterwards.
		updateNoteFields(peer, dos, { likelihood: 1 });
		const late = createNote(peer, { kind: 'threat', question: 2, text: 'Written during the freeze', ...AUTHOR, createdAt: LATER });
		const iteration = freeze(server, control);
		expect(iteration.notes.some((n) => n.id === late)).toBe(false);
		expect(iteration.notes.find((n) => n.id === dos)).toMatchObject({ status: 'mitigated', likelihood: 4 });
		sync(server, peer);
		const diff = diffRooms(iteration, freeze(server, control, LATER));
		expect(diff.entries.map((e) => [e.change, e.id, e.fields.map((f) => f.field)])).toEqual([
			['changed', dos, ['likelihood']],
			['added', late, []]
		]);
	});
});

describe('the "Changes since iteration N" report section', () => {
	it('is a table of the changes, with user text escaped', () => {
		const { board, control } = room();
		const iteration = freeze(board, control);
		createNote(board, { kind: 'threat', question: 2, text: '<img src=x onerror=alert(1)> | [x](https://evil.example)', ...AUTHOR, createdAt: LATER });
		const now = freeze(board, control, LATER);
		const markdown = toMarkdown(now, { changes: { iteration: 1, diff: diffRooms(iteration, now) } });
		const section = markdown.slice(markdown.indexOf('## Changes since iteration 1'), markdown.indexOf('## Parking lot'));
		expect(section).toContain('Iteration 1 was frozen 2026-03-09 11:30 UTC. Since then: 1 added, 0 changed, 0 removed.');
		expect(section).toContain('| Added | T6 \\<img src=x onerror=alert(1)\\> \\| \\[x\\](https\\[:\\]//evil.example) |   |');
		expect(toMarkdown(now)).not.toContain('Changes since');
	});

	it("quotes each value, so a text cannot pass for another field's change, and cuts long ones between emoji", () => {
		const { board, control } = room();
		const iteration = freeze(board, control);
		const threat = listNotes(board).find((n) => n.kind === 'threat')!;
		setNoteText(board, threat.id, `Replay; status: Open → Mitigated; owner: (none) → Alice ${'🔐'.repeat(80)}`);
		const now = freeze(board, control, LATER);
		const markdown = toMarkdown(now, { changes: { iteration: 1, diff: diffRooms(iteration, now) } });
		const row = markdown.split('\n').find((line) => line.startsWith('| Changed |'))!;
		expect(row).toMatch(/text: “.*” → “Replay; status: Open → Mitigated; owner: \(none\) → Alice 🔐+…” \|$/u);
		expect(row).not.toContain('\ufffd');
	});
});
