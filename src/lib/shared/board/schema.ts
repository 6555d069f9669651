/**
 * Record shapes of the `board` document, as zod schemas with TypeScript types derived from them.
 *
 * Everything in a shared document was written by some peer, possibly a hostile one: readers
 * validate plain snapshots against these schemas and skip what does not parse. Schemas are strict
 * (unknown keys are errors) and every string has a length limit. Limits on strings are in UTF-16
 * code units, the unit of JavaScript string length and of Y.Text length.
 */
import { z } from 'zod';
import { PRINTABLE, SINGLE_LINE } from '../text.ts';
import { MAX_TITLE_LENGTH } from '../wire/room-links.ts';
import { DisplayName, HexColor } from '../person.ts';
import { MAX_ORDER_KEY_LENGTH, ORDER_KEY_PATTERN } from './ordering.ts';

/** Version of the record shapes below; migrations.ts upgrades older documents to it. */
export const SCHEMA_VERSION = 2;

// ---- Vocabulary -------------------------------------------------------------------------------

/** The four questions as Threatboard asks them (the product brief's wording). */
export const QUESTIONS = {
	1: 'What are we building?',
	2: 'What can go wrong?',
	3: 'What are we going to do about it?',
	4: 'Did we do a good job?'
} as const;
export type QuestionNumber = keyof typeof QUESTIONS;

