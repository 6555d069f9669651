/**
 * A workshop as a threat-composer export (`.tc.json`, schema 1), as threat-composer writes them:
 * threats with their statement, STRIDE letters and priority (from likelihood x impact), status,
 * threat source (the first threat agent linked) and impacted assets (the assets linked);
 * mitigations with their status and links; assumptions; the title and scope as application info;
 * component notes as the architecture description and the diagram's flows as the data-flow
 * description. Texts longer than threat-composer accepts are cut (docs/INTEROP.md).
 *
 * Deterministic: the same workshop gives the same bytes (ids are derived from note ids).
 */
import { readDiagram } from '../canvas/diagram.ts';
import { RISK_BAND_LABELS } from '../board/risk.ts';
import type { Note } from '../board/schema.ts';
import { escapeInline, escapeLine, withoutImagesOrHtml } from '../export/markdown-text.ts';
import type { RoomSnapshot } from '../export/snapshot.ts';
import { cleanJsonStrings, cleanText } from '../text.ts';
import { importedBy } from './import-authors.ts';
import { bandOf } from './ratings.ts';
import { indexRoom, type RoomIndex } from './room-index.ts';
import { cutAt } from './snapshot-builder.ts';
import { stableUuid } from './stable-id.ts';
import {
	TC_ARCHITECTURE_HEADING,
	TC_DATAFLOW_HEADING,
	TC_LIMITS,
	TC_MITIGATION_STATUS_EXPORT,
	TC_SCHEMA_VERSION,
	TC_THREAT_STATUS_EXPORT,
	TC_TRAILER_LABELS
} from './threat-composer-format.ts';
import { TC_AUTHOR } from './threat-composer-import.ts';
import { splitTrailer } from './trailer.ts';

type Json = Record<string, unknown>;

export function toThreatComposer(snapshot: RoomSnapshot): string {
	return `${JSON.stringify(buildThreatComposerModel(snapshot), cleanJsonStrings, 2)}\n`;
}

const uuid = (id: string) => stableUuid(`tc:${id}`);
const cut = (text: string, max: number) => (text.length > max ? cutAt(text, max) : text);

export function buildThreatComposerModel(snapshot: RoomSnapshot): Json {
	const index = indexRoom(snapshot);
	const architectureNote = headed(index, TC_ARCHITECTURE_HEADING);
	const dataflowNote = headed(index, TC_DATAFLOW_HEADING);
	const used = new Set([architectureNote?.note.id, dataflowNote?.note.id, index.scope.continuationId]);
	const otherComponents = index.plain('component').filter((note) => !used.has(note.id));

	const threats = index.threats.map((threat, i) => {
		const { statement, metadata, tags } = itemText(threat, TC_LIMITS.statement);
		const band = bandOf(threat);
		if (band) metadata.unshift({ key: 'Priority', value: band === 'critical' ? 'High' : RISK_BAND_LABELS[band] });
		if (threat.stride.length) metadata.push({ key: 'STRIDE', value: threat.stride });
		const source = index.agentsOf(threat.id)[0];
		const assets = index.assetsOf(threat.id).map((asset) => cut(asset.text.trim(), TC_LIMITS.grammarPart)).filter(Boolean);
		return {
			id: uuid(threat.id),
			numericId: i + 1,
			displayOrder: i + 1,
			metadata,
			...(tags.length ? { tags } : {}),
			...(source ? { threatSource: cut(source.text.trim(), TC_LIMITS.grammarPart) } : {}),
			...(assets.length ? { impactedAssets: assets } : {}),
			statement,
			status: TC_THREAT_STATUS_EXPORT[threat.status]
		};
	});
	const mitigations = index.mitigations.map((mitigation, i) => {
		const { statement, metadata, tags } = itemText(mitigation, TC_LIMITS.content);
		return { id: uuid(mitigation.id), numericId: i + 1, displayOrder: i + 1, metadata, ...(tags.length ? { tags } : {}), content: statement, status: TC_MITIGATION_STATUS_EXPORT[mitigation.status] };
	});
	const assumptions = index.plain('assumption').map((assumption, i) => {
		const { statement, metadata, tags } = itemText(assumption, TC_LIMITS.content);
		return { id: uuid(assumption.id), numericId: i + 1, displayOrder: i + 1, metadata, ...(tags.length ? { tags } : {}), content: statement };
	});
	const mitigationLinks = index.threats.flatMap((threat) =>
		index.mitigationsOf(threat.id).map((mitigation) => ({ mitigationId: uuid(mitigation.id), linkedId: uuid(threat.id) }))
	);

	return {
		schema: TC_SCHEMA_VERSION,
		applicationInfo: { name: cut(snapshot.room.title, TC_LIMITS.name), description: cut(withoutImagesOrHtml(index.scope.text), TC_LIMITS.description) },
		architecture: { description: cut(architectureText(architectureNote?.text, otherComponents), TC_LIMITS.description) },
		dataflow: { description: cut(dataflowText(dataflowNote?.text, snapshot), TC_LIMITS.description) },
		assumptions,
		mitigations,
		assumptionLinks: [],
		mitigationLinks,
		threats
	};
}

