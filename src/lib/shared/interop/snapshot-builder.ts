/**
 * Builds the RoomSnapshot an import creates: notes in board order per lane, links (each once),
 * room title and scope, the canvas records and tldraw's schema. Text from the source file is
 * cleaned the way the board cleans pasted text (controls and bidi overrides dropped) and cut to
 * the board's limits, and every cut is reported with its path.
 *
 * The result is validated with the snapshot schema, so an importer cannot hand the room builder
 * anything an export could not hold (a failure there is a bug in the importer, and throws).
 */
import { evenlySpacedOrderKeys } from '../board/ordering.ts';
import {
	DEFAULT_NOTE_COLORS,
	MAX_NOTE_TEXT_LENGTH,
	MAX_SCOPE_LENGTH,
	type AgentCapability,
	type LinkRecord,
	type MitigationStatus,
	type Note,
	type NoteKind,
	type PlainNoteKind,
	type QuestionNumber,
	type StrideLetter,
	type ThreatStatus
} from '../board/schema.ts';
import { DEFAULT_VOTE_BUDGET } from '../control/doc.ts';
import type { CanvasRecord } from '../export/canvas-records.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, RoomSnapshot } from '../export/snapshot.ts';
import { cleanText } from '../text.ts';
import { DEFAULT_TITLE, MAX_TITLE_LENGTH } from '../wire/room-links.ts';
import type { Ratings } from './ratings.ts';
import type { ReportBuilder } from './report.ts';
import { SCOPE_CONTINUED, SCOPE_CONTINUED_MARKER } from './room-index.ts';
import { TLDRAW_SCHEMA } from '../canvas/tldraw-schema.ts';

/** Colour of the "author" of imported notes (the source tool): a neutral slate. */
const IMPORT_AUTHOR_COLOR = '#64748b';

/** The lane each kind of imported note goes to. */
const LANE: Record<NoteKind, QuestionNumber> = {
	component: 1,
	asset: 1,
	assumption: 1,
	threat: 2,
	agent: 2,
	mitigation: 3,
	question: 4,
	retro: 4
};

export interface ThreatFields extends Ratings {
	stride: StrideLetter[];
	status: ThreatStatus;
}

export interface SnapshotBuilder {
	plain(kind: PlainNoteKind, text: string, path: string): string;
	threat(text: string, fields: ThreatFields, path: string): string;
	mitigation(text: string, status: MitigationStatus, path: string): string;
	agent(text: string, path: string, capability?: AgentCapability | null): string;
	/**
	 * A note of `kind` with this text, made once: later calls with the same text (ignoring case
	 * and spacing) return the first note's id. For assets and agents that several threats name.
	 */
	shared(kind: 'asset' | 'agent', text: string, path: string): string;
	/** Links a threat to a mitigation, asset or agent note, or any note to a canvas element; each link once. */
	link(kind: 'mitigates' | 'endangers' | 'agent', threatId: string, otherId: string): void;
	canvasLink(noteId: string, elementId: string): void;
	hasNotes(): boolean;
	/** `scopePath` is where the scope came from in the source file (for the report). */
	finish(room: { title: string; scope: string; scopePath: string; createdAt: number; records: CanvasRecord[] }): RoomSnapshot;
}

export interface SnapshotBuilderOptions {
	/** The author shown on every imported note: the source tool's name. */
	author: string;
	/** Creation time of the notes and links (the import's time). */
	now: number;
	report: ReportBuilder;
}

