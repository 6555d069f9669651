/**
 * The import report: what an import creates (counted from the snapshot it built, so the preview
 * and the server agree) and every part of the source file that could not be carried over as it
 * was, with its path in the file. Nothing is dropped silently: a converter that skips or changes
 * something says so here.
 *
 * Entries are grouped by message ("Threat Dragon's element properties ... kept as text") with the
 * paths they apply to, so a file with 300 threats gives one readable line, not 300.
 */
import { readDiagram } from '../canvas/diagram.ts';
import type { RoomSnapshot } from '../export/snapshot.ts';
import type { InputError } from './json-input.ts';
import type { ImportFormat } from './import-formats.ts';

export { ACCEPTED_FORMATS_TEXT, IMPORT_FORMATS, type ImportFormat } from './import-formats.ts';

export interface ImportCounts {
	diagrams: number;
	elements: number;
	flows: number;
	boundaries: number;
	threats: number;
	mitigations: number;
	assets: number;
	assumptions: number;
	agents: number;
	/** Component notes (descriptions of the system and its elements). */
	components: number;
	/** Note-to-note and note-to-element links. */
	links: number;
}

export interface ReportEntry {
	/** What happened, the same for every path it applies to. */
	message: string;
	/** Where in the source file (dot-separated JSON paths), at most MAX_PATHS_PER_ENTRY of them. */
	paths: string[];
	/** How many places it applies to (may exceed paths.length). */
	count: number;
}

export interface ImportReport {
	format: ImportFormat;
	title: string;
	created: ImportCounts;
	/** Everything that was not carried over as it was: skipped, cut, or changed. */
	notMapped: ReportEntry[];
}

/** Paths listed per entry; the count says how many more there were. */
export const MAX_PATHS_PER_ENTRY = 50;
/** Distinct messages kept; a hostile file cannot grow the report without bound. */
const MAX_ENTRIES = 200;

export interface ReportBuilder {
	/** Notes that `path` in the source was not carried over as it was, and why. */
	add(path: string, message: string): void;
	entries(): ReportEntry[];
}

export function createReportBuilder(): ReportBuilder {
	const byMessage = new Map<string, ReportEntry>();
	let overflow: ReportEntry | undefined;
	return {
		add(path, message) {
			let entry = byMessage.get(message);
			if (!entry) {
				if (byMessage.size >= MAX_ENTRIES) {
					overflow ??= { message: 'more problems of other kinds (not listed)', paths: [], count: 0 };
					overflow.count++;
					return;
				}
				entry = { message, paths: [], count: 0 };
				byMessage.set(message, entry);
			}
			entry.count++;
			if (entry.paths.length < MAX_PATHS_PER_ENTRY) entry.paths.push(path);
		},
		entries() {
			return overflow ? [...byMessage.values(), overflow] : [...byMessage.values()];
		}
	};
}

/** A JSON path as the reports print it: keys and indices joined by dots. */
export function joinPath(...parts: Array<string | number>): string {
	return parts.filter((part) => part !== '').join('.');
}

/**
 * What a snapshot holds, in the report's terms. Diagram elements, flows and boundaries are read
 * back from the canvas records the way the rest of the app reads them; `diagrams` is the number
 * of diagrams the source had (canvas records do not say).
 */
export function countSnapshot(snapshot: RoomSnapshot, diagrams: number): ImportCounts {
	const diagram = readDiagram(snapshot.canvas.records);
	const kinds = new Map<string, number>();
	for (const note of snapshot.notes) kinds.set(note.kind, (kinds.get(note.kind) ?? 0) + 1);
	return {
		diagrams,
		elements: diagram.elements.filter((element) => element.kind !== 'other').length,
		flows: diagram.flows.length,
		boundaries: diagram.boundaries.length,
		threats: kinds.get('threat') ?? 0,
		mitigations: kinds.get('mitigation') ?? 0,
		assets: kinds.get('asset') ?? 0,
		assumptions: kinds.get('assumption') ?? 0,
		agents: kinds.get('agent') ?? 0,
		components: kinds.get('component') ?? 0,
		links: snapshot.links.length
	};
}

export interface ImportContext {
	/** The import's time (ms since the epoch): notes' and the room's creation time when the file has none. */
	now: number;
}

/** A converted file, or why it was refused. */
export type ConvertResult = { ok: true; snapshot: RoomSnapshot; report: ImportReport } | InputError;
