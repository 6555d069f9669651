/**
 * The interchange samples in ../shared/interop (real models written by Threat Dragon,
 * threat-composer and Microsoft's tool via OTM), their JSON Schemas with ajv, and counts taken
 * straight from the raw JSON, independently of the converters under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

export { INTEROP_DIR, OTM_SAMPLES, readSample, TC_SAMPLES, TD_SAMPLES } from '../../helpers/interop-samples.ts';
import { INTEROP_DIR } from '../../helpers/interop-samples.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw sample JSON, read loosely on purpose
type Raw = any;

export interface SampleCounts {
	elements: number;
	flows: number;
	boundaries: number;
	threats: number;
	mitigations: number;
}

/** Threat Dragon: cells by shape; mitigations are the distinct mitigation texts of the threats. */
export function countThreatDragon(json: string): SampleCounts & { threatTitles: string[]; mitigationTexts: string[]; labels: string[] } {
	const model: Raw = JSON.parse(json);
	const cells: Raw[] = model.detail.diagrams.flatMap((diagram: Raw) => diagram.cells ?? []);
	const threats: Raw[] = cells.flatMap((cell) => cell.data?.threats ?? []);
	const mitigations = threats.map((threat) => (threat.mitigation ?? '').trim()).filter(Boolean);
	return {
		elements: cells.filter((cell) => ['actor', 'process', 'store'].includes(cell.shape)).length,
		flows: cells.filter((cell) => cell.shape === 'flow').length,
		boundaries: cells.filter((cell) => cell.shape.startsWith('trust-boundary')).length,
		threats: threats.length,
		mitigations: new Set(mitigations).size,
		threatTitles: threats.map((threat) => threat.title).sort(),
		mitigationTexts: mitigations.sort(),
		labels: cells.filter((cell) => ['actor', 'process', 'store', 'flow'].includes(cell.shape)).map((cell) => cell.data.name).sort()
	};
}

export function countThreatComposer(json: string): SampleCounts & { assumptions: number; statements: string[]; mitigationTexts: string[]; assumptionTexts: string[]; threatLinks: number } {
	const model: Raw = JSON.parse(json);
	const threatIds = new Set(model.threats.map((threat: Raw) => threat.id));
	const mitigationIds = new Set(model.mitigations.map((mitigation: Raw) => mitigation.id));
	return {
		elements: 0,
		flows: 0,
		boundaries: 0,
		threats: model.threats.length,
		mitigations: model.mitigations.length,
		assumptions: model.assumptions.length,
		statements: model.threats.map((threat: Raw) => threat.statement).sort(),
		mitigationTexts: model.mitigations.map((mitigation: Raw) => mitigation.content.trim()).sort(),
		assumptionTexts: model.assumptions.map((assumption: Raw) => assumption.content.trim()).sort(),
		threatLinks: model.mitigationLinks.filter((link: Raw) => threatIds.has(link.linkedId) && mitigationIds.has(link.mitigationId)).length
	};
}

export function countOpenThreatModel(json: string): SampleCounts {
	const model: Raw = JSON.parse(json);
	return {
		elements: model.components.length,
		flows: model.dataflows.length,
		boundaries: model.trustZones.length,
		threats: model.threats.length,
		mitigations: model.mitigations.length
	};
}

const SCHEMAS = {
	'threat-dragon': 'threat-dragon-v2.schema.json',
	'threat-composer': 'threat-composer-v1.schema.json',
	otm: 'open-threat-model.schema.json'
} as const;
const validators = new Map<string, ValidateFunction>();

/** The format's own JSON Schema, compiled once (draft 2020-12 for threat-composer, draft-07 for the others). */
export function schemaValidator(format: keyof typeof SCHEMAS): ValidateFunction {
	let validate = validators.get(format);
	if (!validate) {
		const schema = JSON.parse(fs.readFileSync(path.join(INTEROP_DIR, 'schemas', SCHEMAS[format]), 'utf8'));
		delete schema.$schema;
		// The schemas use `nullable` (OpenAPI) and `format: date-time`: known to ajv, not validated here.
		const ajv = format === 'threat-composer' ? new Ajv2020({ strict: false, allErrors: true, validateFormats: false }) : new Ajv({ strict: false, allErrors: true, validateFormats: false });
		validate = ajv.compile(schema);
		validators.set(format, validate);
	}
	return validate;
}

export function expectValid(format: keyof typeof SCHEMAS, value: unknown): void {
	const validate = schemaValidator(format);
	const valid = validate(value);
	expect(valid ? [] : validate.errors?.slice(0, 5)).toEqual([]);
}