/** The component note an import made for a description ("Architecture" then the text), if any. */
function headed(index: RoomIndex, heading: string): { note: Note; text: string } | undefined {
	const note = index.plain('component').find((n) => importedBy(n, TC_AUTHOR) && n.text.startsWith(`${heading}\n\n`) && index.elementsOf(n.id).length === 0);
	return note ? { note, text: note.text.slice(heading.length + 2) } : undefined;
}

/** A note's text as threat-composer holds it: the body, and its tags and comments (trailer.ts) back as fields. */
function itemText(note: Note, max: number): { statement: string; metadata: Json[]; tags: string[] } {
	const { body, fields } = splitTrailer(cleanText(note.text), TC_TRAILER_LABELS);
	const metadata: Json[] = fields.Comments?.trim() ? [{ key: 'Comments', value: cut(fields.Comments.trim(), TC_LIMITS.comment) }] : [];
	const tags = [...new Set((fields.Tags ?? '').split(', ').map((tag) => cut(tag.trim(), TC_LIMITS.tag)).filter(Boolean))];
	return { statement: cut(body.trim(), max), metadata, tags };
}

/**
 * threat-composer shows these descriptions, and the application's, as Markdown. The text of an
 * imported description is Markdown and goes back as Markdown, with its links but without images
 * or HTML (anyone may have edited it since); the notes and labels participants wrote are escaped
 * as the report escapes them, or an image in a note fetched its address for whoever opened the model.
 */
function architectureText(imported: string | undefined, components: Note[]): string {
	const list = components.map((note) => `- ${cleanText(note.text).trim().split('\n').map(escapeLine).join('\n  ')}`);
	return [imported && withoutImagesOrHtml(imported), list.length ? `### Components\n\n${list.join('\n')}` : ''].filter(Boolean).join('\n\n');
}

/** The imported data-flow description, and the flows of the canvas diagram as a list. */
function dataflowText(imported: string | undefined, snapshot: RoomSnapshot): string {
	const diagram = readDiagram(snapshot.canvas.records);
	const names = new Map([...diagram.elements, ...diagram.boundaries].map((item) => [item.id, escapeInline(cleanText(item.label).split('\n').join(' ')) || 'unnamed']));
	const end = (id: string | null) => (id ? (names.get(id) ?? 'unnamed') : 'nothing');
	const flows = diagram.flows.map((flow) => `- ${end(flow.from)} → ${end(flow.to)}${flow.label ? `: ${escapeInline(cleanText(flow.label).split('\n').join(' '))}` : ''}`);
	return [imported && withoutImagesOrHtml(imported), flows.length ? `### Data flows\n\n${flows.join('\n')}` : ''].filter(Boolean).join('\n\n');
}
