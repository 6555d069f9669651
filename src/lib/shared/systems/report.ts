/**
 * The system report (issue 15, item 4): one Markdown (and JSON) document for the whole system:
 * every model's summary, the dependencies between models as a Mermaid graph, and every launch
 * blocker in one table. Built from the system view (api.ts), so the page and the report show the
 * same figures. Workshop links are left out even when the owner asks: a report is a file that
 * travels, and a workshop link is an edit capability.
 *
 * User text (system, model and threat names) goes through the export's escaping: tableCell and
 * headingText for Markdown, mermaidLabel (entity codes, quoted) for the graph, whose node ids are
 * generated (m1, m2 …), never taken from names.
 */
import { fileSlug } from '../export/formats.ts';
import { strideText } from '../export/report.ts';
import { MAX_MERMAID_CHARS, mermaidLabel } from '../export/mermaid.ts';
import { headingText, table, tableCell } from '../export/markdown-text.ts';
import type { LaunchBlocker, ModelStatus, SystemView } from './api.ts';

export interface SystemReportJson {
	format: 'threatboard-system-report';
	version: 1;
	name: string;
	generatedAt: string;
	highRiskMin: number;
	models: Array<Omit<ModelStatus, 'link'>>;
	/** Model A's diagram references model B: { from: A, to: B } (model refs). */
	dependencies: Array<{ from: string; to: string }>;
	blockers: LaunchBlocker[];
}

/** The edges between models of the view (references to refs outside it are dropped). */
export function systemDependencies(view: SystemView): Array<{ from: string; to: string }> {
	const known = new Set(view.models.map((m) => m.modelRef));
	return view.models.flatMap((m) => m.dependsOn.filter((to) => known.has(to) && to !== m.modelRef).map((to) => ({ from: m.modelRef, to })));
}

export function toSystemReportJson(view: SystemView): SystemReportJson {
	return {
		format: 'threatboard-system-report',
		version: 1,
		name: view.name,
		generatedAt: new Date(view.readAt).toISOString(),
		highRiskMin: view.highRiskMin,
		models: view.models.map(({ link: _link, ...model }) => model),
		dependencies: systemDependencies(view),
		blockers: view.blockers
	};
}

/** The dependency graph as a Mermaid flowchart; undefined when the system has no models. */
export function systemMermaid(view: SystemView): string | undefined {
	if (view.models.length === 0) return undefined;
	const ids = new Map(view.models.map((m, i) => [m.modelRef, `m${i + 1}`]));
	const lines = ['flowchart LR'];
	for (const model of view.models) {
		const label = mermaidLabel(model.removed ? `${model.name} (removed)` : model.name);
		lines.push(`    ${ids.get(model.modelRef)}[${label}]`);
	}
	for (const { from, to } of systemDependencies(view)) lines.push(`    ${ids.get(from)} -->|depends on| ${ids.get(to)}`);
	return lines.join('\n');
}

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function toSystemReportMarkdown(view: SystemView): string {
	const parts: string[] = [];
	const live = view.models.filter((m) => !m.removed);
	parts.push(`# System report: ${headingText(view.name)}`);
	parts.push(
		`Generated ${date(view.readAt)} (UTC). ${live.length} model${live.length === 1 ? '' : 's'}, ` +
			`${view.blockers.length} launch blocker${view.blockers.length === 1 ? '' : 's'} ` +
			`(open threats with risk ${view.highRiskMin} or more and no accepted risk decision).`
	);

	parts.push('## Models');
	if (view.models.length === 0) parts.push('_No models yet._');
	else {
		parts.push(
			table(
				['Model', 'Threats', 'Open high-risk', 'Coverage', 'Last iteration', 'Depends on'],
				view.models.map((m) => [
					tableCell(m.name) + (m.removed ? ' (removed)' : ''),
					m.removed ? '–' : String(m.threatCount),
					m.removed ? '–' : String(m.openHighRiskCount),
					m.coverage === null ? '–' : `${m.coverage}%`,
					m.lastIteration ? `${m.lastIteration.number} (${date(m.lastIteration.createdAt)})` : 'none',
					m.dependsOn.map((ref) => tableCell(view.models.find((o) => o.modelRef === ref)?.name ?? 'unknown model')).join(', ') || '–'
				])
			)
		);
	}

	parts.push('## Dependencies between models');
	const graph = systemMermaid(view);
	if (!graph || systemDependencies(view).length === 0) parts.push('_No model references another._');
	if (graph && graph.length > MAX_MERMAID_CHARS) parts.push(`_The graph is too large to draw here (${graph.length.toLocaleString('en')} characters as a flowchart): the models table above lists what each depends on._`);
	else if (graph) parts.push('```mermaid\n' + graph + '\n```');

	parts.push('## Launch blockers');
	if (view.blockers.length === 0) parts.push('_None: no open high-risk threat in any model._');
	else {
		parts.push(
			table(
				['Model', 'Threat', 'Risk', 'STRIDE'],
				view.blockers.map((b) => [tableCell(b.modelName), `${tableCell(b.threat.ref)} ${tableCell(b.threat.title)}`, String(b.threat.risk), strideText(b.threat.stride) || '–'])
			)
		);
	}
	return parts.join('\n\n') + '\n';
}

export function systemReportFileName(view: SystemView, format: 'md' | 'json'): string {
	return `system-report-${fileSlug(view.name) || 'system'}-${date(view.readAt)}.${format}`;
}
