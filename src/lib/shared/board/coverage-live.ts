/**
 * The coverage of a live board document, kept current as the document changes: what the coverage
 * map, the canvas's crossing marks and the fourth lane's figures read in the browser. The export
 * computes the same thing from a snapshot (export/report.ts); both call computeCoverage.
 *
 * Each transaction re-reads only what it touched: the notes it changed (a keystroke in a note's
 * text changes nothing coverage reads, so it costs one note parse and no recompute), the links
 * and canvas records under the keys it changed. The diagram is re-read only when the canvas
 * changed. The coverage itself is recomputed lazily, at most once per change, when `current` is
 * read; rows that did not change keep their identity (computeCoverage's `previous`).
 */
import type * as Y from 'yjs';
import { readDiagram, type Diagram } from '../canvas/diagram.ts';
import { computeCrossings, type Crossings } from '../canvas/crossings.ts';
import { isCanvasRecord } from '../export/canvas-records.ts';
import { computeCoverage, type Coverage } from './coverage.ts';
import { canvasMap, linksMap, notesMap, readNote } from './doc.ts';
import { changedNoteIds } from './observe.ts';
import { parseLink, type LinkRecord, type Note } from './schema.ts';

export interface CoverageTracker {
	/** The coverage now (recomputed on first read after a change). */
	readonly current: Coverage;
	/** `listener` runs after each transaction that changed what coverage reads; returns the unsubscribe. */
	subscribe(listener: () => void): () => void;
	destroy(): void;
}

export function createCoverageTracker(doc: Y.Doc): CoverageTracker {
	const notes = new Map<string, Note>();
	const links = new Map<string, LinkRecord>();
	const records = new Map<string, unknown>();
	const listeners = new Set<() => void>();

	const readNoteInto = (id: string): boolean => {
		const before = notes.get(id);
		const after = readNote(doc, id);
		if (after) notes.set(id, after);
		else notes.delete(id);
		return coverageKey(before) !== coverageKey(after);
	};
	const readLinkInto = (key: string): boolean => {
		const link = parseLink(key, linksMap(doc).get(key));
		const had = links.has(key);
		if (link) links.set(key, link);
		else links.delete(key);
		return had || link !== undefined;
	};
	const readRecordInto = (key: string): void => {
		const value = canvasMap(doc).get(key);
		if (isCanvasRecord(value) && value.id === key) records.set(key, value);
		else records.delete(key);
	};

	notesMap(doc).forEach((_, id) => readNoteInto(id));
	linksMap(doc).forEach((_, key) => readLinkInto(key));
	canvasMap(doc).forEach((_, key) => readRecordInto(key));

	let diagram: { diagram: Diagram; crossings: Crossings } | undefined;
	let coverage: Coverage | undefined;
	let stale = true;

	const onTransaction = (tr: Y.Transaction) => {
		let changed = false;
		const canvas: unknown = canvasMap(doc);
		const linkRoot: unknown = linksMap(doc);
		for (const [type, keys] of tr.changed) {
			if (type === canvas) {
				for (const key of keys) if (key !== null) readRecordInto(key);
				diagram = undefined;
				changed = true;
			} else if (type === linkRoot) {
				for (const key of keys) if (key !== null && readLinkInto(key)) changed = true;
			}
		}
		for (const id of changedNoteIds(doc, tr)) if (readNoteInto(id)) changed = true;
		if (!changed) return;
		stale = true;
		for (const listener of listeners) listener();
	};
	doc.on('afterTransaction', onTransaction);

	return {
		get current() {
			if (stale || !coverage) {
				if (!diagram) {
					const read = readDiagram([...records.values()]);
					diagram = { diagram: read, crossings: computeCrossings(read) };
				}
				coverage = computeCoverage({ ...diagram, notes: [...notes.values()], links: [...links.values()] }, coverage);
				stale = false;
			}
			return coverage;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		destroy() {
			doc.off('afterTransaction', onTransaction);
			listeners.clear();
		}
	};
}

/** What coverage reads of a note: a change elsewhere (its text, colour, votes) needs no recompute. */
function coverageKey(note: Note | undefined): string {
	if (!note) return '';
	const own = note.kind === 'threat' ? [note.stride.join(''), note.likelihood, note.impact, note.status] : [];
	return JSON.stringify([note.kind, note.createdAt, note.order, ...own]);
}
