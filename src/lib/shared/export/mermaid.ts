/**
 * The data-flow diagram as a Mermaid flowchart (which GitHub and GitLab render): elements are
 * nodes shaped by kind, data flows labelled edges, trust boundaries subgraphs (nested as on the
 * canvas). Node ids are generated (e1, f1, b1 from the report's references), never taken from
 * user text, and every label is quoted with Mermaid's entity codes for anything that could end
 * the string, start a comment, inject markup or close the surrounding Markdown fence.
 */
import type { DiagramNodeKind } from '../canvas/diagram.ts';
import { cleanText } from '../text.ts';
import { truncate } from './markdown-text.ts';
import type { DiagramRef, Report, ReportElement } from './report.ts';

/** Longer labels are cut: the diagram is an overview, the tables carry the full names. */
export const MAX_MERMAID_LABEL_CHARS = 80;
/**
 * Longest flowchart the report holds. Mermaid refuses a text over 50,000 characters by default
 * (GitHub shows an error instead of the diagram); escaped labels grow, so about 150 elements
 * named "&&&..." reached it. Past this the report says so and leaves the diagram to its tables.
 */
export const MAX_MERMAID_CHARS = 45_000;

/** Opening and closing brackets per node kind: DFD notation as far as Mermaid allows. */
const NODE_SHAPES: Record<DiagramNodeKind, [string, string]> = {
	'external-entity': ['[', ']'], // rectangle
	'model-dependency': ['[[', ']]'], // subroutine: another model
	process: ['((', '))'], // circle
	'data-store': ['[(', ')]'], // cylinder
	other: ['(', ')'] // rounded rectangle
};

// Characters replaced by Mermaid entity codes inside a quoted label: the quote (the only thing
// that ends a quoted string), HTML markup and entities, Mermaid's entity introducer, the comment
// marker, the edge-label delimiter, and the backtick (Markdown strings, and the enclosing fence).
// Brackets, keywords and arrows are inert inside quotes and stay readable.
const MERMAID_SPECIAL = /["#&<>%|`\\]/g;

export function mermaidLabel(text: string): string {
	const flat = cleanText(text).replace(/\s+/g, ' ').trim();
	const { text: cut, truncated } = truncate(flat, MAX_MERMAID_LABEL_CHARS);
	const escaped = (cut + (truncated ? '…' : '')).replace(MERMAID_SPECIAL, (ch) => `#${ch.codePointAt(0)};`);
	return `"${escaped}"`;
}

/** Mermaid's node id for a diagram reference (E1 -> e1). */
export function mermaidId(ref: DiagramRef): string {
	return ref.ref.toLowerCase();
}

/** The flowchart source, or undefined when the canvas holds no diagram. */
export function toMermaid(report: Report): string | undefined {
	const { elements, flows, boundaries } = report;
	if (elements.length === 0 && boundaries.length === 0) return undefined;
	const lines = ['flowchart LR'];

	const parentOf = new Map(report.diagram.boundaries.map((b) => [b.id, b.parentId]));
	const childBoundaries = (parentId: string | null) => boundaries.filter((b) => (parentOf.get(b.id) ?? null) === parentId);
	const childElements = (boundaryId: string | null) => elements.filter((e) => (e.boundary?.id ?? null) === boundaryId);

	const emit = (boundaryId: string | null, depth: number) => {
		const pad = '    '.repeat(depth);
		for (const element of childElements(boundaryId)) lines.push(`${pad}${node(element)}`);
		for (const boundary of childBoundaries(boundaryId)) {
			lines.push(`${pad}subgraph ${mermaidId(boundary)} [${mermaidLabel(boundary.name)}]`);
			emit(boundary.id, depth + 1);
			lines.push(`${pad}end`);
		}
	};
	emit(null, 1);

	for (const flow of flows) {
		if (!flow.from || !flow.to) continue; // an arrow not bound at both ends has no place here
		const label = flow.label === '' ? '' : `|${mermaidLabel(flow.label)}|`;
		lines.push(`    ${mermaidId(flow.from)} -->${label} ${mermaidId(flow.to)}`);
	}
	return lines.join('\n');
}

function node(element: ReportElement): string {
	const [open, close] = NODE_SHAPES[element.kind as DiagramNodeKind];
	return `${mermaidId(element)}${open}${mermaidLabel(element.name)}${close}`;
}
