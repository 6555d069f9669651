/**
 * Which format an import file is, recognised by its content (so one upload route and one file
 * picker take them all): a Threatboard export names itself; an Open Threat Model file carries
 * `otmVersion`; a Threat Dragon model has `summary` and `detail.diagrams`; a threat-composer
 * export has a numeric `schema` beside its lists.
 */
import { EXPORT_FORMAT } from '../export/snapshot.ts';
import type { ImportFormat } from './report.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (value: Record<string, unknown>, key: string) => Object.hasOwn(value, key);

export function detectFormat(value: unknown): ImportFormat | undefined {
	if (!isObject(value)) return undefined;
	if (value.format === EXPORT_FORMAT) return 'threatboard';
	if (typeof value.otmVersion === 'string') return 'otm';
	if (isObject(value.detail) && has(value.detail, 'diagrams') && (has(value, 'summary') || has(value, 'version'))) return 'threat-dragon';
	const composerLists = ['threats', 'mitigations', 'assumptions', 'applicationInfo'].some((key) => has(value, key));
	if (typeof value.schema === 'number' && composerLists) return 'threat-composer';
	return undefined;
}
