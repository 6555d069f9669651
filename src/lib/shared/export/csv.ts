/**
 * Threats as CSV (RFC 4180), one row per threat with its mitigations, the assets it endangers, the
 * threat agents behind it and the trust boundaries its data flows cross, for spreadsheets and issue
 * trackers. UTF-8 with a byte-order mark (so spreadsheet programs read emoji and non-Latin
 * scripts correctly), CRLF line ends, every field quoted. Cells that a spreadsheet would run as
 * a formula (starting with = + - @, after any blanks) get a leading apostrophe.
 */
import { MITIGATION_STATUS_LABELS, THREAT_STATUS_LABELS } from '../board/schema.ts';
import { cleanText } from '../text.ts';
import { buildReport, strideText, type DiagramRef, type ReportThreat } from './report.ts';
import { rangeText } from './risk.ts';
import type { RoomSnapshot } from './snapshot.ts';

export const CSV_COLUMNS = [
	'ID',
	'Threat',
	'STRIDE',
	'Elements',
	'Likelihood',
	'Impact',
	'Risk',
	'Votes',
	'Status',
	'Mitigations',
	'Mitigation owners',
	'Mitigation statuses',
	// Issue 14, appended so that sheets reading columns by position keep working.
	'Decision',
	'Decided by',
	'Rationale',
	'Review by',
	'Estimate spread',
	'Estimated by',
	// Issue 13, appended for the same reason.
	'Assets',
	'Threat agents',
	'Trust boundaries crossed'
] as const;

const BOM = '\ufeff';

export function toCsv(snapshot: RoomSnapshot): string {
	const report = buildReport(snapshot);
	const crossedBy = new Map(report.crossingFlows.map((f) => [f.id, f.crosses]));
	const rows: string[][] = [[...CSV_COLUMNS]];
	for (const threat of report.threats) {
		const mitigations = threat.mitigations;
		rows.push([
			threat.ref,
			threat.note.text,
			strideText(threat.note.stride),
			threat.elements.map((e) => `${e.ref} ${e.name}`).join('\n'),
			threat.note.likelihood === null ? '' : String(threat.note.likelihood),
			threat.note.impact === null ? '' : String(threat.note.impact),
			threat.risk === null ? '' : String(threat.risk),
			String(threat.votes),
			THREAT_STATUS_LABELS[threat.note.status],
			mitigations.map((m) => `${m.ref}: ${m.note.text}`).join('\n'),
			mitigations.map((m) => `${m.ref}: ${m.note.owner || '(no owner)'}`).join('\n'),
			mitigations.map((m) => `${m.ref}: ${MITIGATION_STATUS_LABELS[m.note.status]}`).join('\n'),
			...decisionFields(threat),
			...estimateFields(threat),
			threat.assets.map((a) => a.text).join('\n'),
			threat.agents.map((a) => a.text).join('\n'),
			boundariesCrossed(threat, crossedBy)
		]);
	}
	return BOM + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Decision, Decided by, Rationale, Review by: empty unless a decision holds. */
function decisionFields({ decision }: ReportThreat): string[] {
	if (!decision) return ['', '', '', ''];
	const recorded = decision.decision;
	return [THREAT_STATUS_LABELS[decision.status], decision.decidedBy ?? '', recorded?.rationale ?? '', recorded?.reviewBy ?? ''];
}

/** Estimate spread ("Likelihood 2–4, impact 3–5 (wide)") and who took part, one per line. */
function estimateFields({ estimate }: ReportThreat): string[] {
	if (!estimate) return ['', ''];
	const spread = `Likelihood ${rangeText(estimate.likelihood)}, impact ${rangeText(estimate.impact)}${estimate.wide ? ' (wide)' : ''}`;
	return [estimate.estimatedBy.length === 0 ? '' : spread, estimate.estimatedBy.join('\n')];
}

/** The trust boundaries crossed by the data flows a threat is on ("B2 Cloud VPC"), each once. */
function boundariesCrossed(threat: ReportThreat, crossedBy: ReadonlyMap<string, readonly DiagramRef[]>): string {
	const boundaries = new Map<string, DiagramRef>();
	for (const element of threat.elements) for (const b of crossedBy.get(element.id) ?? []) boundaries.set(b.id, b);
	return [...boundaries.values()]
		.sort((a, b) => Number(a.ref.slice(1)) - Number(b.ref.slice(1)))
		.map((b) => `${b.ref} ${b.name}`)
		.join('\n');
}

export function csvField(value: string): string {
	let text = cleanText(value).replace(/\n/g, '\r\n');
	// Spreadsheets skip leading blanks before reading a formula (a tab became a space above).
	if (/^\s*[=+\-@]/.test(text)) text = `'${text}`;
	return `"${text.replace(/"/g, '""')}"`;
}