export const NOTE_KINDS = ['component', 'asset', 'assumption', 'threat', 'mitigation', 'agent', 'question', 'retro'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
/** Kinds without fields of their own. */
export const PLAIN_NOTE_KINDS = ['component', 'asset', 'assumption', 'question', 'retro'] as const;
export type PlainNoteKind = (typeof PLAIN_NOTE_KINDS)[number];

export const NOTE_KIND_LABELS = {
	component: 'Component',
	asset: 'Asset',
	assumption: 'Assumption',
	threat: 'Threat',
	mitigation: 'Mitigation',
	agent: 'Threat agent',
	question: 'Question',
	retro: 'Retro'
} as const satisfies Record<NoteKind, string>;

/** Sticky colours used when createNote is given none. */
export const DEFAULT_NOTE_COLORS = {
	component: '#bfdbfe',
	asset: '#fde68a',
	assumption: '#e5e7eb',
	threat: '#fecaca',
	mitigation: '#bbf7d0',
	agent: '#fed7aa',
	question: '#ddd6fe',
	retro: '#fbcfe8'
} as const satisfies Record<NoteKind, string>;

export const STRIDE = {
	S: 'Spoofing',
	T: 'Tampering',
	R: 'Repudiation',
	I: 'Information disclosure',
	D: 'Denial of service',
	E: 'Elevation of privilege'
} as const;
export type StrideLetter = keyof typeof STRIDE;
/** The letters in their conventional order (snapshots list them in this order). */
export const STRIDE_LETTERS = ['S', 'T', 'R', 'I', 'D', 'E'] as const satisfies readonly StrideLetter[];

export const THREAT_STATUSES = ['open', 'mitigated', 'accepted', 'transferred', 'not_applicable'] as const;
export type ThreatStatus = (typeof THREAT_STATUSES)[number];
export const THREAT_STATUS_LABELS = {
	open: 'Open',
	mitigated: 'Mitigated',
	accepted: 'Accepted',
	transferred: 'Transferred',
	not_applicable: 'Not applicable'
} as const satisfies Record<ThreatStatus, string>;

export const MITIGATION_STATUSES = ['proposed', 'in_progress', 'done', 'wont_do'] as const;
export type MitigationStatus = (typeof MITIGATION_STATUSES)[number];
export const MITIGATION_STATUS_LABELS = {
	proposed: 'Proposed',
	in_progress: 'In progress',
	done: 'Done',
	wont_do: "Won't do"
} as const satisfies Record<MitigationStatus, string>;

/** How capable a threat agent is (resources, skill, access), when the team has judged it. */
export const AGENT_CAPABILITIES = ['low', 'medium', 'high'] as const;
export type AgentCapability = (typeof AGENT_CAPABILITIES)[number];
export const AGENT_CAPABILITY_LABELS = { low: 'Low', medium: 'Medium', high: 'High' } as const satisfies Record<AgentCapability, string>;

/**
 * mitigates: a mitigation addresses a threat; canvas: a note is about a diagram element;
 * endangers: a threat endangers an asset (an asset note); agent: a threat agent (an agent note)
 * is behind a threat. Each is many-to-many.
 */
export const LINK_KINDS = ['mitigates', 'canvas', 'endangers', 'agent'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

// ---- Limits -----------------------------------------------------------------------------------

/** Cap on note text enforced by the local write helpers (setNoteText, insertNoteText). */
export const MAX_NOTE_TEXT_LENGTH = 10_000;
/**
 * Cap applied when reading. Y.Text cannot be capped against peers: two people typing at once
 * into an almost-full note can together pass MAX_NOTE_TEXT_LENGTH, and a hostile peer can write
 * anything. Honest overshoot is small, so readers accept up to twice the cap and treat longer
 * text as hostile (the note is skipped rather than vanishing at the first overshoot).
 */
export const MAX_NOTE_TEXT_READ_LENGTH = 2 * MAX_NOTE_TEXT_LENGTH;
export const MAX_OWNER_LENGTH = 80;
export const MAX_MOTIVATION_LENGTH = 200;
export const MAX_SCOPE_LENGTH = 4_000;
export const MAX_RECORD_ID_LENGTH = 64;
export const MAX_CANVAS_ELEMENT_ID_LENGTH = 128;
/** Dots one voter can put on one note in one entry; far above any sensible budget. */
export const MAX_VOTES_PER_ENTRY = 100;
export const MIN_RATING = 1;
export const MAX_RATING = 5;

// ---- Field schemas ----------------------------------------------------------------------------


/**
 * Note, voter and other record ids (see createRecordId). No ':' or '|', so ids can be joined
 * into map keys without ambiguity.
 */
export const RecordId = z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${MAX_RECORD_ID_LENGTH}}$`));
/** tldraw record ids look like `shape:abc123`. */
export const CanvasElementId = z.string().regex(new RegExp(`^[A-Za-z0-9_:.-]{1,${MAX_CANVAS_ELEMENT_ID_LENGTH}}$`));
export const Question = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export const Rating = z.number().int().min(MIN_RATING).max(MAX_RATING);
export type Rating = z.infer<typeof Rating>;
/** Milliseconds since the Unix epoch, within what a Date holds (a later one made the Markdown export throw). */
export const Timestamp = z.number().int().nonnegative().max(8.64e15);
export const OrderKey = z.string().max(MAX_ORDER_KEY_LENGTH).regex(ORDER_KEY_PATTERN);
export const Title = z.string().max(MAX_TITLE_LENGTH).regex(PRINTABLE);
export const Scope = z.string().max(MAX_SCOPE_LENGTH);
export const Owner = z.string().trim().max(MAX_OWNER_LENGTH).regex(SINGLE_LINE);
export const NoteKindSchema = z.enum(NOTE_KINDS);
export const StrideLetterSchema = z.enum(STRIDE_LETTERS);
export const ThreatStatusSchema = z.enum(THREAT_STATUSES);
export const MitigationStatusSchema = z.enum(MITIGATION_STATUSES);
export const AgentCapabilitySchema = z.enum(AGENT_CAPABILITIES);
export const Motivation = z.string().trim().max(MAX_MOTIVATION_LENGTH).regex(SINGLE_LINE);

// ---- Meta -------------------------------------------------------------------------------------

export const BoardMeta = z.strictObject({
	title: Title,
	scope: Scope,
	createdAt: Timestamp,
	schemaVersion: z.number().int().min(1)
});
export type BoardMeta = z.infer<typeof BoardMeta>;

// ---- Notes (plain snapshots read from the document) -------------------------------------------

// ---- Recorded decisions and estimates on threats (written by the server) -----------------------

/** Statuses that record a risk decision: someone accepted or transferred the risk, for a reason. */
export const DECIDED_STATUSES = ['accepted', 'transferred'] as const;
export type DecidedStatus = (typeof DECIDED_STATUSES)[number];
export const MAX_RATIONALE_LENGTH = 1_000;
/** A calendar date, YYYY-MM-DD (a review date is a day, not a moment). */
export const CalendarDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);

/** Who took a risk decision, why, and until when it holds. */
export const RiskDecision = z.strictObject({
	status: z.enum(DECIDED_STATUSES),
	deciderId: RecordId,
	deciderName: DisplayName,
	rationale: z.string().trim().min(1).max(MAX_RATIONALE_LENGTH),
	reviewBy: CalendarDate,
	decidedAt: Timestamp
});
export type RiskDecision = z.infer<typeof RiskDecision>;

/** One person's private estimate in an estimation round, kept with the agreed values. */
export const EstimatePick = z.strictObject({ participantId: RecordId, name: DisplayName, likelihood: Rating, impact: Rating });
export type EstimatePick = z.infer<typeof EstimatePick>;
export const MAX_ESTIMATE_PICKS = 200;

/** The values a team agreed in an estimation round, with the spread of the picks behind them. */
export const RiskEstimate = z.strictObject({
	likelihood: Rating,
	impact: Rating,
	picks: z.array(EstimatePick).max(MAX_ESTIMATE_PICKS),
	/** max - min of the picks on either axis was at least WIDE_SPREAD: the team discussed it. */
	wideSpread: z.boolean(),
	agreedAt: Timestamp
});
export type RiskEstimate = z.infer<typeof RiskEstimate>;
/** A spread of this much (max - min, on likelihood or impact) is flagged for discussion. */
export const WIDE_SPREAD = 2;

const NoteBase = z.strictObject({
	id: RecordId,
	question: Question,
	text: z.string().max(MAX_NOTE_TEXT_READ_LENGTH),
	author: DisplayName,
	/** The workshop participant who wrote it (two people may share a display name). */
	authorId: RecordId.optional().catch(undefined),
	authorColor: HexColor,
	color: HexColor,
	order: OrderKey,
	createdAt: Timestamp
});

export const PlainNote = NoteBase.extend({ kind: z.enum(PLAIN_NOTE_KINDS) });
export const ThreatNote = NoteBase.extend({
	kind: z.literal('threat'),
	/** Distinct letters in STRIDE_LETTERS order. */
	stride: z.array(StrideLetterSchema).max(STRIDE_LETTERS.length),
	/** null until someone rates the threat. */
	likelihood: Rating.nullable(),
	impact: Rating.nullable(),
	status: ThreatStatusSchema,
	/** The last risk decision (kept when the status moves on, as a record). A bad one is dropped, not the note. */
	decision: RiskDecision.optional().catch(undefined),
	/** The values agreed in an estimation round. */
	estimate: RiskEstimate.optional().catch(undefined)
});
export const MitigationNote = NoteBase.extend({
	kind: z.literal('mitigation'),
	owner: Owner,
	status: MitigationStatusSchema
});
/** Who attacks (the text), with what motivation and capability. */
export const AgentNote = NoteBase.extend({
	kind: z.literal('agent'),
	motivation: Motivation,
	capability: AgentCapabilitySchema.nullable()
});
export const Note = z.discriminatedUnion('kind', [PlainNote, ThreatNote, MitigationNote, AgentNote]);
export type PlainNote = z.infer<typeof PlainNote>;
export type ThreatNote = z.infer<typeof ThreatNote>;
export type MitigationNote = z.infer<typeof MitigationNote>;
export type AgentNote = z.infer<typeof AgentNote>;
export type Note = z.infer<typeof Note>;

// ---- Note input (createNote) and patches (updateNoteFields) -----------------------------------

const NoteInputBase = z.strictObject({
	question: Question,
	text: z.string().max(MAX_NOTE_TEXT_LENGTH).default(''),
	author: DisplayName,
	authorId: RecordId.optional(),
	authorColor: HexColor,
	/** Defaults to DEFAULT_NOTE_COLORS[kind]. */
	color: HexColor.optional(),
	/** Defaults to a key after the last note of the question. */
	order: OrderKey.optional(),
	/** Defaults to Date.now(). */
	createdAt: Timestamp.optional()
});
export const NoteInput = z.discriminatedUnion('kind', [
	NoteInputBase.extend({ kind: z.enum(PLAIN_NOTE_KINDS) }),
	NoteInputBase.extend({
		kind: z.literal('threat'),
		stride: z.array(StrideLetterSchema).max(STRIDE_LETTERS.length * 2).default([]),
		likelihood: Rating.nullable().default(null),
		impact: Rating.nullable().default(null),
		status: ThreatStatusSchema.default('open'),
		/** Only the server records these (and an import, which the server runs). */
		decision: RiskDecision.optional(),
		estimate: RiskEstimate.optional()
	}),
	NoteInputBase.extend({
		kind: z.literal('mitigation'),
		owner: Owner.default(''),
		status: MitigationStatusSchema.default('proposed')
	}),
	NoteInputBase.extend({
		kind: z.literal('agent'),
		motivation: Motivation.default(''),
		capability: AgentCapabilitySchema.nullable().default(null)
	})
]);
/** What createNote accepts (fields with defaults may be omitted). */
export type NoteInput = z.input<typeof NoteInput>;

export const PlainNotePatch = z.strictObject({ color: HexColor }).partial();
export const ThreatNotePatch = z
	.strictObject({
		color: HexColor,
		stride: z.array(StrideLetterSchema).max(STRIDE_LETTERS.length * 2),
		likelihood: Rating.nullable(),
		impact: Rating.nullable(),
		status: ThreatStatusSchema
	})
	.partial();
export const MitigationNotePatch = z
	.strictObject({ color: HexColor, owner: Owner, status: MitigationStatusSchema })
	.partial();
export const AgentNotePatch = z
	.strictObject({ color: HexColor, motivation: Motivation, capability: AgentCapabilitySchema.nullable() })
	.partial();
/** Fields updateNoteFields may change; which ones are allowed depends on the note's kind. */
export type NotePatch =
	| z.input<typeof PlainNotePatch>
	| z.input<typeof ThreatNotePatch>
	| z.input<typeof MitigationNotePatch>
	| z.input<typeof AgentNotePatch>;

// ---- Links ------------------------------------------------------------------------------------

export const MitigatesLink = z.strictObject({
	kind: z.literal('mitigates'),
	threatId: RecordId,
	mitigationId: RecordId,
	createdAt: Timestamp
});
export const CanvasLink = z.strictObject({
	kind: z.literal('canvas'),
	noteId: RecordId,
	elementId: CanvasElementId,
	createdAt: Timestamp
});
export const EndangersLink = z.strictObject({
	kind: z.literal('endangers'),
	threatId: RecordId,
	assetId: RecordId,
	createdAt: Timestamp
});
export const AgentLink = z.strictObject({
	kind: z.literal('agent'),
	threatId: RecordId,
	agentId: RecordId,
	createdAt: Timestamp
});
/** A link as stored (a plain value in the `links` map under linkId(record)). */
export const LinkRecord = z.discriminatedUnion('kind', [MitigatesLink, CanvasLink, EndangersLink, AgentLink]);
export type MitigatesLink = z.infer<typeof MitigatesLink>;
export type CanvasLink = z.infer<typeof CanvasLink>;
export type EndangersLink = z.infer<typeof EndangersLink>;
export type AgentLink = z.infer<typeof AgentLink>;
export type LinkRecord = z.infer<typeof LinkRecord>;
/** A link read from the document, with its map key. */
export type Link = LinkRecord & { id: string };

type LinkEnds =
	| Pick<MitigatesLink, 'kind' | 'threatId' | 'mitigationId'>
	| Pick<CanvasLink, 'kind' | 'noteId' | 'elementId'>
	| Pick<EndangersLink, 'kind' | 'threatId' | 'assetId'>
	| Pick<AgentLink, 'kind' | 'threatId' | 'agentId'>;

/**
 * The map key of a link. Built from the endpoints' roles (threat then mitigation, note then
 * element), not from the order a user drew them in, so everyone adding the same link writes the
 * same key and the `links` map behaves as a set.
 */
export function linkId(link: LinkEnds): string {
	switch (link.kind) {
		case 'mitigates':
			return `mitigates:${link.threatId}|${link.mitigationId}`;
		case 'canvas':
			return `canvas:${link.noteId}|${link.elementId}`;
		case 'endangers':
			return `endangers:${link.threatId}|${link.assetId}`;
		case 'agent':
			return `agent:${link.threatId}|${link.agentId}`;
	}
}

/** The note kinds at each end of a note-to-note link, threat first. */
export const NOTE_LINK_ENDS = {
	mitigates: { threat: 'threat', other: 'mitigation', otherKey: 'mitigationId' },
	endangers: { threat: 'threat', other: 'asset', otherKey: 'assetId' },
	agent: { threat: 'threat', other: 'agent', otherKey: 'agentId' }
} as const satisfies Record<Exclude<LinkKind, 'canvas'>, { threat: 'threat'; other: NoteKind; otherKey: string }>;
export type NoteLinkKind = keyof typeof NOTE_LINK_ENDS;

/** Validates a stored link; its key must match its content, so a peer cannot plant duplicates. */
export function parseLink(key: string, value: unknown): Link | undefined {
	const parsed = LinkRecord.safeParse(value);
	if (!parsed.success || linkId(parsed.data) !== key) return undefined;
	return { ...parsed.data, id: key };
}

// ---- Votes ------------------------------------------------------------------------------------

export const Vote = z.strictObject({
	voterId: RecordId,
	noteId: RecordId,
	count: z.number().int().min(1).max(MAX_VOTES_PER_ENTRY)
});
export type Vote = z.infer<typeof Vote>;

/** The `votes` map key of one voter's dots on one note (the value is the dot count). */
export function voteKey(voterId: string, noteId: string): string {
	return `${voterId}:${noteId}`;
}

/** Validates a stored vote entry; undefined for anything malformed. */
export function parseVote(key: string, value: unknown): Vote | undefined {
	const parts = key.split(':');
	if (parts.length !== 2) return undefined;
	const parsed = Vote.safeParse({ voterId: parts[0], noteId: parts[1], count: value });
	return parsed.success ? parsed.data : undefined;
}
