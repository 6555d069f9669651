import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createCoverageTracker } from '../../../src/lib/shared/board/coverage-live.ts';
import { computeCoverage, type Coverage } from '../../../src/lib/shared/board/coverage.ts';
import { canvasMap, deleteNote, linksMap, listNotes, setStrideLetter, updateNoteFields } from '../../../src/lib/shared/board/doc.ts';
import { addLink, listLinks, removeLink } from '../../../src/lib/shared/board/links.ts';
import { getNoteText } from '../../../src/lib/shared/board/note-text.ts';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import { readCanvasRecords } from '../../../src/lib/shared/export/canvas-records.ts';
import { buildCoverageBoard } from '../../helpers/coverage-board.ts';

/** Coverage read from scratch, as the export reads it. */
function fresh(doc: Y.Doc): Coverage {
	return computeCoverage({ diagram: readDiagram(readCanvasRecords(doc)), notes: listNotes(doc), links: listLinks(doc) });
}

/** The parts a view shows, as plain data. */
function shown(coverage: Coverage) {
	return { rows: coverage.rows, figures: coverage.figures, threatRefs: [...coverage.threatRefs] };
}

describe('createCoverageTracker', () => {
	it('agrees with a fresh computation after every kind of edit, local or remote', () => {
		const { doc, elementIds, threatIds } = buildCoverageBoard({ elements: 40, threats: 60 });
		const tracker = createCoverageTracker(doc);
		let notified = 0;
		tracker.subscribe(() => notified++);
		expect(shown(tracker.current)).toEqual(shown(fresh(doc)));

		const edits: Array<() => void> = [
			() => setStrideLetter(doc, threatIds[3], 'E', true),
			() => addLink(doc, { kind: 'canvas', noteId: threatIds[4], elementId: elementIds[0] }),
			() => removeLink(doc, listLinks(doc).find((l) => l.kind === 'canvas')!.id),
			() => updateNoteFields(doc, threatIds[5], { likelihood: 5, impact: 5, status: 'open' }),
			() => deleteNote(doc, threatIds[6]),
			() => {
				const record = canvasMap(doc).get(elementIds[1]) as Record<string, unknown>;
				canvasMap(doc).set(elementIds[1], { ...record, x: 5_000 });
			},
			() => canvasMap(doc).delete(elementIds[2]),
			// A hostile peer: a link to a note that does not exist, and one whose key does not match.
			() => linksMap(doc).set('canvas:ghost|shape:e0', { kind: 'canvas', noteId: 'ghost', elementId: 'shape:e0', createdAt: 1 }),
			// Not a link at all to any reader: nothing to recompute, no listener called.
			() => linksMap(doc).set('canvas:wrong-key', { kind: 'canvas', noteId: threatIds[7], elementId: 'shape:e0', createdAt: 1 }),
			() => {
				// From another replica.
				const peer = new Y.Doc();
				Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
				setStrideLetter(peer, threatIds[8], 'S', true);
				addLink(peer, { kind: 'canvas', noteId: threatIds[8], elementId: elementIds[5] });
				Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(doc)));
			}
		];
		const unreadable = edits[8];
		for (const edit of edits) {
			const before = notified;
			edit();
			expect(shown(tracker.current)).toEqual(shown(fresh(doc)));
			expect(notified > before).toBe(edit !== unreadable);
		}
		tracker.destroy();
	});

	it('does not recompute for a keystroke in a note, and keeps untouched rows', () => {
		const { doc, threatIds, elementIds } = buildCoverageBoard({ elements: 20, threats: 30 });
		const tracker = createCoverageTracker(doc);
		let notified = 0;
		tracker.subscribe(() => notified++);
		const first = tracker.current;
		doc.transact(() => getNoteText(doc, threatIds[0])?.insert(0, 'typed '));
		expect(notified).toBe(0);
		expect(tracker.current).toBe(first);

		addLink(doc, { kind: 'canvas', noteId: threatIds[0], elementId: elementIds[3] });
		const next = tracker.current;
		expect(notified).toBe(1);
		const changed = next.rows.filter((row, i) => row !== first.rows[i]).map((row) => row.id);
		expect(changed).toEqual([elementIds[3]]);
	});

	it('stops listening when destroyed', () => {
		const { doc, threatIds } = buildCoverageBoard({ elements: 5, threats: 5 });
		const tracker = createCoverageTracker(doc);
		let notified = 0;
		tracker.subscribe(() => notified++);
		tracker.destroy();
		setStrideLetter(doc, threatIds[0], 'E', true);
		expect(notified).toBe(0);
	});
});
