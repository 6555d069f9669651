/**
 * Reading the Markdown export back as a GFM parser sees it (micromark + mdast, as GitHub's
 * renderer does), and a structural check of the Mermaid flowchart grammar the export emits
 * (the mermaid package needs a DOM, so it cannot parse in Node).
 */
import type { Nodes, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

export function parseGfm(markdown: string): Root {
	return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

export function walk(node: Nodes, visit: (node: Nodes) => void): void {
	visit(node);
	if ('children' in node) for (const child of node.children) walk(child as Nodes, visit);
}

export function nodesOfType<T extends Nodes['type']>(root: Root, type: T): Array<Extract<Nodes, { type: T }>> {
	const found: Nodes[] = [];
	walk(root, (node) => {
		if (node.type === type) found.push(node);
	});
	return found as Array<Extract<Nodes, { type: T }>>;
}

/** The text a reader sees: text and code values, hard breaks as newlines. */
export function textOf(node: Nodes): string {
	if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code' || node.type === 'html') return node.value;
	if (node.type === 'break') return '\n';
	if ('children' in node) return node.children.map((child) => textOf(child as Nodes)).join('');
	return '';
}

export function headings(root: Root): string[] {
	return nodesOfType(root, 'heading').map((h) => `${'#'.repeat(h.depth)} ${textOf(h)}`);
}

/** Every heading of a full report (a room with a diagram and boundaries), in order. */
export function reportHeadings(title: string): string[] {
	return [
		`# Threat model: ${title}`,
		'## Time per question',
		'## 1. What are we building?',
		'### Scope',
		'### Components',
		'### Assets',
		'### Assumptions',
		'### Diagram',
		'### Elements',
		'### Data flows',
		'### Trust boundaries',
		'### Data flows crossing trust boundaries',
		'## 2. What can go wrong?',
		'### Risk estimates',
		'### Threats by asset',
		'### Threat agents',
		'## 3. What are we going to do about it?',
		'### Threats no mitigation addresses',
		'### Risk decisions',
		'## 4. Did we do a good job?',
		'### Retro',
		'### Closing poll',
		'### Coverage',
		'#### STRIDE per element',
		'#### Open high-risk threats (risk 10 or more)',
		'#### Diagram elements with no threat',
		'## Parking lot'
	];
}

/** Each table as rows of cell texts (header row first). */
export function tables(root: Root): string[][][] {
	return nodesOfType(root, 'table').map((table: Table) => table.children.map((row) => row.children.map((cell) => textOf(cell))));
}

/** The table that directly follows the heading with this text (tables carry no caption). */
export function tableAfter(root: Root, heading: string): string[][] | undefined {
	const index = root.children.findIndex((node) => node.type === 'heading' && textOf(node) === heading);
	if (index < 0) return undefined;
	for (const node of root.children.slice(index + 1)) {
		if (node.type === 'table') return node.children.map((row) => row.children.map((cell) => textOf(cell)));
		if (node.type === 'heading') return undefined;
	}
	return undefined;
}

/** Node types that could execute, load or link to something; only safe autolinks are allowed. */
export function dangerousNodes(root: Root): string[] {
	const problems: string[] = [];
	walk(root, (node) => {
		if (node.type === 'html') problems.push(`html: ${node.value}`);
		if (['image', 'imageReference', 'linkReference', 'definition', 'footnoteReference', 'footnoteDefinition'].includes(node.type)) {
			problems.push(node.type);
		}
		if (node.type === 'link' && !/^(https?:\/\/|mailto:)/i.test(node.url)) problems.push(`link: ${node.url}`);
	});
	return problems;
}

// ---- Mermaid ----------------------------------------------------------------------------------

const LABEL = String.raw`"((?:[^"#&<>%|\x60\\]|#\d+;)*)"`;
const NODE = new RegExp(String.raw`^(\s+)(e\d+)(?:\[${LABEL}\]|\(\(${LABEL}\)\)|\[\(${LABEL}\)\]|\(${LABEL}\))$`);
const SUBGRAPH = new RegExp(String.raw`^(\s+)subgraph (b\d+) \[${LABEL}\]$`);
const END = /^(\s+)end$/;
const EDGE = new RegExp(String.raw`^    ([eb]\d+) -->(?:\|${LABEL}\|)? ([eb]\d+)$`);

export interface MermaidShape {
	nodes: Map<string, string>;
	subgraphs: Map<string, string>;
	edges: Array<{ from: string; to: string; label: string | undefined }>;
	/** Node or subgraph id -> enclosing subgraph id (undefined at the top level). */
	parents: Map<string, string | undefined>;
}

export function decodeMermaidLabel(label: string): string {
	return label.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

/**
 * Checks every line against the grammar the export emits and returns what it declares. Throws
 * on any line that does not match, unbalanced subgraphs, duplicate ids or edges to nowhere.
 */
export function checkMermaid(source: string): MermaidShape {
	const lines = source.split('\n');
	if (lines[0] !== 'flowchart LR') throw new Error(`bad header: ${lines[0]}`);
	const shape: MermaidShape = { nodes: new Map(), subgraphs: new Map(), edges: [], parents: new Map() };
	const stack: string[] = [];
	const declare = (id: string, label: string, map: Map<string, string>) => {
		if (shape.nodes.has(id) || shape.subgraphs.has(id)) throw new Error(`duplicate id ${id}`);
		map.set(id, decodeMermaidLabel(label));
		shape.parents.set(id, stack.at(-1));
	};
	let edges = false;
	for (const line of lines.slice(1)) {
		const node = NODE.exec(line);
		const subgraph = SUBGRAPH.exec(line);
		const edge = EDGE.exec(line);
		const indentOk = (indent: string) => indent.length === 4 * (stack.length + 1);
		if (node && !edges && indentOk(node[1])) {
			declare(node[2], node.slice(3).find((g) => g !== undefined)!, shape.nodes);
		} else if (subgraph && !edges && indentOk(subgraph[1])) {
			declare(subgraph[2], subgraph[3], shape.subgraphs);
			stack.push(subgraph[2]);
		} else if (END.test(line) && stack.length > 0 && END.exec(line)![1].length === 4 * stack.length) {
			stack.pop();
		} else if (edge) {
			edges = true;
			shape.edges.push({ from: edge[1], to: edge[3], label: edge[2] === undefined ? undefined : decodeMermaidLabel(edge[2]) });
		} else {
			throw new Error(`line does not match the flowchart grammar: ${JSON.stringify(line)}`);
		}
	}
	if (stack.length > 0) throw new Error('unclosed subgraph');
	for (const { from, to } of shape.edges) {
		for (const id of [from, to]) if (!shape.nodes.has(id) && !shape.subgraphs.has(id)) throw new Error(`edge to undeclared ${id}`);
	}
	return shape;
}
