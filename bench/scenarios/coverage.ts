/**
 * Issue 13: the live coverage map on a 300-element, 1,000-threat board must be recomputed within
 * 16 ms (p95) after an edit. In-process, no server: the board document is built in memory
 * (tests/helpers/coverage-board.ts) and edited the ways people edit it during a workshop, in turn:
 * a STRIDE letter toggled, a threat linked to an element and unlinked again, a rating changed, a
 * shape moved on the canvas, a character typed into a threat.
 *
 * Measured per edit, from just before the edit's transaction to the recomputed coverage in hand:
 * - ours: the live tracker (board/coverage-live.ts), which re-reads only what the edit touched;
 * - reference: a plain full recompute from the document (every note, link and canvas record read
 *   and validated, the diagram read, computeCoverage), what a view without the tracker would do;
 * - beside them, the export path (snapshot + report) on the same board, once per run: what the
 *   report's coverage costs, not a live figure.
 */
import { createCoverageTracker } from '../../src/lib/shared/board/coverage-live.ts';
import { computeCoverage } from '../../src/lib/shared/board/coverage.ts';
import { canvasMap, listNotes, readNote, setStrideLetter, updateNoteFields } from '../../src/lib/shared/board/doc.ts';
import { addLink, listLinks, removeLink } from '../../src/lib/shared/board/links.ts';
import { getNoteText } from '../../src/lib/shared/board/note-text.ts';
import { readDiagram } from '../../src/lib/shared/canvas/diagram.ts';
import { readCanvasRecords } from '../../src/lib/shared/export/canvas-records.ts';
import { buildReport } from '../../src/lib/shared/export/report.ts';
import { snapshotRoom } from '../../src/lib/shared/export/snapshot.ts';
import { buildCoverageBoard, type CoverageBoard } from '../../tests/helpers/coverage-board.ts';
import { readMachineCpu, waitForQuiet } from '../interference.ts';
import { round, Samples, summarize } from '../stats.ts';

export interface CoverageOptions {
	elements: number;
	threats: number;
	/** Measured edits per side (after the warm-up edits). */
	edits: number;
	warmup: number;
	/** Longest wait for other processes on the machine to go quiet before measuring. */
	quietWaitMs: number;
	progress(message: string): void;
}

const EDIT_KINDS = ['stride', 'link', 'rating', 'move', 'type'] as const;
type EditKind = (typeof EDIT_KINDS)[number];

export async function runCoverage(options: CoverageOptions): Promise<{ ours: object; reference: object }> {
	const { elements, threats } = options;
	options.progress(`building a ${elements}-element, ${threats}-threat board`);
	const quiet = await waitForQuiet(options.quietWaitMs);
	if (!quiet.quiet) options.progress(`machine busy (${quiet.otherCoresBefore} cores used by others); running anyway`);
	const ours = measure(buildCoverageBoard({ elements, threats }), options, (board) => {
		const tracker = createCoverageTracker(board.doc);
		return () => tracker.current;
	});
	options.progress('ours done; reference (full recompute per edit)');
	const reference = measure(buildCoverageBoard({ elements, threats }), { ...options, edits: Math.ceil(options.edits / 4) }, (board) => () => {
		const diagram = readDiagram(readCanvasRecords(board.doc));
		return computeCoverage({ diagram, notes: listNotes(board.doc), links: listLinks(board.doc) });
	});
	const exportBoard = buildCoverageBoard({ elements, threats });
	const started = performance.now();
	buildReport(snapshotRoom(exportBoard.doc, undefined, { exportedAt: 0 }));
	const exportMs = performance.now() - started;
	return {
		ours: { ...ours, machineBefore: quiet },
		reference: { ...reference, exportSnapshotAndReportMs: round(exportMs) }
	};
}

function measure(board: CoverageBoard, options: CoverageOptions, setUp: (board: CoverageBoard) => () => unknown): object {
	const recompute = setUp(board);
	const machineStart = readMachineCpu();
	const ownStart = process.cpuUsage();
	const wallStart = performance.now();
	const first = performance.now();
	recompute();
	const firstMs = performance.now() - first;
	const all = new Samples();
	const byKind = Object.fromEntries(EDIT_KINDS.map((k) => [k, new Samples()])) as Record<EditKind, Samples>;
	const edit = editor(board);
	for (let i = 0; i < options.warmup + options.edits; i++) {
		const kind = EDIT_KINDS[i % EDIT_KINDS.length];
		const started = performance.now();
		edit(kind, i);
		recompute();
		const ms = performance.now() - started;
		if (i < options.warmup) continue;
		all.push(ms);
		byKind[kind].push(ms);
	}
	// Everyone's CPU but ours, in cores, over the run: tails above p50 follow it closely.
	const wall = (performance.now() - wallStart) / 1000;
	const own = process.cpuUsage(ownStart);
	const otherCpuCores = round(Math.max(0, readMachineCpu().busySeconds - machineStart.busySeconds - (own.user + own.system) / 1e6) / wall);
	return {
		board: { elements: options.elements, threats: options.threats, flows: board.flowIds.length },
		load: { wallSeconds: round(wall), otherCpuCores },
		firstComputeMs: round(firstMs),
		afterEditMs: summarize(all),
		byEditKindMs: Object.fromEntries(EDIT_KINDS.map((k) => [k, summarize(byKind[k])]))
	};
}

/** Applies the i-th edit of a kind; links and letters are undone by the next edit of their kind. */
function editor({ doc, elementIds, threatIds }: CoverageBoard): (kind: EditKind, i: number) => void {
	let linked: string | undefined;
	return (kind, i) => {
		const threat = threatIds[(i * 37) % threatIds.length];
		const note = readNote(doc, threat);
		const fields = note?.kind === 'threat' ? note : undefined;
		switch (kind) {
			case 'stride':
				setStrideLetter(doc, threat, 'E', !fields?.stride.includes('E'));
				return;
			case 'link':
				if (linked) {
					removeLink(doc, linked);
					linked = undefined;
				} else {
					const result = addLink(doc, { kind: 'canvas', noteId: threat, elementId: elementIds[(i * 11) % elementIds.length] });
					if (result.ok) linked = result.id;
				}
				return;
			case 'rating':
				updateNoteFields(doc, threat, { likelihood: fields?.likelihood === 5 ? 1 : 5 });
				return;
			case 'move': {
				// What the canvas binding writes when a shape is dragged: the record, replaced.
				const id = elementIds[(i * 7) % elementIds.length];
				const canvas = canvasMap(doc);
				const record = canvas.get(id) as Record<string, unknown>;
				canvas.set(id, { ...record, x: (record.x as number) + (i % 2 === 0 ? 700 : -700) });
				return;
			}
			case 'type':
				doc.transact(() => getNoteText(doc, threat)?.insert(0, 'x'));
				return;
		}
	};
}