export function createSnapshotBuilder(options: SnapshotBuilderOptions): SnapshotBuilder {
	const { author, now, report } = options;
	const notes: Note[] = [];
	const links = new Map<string, LinkRecord>();
	const sharedNotes = new Map<string, string>();

	function base(kind: NoteKind, text: string, path: string) {
		return {
			id: `n${notes.length + 1}`,
			question: LANE[kind],
			text: noteText(text, path, report),
			author,
			authorColor: IMPORT_AUTHOR_COLOR,
			color: DEFAULT_NOTE_COLORS[kind],
			// Set in `finish`, when each lane's length is known.
			order: '',
			createdAt: now
		};
	}
	function push(note: Note): string {
		notes.push(note);
		return note.id;
	}

	const builder: SnapshotBuilder = {
		plain: (kind, text, path) => push({ ...base(kind, text, path), kind }),
		threat: (text, fields, path) => push({ ...base('threat', text, path), kind: 'threat', ...fields }),
		mitigation: (text, status, path) => push({ ...base('mitigation', text, path), kind: 'mitigation', owner: '', status }),
		agent: (text, path, capability = null) => push({ ...base('agent', text, path), kind: 'agent', motivation: '', capability }),
		shared(kind, text, path) {
			const key = `${kind}:${text.trim().replace(/\s+/g, ' ').toLowerCase()}`;
			const known = sharedNotes.get(key);
			if (known) return known;
			const id = kind === 'agent' ? builder.agent(text, path) : builder.plain('asset', text, path);
			sharedNotes.set(key, id);
			return id;
		},
		link(kind, threatId, otherId) {
			const record: LinkRecord =
				kind === 'mitigates'
					? { kind, threatId, mitigationId: otherId, createdAt: now }
					: kind === 'endangers'
						? { kind, threatId, assetId: otherId, createdAt: now }
						: { kind, threatId, agentId: otherId, createdAt: now };
			links.set(`${kind}:${threatId}|${otherId}`, record);
		},
		canvasLink(noteId, elementId) {
			links.set(`canvas:${noteId}|${elementId}`, { kind: 'canvas', noteId, elementId, createdAt: now });
		},
		hasNotes: () => notes.length > 0,
		finish(room) {
			const scope = scopeText(room.scope, room.scopePath, builder, report);
			placeInLanes(notes);
			const hasCanvas = room.records.some((record) => record.typeName === 'shape');
			const snapshot = {
				format: EXPORT_FORMAT,
				version: EXPORT_VERSION,
				exportedAt: now,
				room: { title: titleText(room.title, report), scope, createdAt: room.createdAt },
				notes,
				links: [...links.values()],
				votes: [],
				voteBudget: DEFAULT_VOTE_BUDGET,
				voteTotals: {},
				canvas: hasCanvas ? { records: room.records, schema: TLDRAW_SCHEMA } : { records: [], schema: null },
				control: null
			};
			const parsed = RoomSnapshot.safeParse(snapshot);
			if (!parsed.success) {
				const issue = parsed.error.issues[0];
				const message = `import built an invalid room at ${issue?.path.join('.')}: ${issue?.message}`;
				// Past a limit (too many notes, links or records) is the file's doing (import-model.ts
				// answers it as a refusal); anything else is a converter's bug.
				throw issue?.code === 'too_big' ? new RangeError(message) : new Error(message);
			}
			return parsed.data;
		}
	};
	return builder;
}

/** Each lane's notes get evenly spaced order keys, in the order they were made. */
function placeInLanes(notes: Note[]): void {
	const lanes = new Map<QuestionNumber, Note[]>();
	for (const note of notes) {
		const lane = lanes.get(note.question);
		if (lane) lane.push(note);
		else lanes.set(note.question, [note]);
	}
	for (const lane of lanes.values()) {
		const keys = evenlySpacedOrderKeys(lane.length);
		lane.forEach((note, i) => (note.order = keys[i]));
	}
}

/** Text as a note holds it: cleaned, trimmed and cut to the board's limit (reported). */
function noteText(text: string, path: string, report: ReportBuilder): string {
	const clean = cleanText(text).trim();
	if (clean.length <= MAX_NOTE_TEXT_LENGTH) return clean;
	report.add(path, `text longer than ${MAX_NOTE_TEXT_LENGTH.toLocaleString('en')} characters was cut`);
	return cutAt(clean, MAX_NOTE_TEXT_LENGTH);
}

/** One line, cleaned, at most MAX_TITLE_LENGTH; the default title when nothing is left. */
function titleText(title: string, report: ReportBuilder): string {
	const line = cleanText(title).replace(/\s+/g, ' ').trim();
	if (line.length <= MAX_TITLE_LENGTH) return line || DEFAULT_TITLE;
	report.add('title', `the title was cut to ${MAX_TITLE_LENGTH} characters`);
	return cutAt(line, MAX_TITLE_LENGTH);
}

/** The scope, cleaned; what does not fit in the board's scope goes on into a component note. */
function scopeText(scope: string, path: string, builder: SnapshotBuilder, report: ReportBuilder): string {
	const clean = cleanText(scope).trim();
	if (clean.length <= MAX_SCOPE_LENGTH) return clean;
	report.add(path, `the description is longer than the scope holds (${MAX_SCOPE_LENGTH.toLocaleString('en')} characters): the rest is in the component note "${SCOPE_CONTINUED}"`);
	// Cut after the last line break that fits, so the scope ends at a line and the note starts one.
	const room = MAX_SCOPE_LENGTH - SCOPE_CONTINUED_MARKER.length;
	const lineEnd = clean.lastIndexOf('\n', room - 1);
	const cut = lineEnd > room / 2 ? lineEnd + 1 : room;
	builder.plain('component', `${SCOPE_CONTINUED}\n\n${clean.slice(cut)}`, path);
	return clean.slice(0, cut) + SCOPE_CONTINUED_MARKER;
}

/** Cuts text to `max` code units without splitting a surrogate pair, ending with an ellipsis. */
export function cutAt(text: string, max: number): string {
	let end = max - 1;
	const code = text.charCodeAt(end - 1);
	if (code >= 0xd800 && code <= 0xdbff) end--;
	return `${text.slice(0, end)}…`;
}
