/**
 * Every sample model imports with the element, flow, boundary, threat and mitigation counts its
 * file holds (counted from the raw JSON in samples.ts, not by the converters), round trips keep
 * counts, names and statements, and every export validates against its format's JSON Schema.
 */
import { describe, expect, it } from 'vitest';
import { readDiagram } from '../../../src/lib/shared/canvas/diagram.ts';
import type { RoomSnapshot } from '../../../src/lib/shared/export/snapshot.ts';
import { importModel } from '../../../src/lib/shared/interop/import-model.ts';
import { buildThreatComposerModel, toThreatComposer } from '../../../src/lib/shared/interop/threat-composer-export.ts';
import { buildThreatDragonModel, toThreatDragon } from '../../../src/lib/shared/interop/threat-dragon-export.ts';
import { fixtureSnapshot } from '../export/golden.ts';
import {
	countOpenThreatModel,
	countThreatComposer,
	countThreatDragon,
	expectValid,
	OTM_SAMPLES,
	readSample,
	TC_SAMPLES,
	TD_SAMPLES
} from './samples.ts';

const NOW = Date.UTC(2026, 4, 1, 9, 0, 0);

function imported(text: string) {
	const result = importModel(text, { now: NOW });
	if (!result.ok) throw new Error(`${result.message}: ${JSON.stringify(result.issues)}`);
	return result;
}

/** Counts read back from a snapshot the way the rest of the app reads a room. */
function counted(snapshot: RoomSnapshot) {
	const diagram = readDiagram(snapshot.canvas.records);
	return {
		elements: diagram.elements.filter((element) => element.kind !== 'other').length,
		flows: diagram.flows.length,
		boundaries: diagram.boundaries.length,
		threats: snapshot.notes.filter((note) => note.kind === 'threat').length,
		mitigations: snapshot.notes.filter((note) => note.kind === 'mitigation').length
	};
}

describe('the samples', () => {
	it.each(TD_SAMPLES.map((name) => [name]))('%s validates against the Threat Dragon schema (the test harness is sound)', (name) => {
		expectValid('threat-dragon', JSON.parse(readSample(name)));
	});
	it.each(TC_SAMPLES.map((name) => [name]))('%s validates against the threat-composer schema', (name) => {
		expectValid('threat-composer', JSON.parse(readSample(name)));
	});
	it.each(OTM_SAMPLES.map((name) => [name]))('%s validates against the OTM schema', (name) => {
		expectValid('otm', JSON.parse(readSample(name)));
	});
});

describe('importing the samples', () => {
	it.each(TD_SAMPLES.map((name) => [name]))('%s: every element, flow, boundary, threat and mitigation', (name) => {
		const text = readSample(name);
		const expected = countThreatDragon(text);
		const { snapshot, report } = imported(text);
		expect(report.format).toBe('threat-dragon');
		const { threatTitles: _t, mitigationTexts: _m, labels: _l, ...counts } = expected;
		expect(counted(snapshot)).toEqual(counts);
		expect(report.created).toMatchObject(counts);
		expect(snapshot.room.title).toBe(JSON.parse(text).summary.title);
	});

	it.each(TC_SAMPLES.map((name) => [name]))('%s: every threat, mitigation, assumption and link', (name) => {
		const text = readSample(name);
		const expected = countThreatComposer(text);
		const { snapshot, report } = imported(text);
		expect(report.format).toBe('threat-composer');
		expect(counted(snapshot)).toEqual({ elements: 0, flows: 0, boundaries: 0, threats: expected.threats, mitigations: expected.mitigations });
		expect(report.created.assumptions).toBe(expected.assumptions);
		expect(snapshot.links.filter((link) => link.kind === 'mitigates')).toHaveLength(expected.threatLinks);
		// Links to assumptions have no place on the board: reported, with their paths.
		const assumptionLinks = report.notMapped.find((entry) => entry.message.startsWith('links from assumptions'));
		expect(assumptionLinks?.count).toBe(JSON.parse(text).assumptionLinks.length);
		expect(assumptionLinks?.paths[0]).toBe('assumptionLinks.0');
	});

	it('mobile-cloud.otm.json: zones, components, flows, threats and mitigations', () => {
		const text = readSample(OTM_SAMPLES[0]);
		const { snapshot, report } = imported(text);
		expect(report.format).toBe('otm');
		expect(counted(snapshot)).toEqual(countOpenThreatModel(text));
		// Every threat is referenced by a component: each is linked to that component's shape.
		const threatLinks = snapshot.links.filter((link) => link.kind === 'canvas');
		expect(new Set(threatLinks.map((link) => link.noteId)).size).toBe(43);
		// Positions relative to their trust zone are put inside it.
		const diagram = readDiagram(snapshot.canvas.records);
		const zoneOf = new Map(diagram.elements.map((element) => [element.label, diagram.boundaries.find((b) => b.id === element.boundaryId)?.label]));
		expect(Object.fromEntries(zoneOf)).toEqual({
			'Accounting PostgreSQL': 'Public Cloud',
			'Mobile Client': 'Internet',
			'Public API v2': 'Public Cloud',
			'Azure File Storage': 'Public Cloud'
		});
	});

	it('reads Threat Dragon threats with their STRIDE type, status, severity and mitigation', () => {
		const { snapshot } = imported(readSample('threat-dragon/v2-threat-model.json'));
		const threat = snapshot.notes.find((note) => note.kind === 'threat' && note.text.startsWith('Accessing DB credentials'));
		expect(threat).toMatchObject({ kind: 'threat', stride: ['I'], status: 'open', likelihood: 4, impact: 4 });
		const mitigation = snapshot.links.find((link) => link.kind === 'mitigates' && link.threatId === threat!.id);
		const text = snapshot.notes.find((note) => note.id === (mitigation as { mitigationId: string }).mitigationId)?.text;
		expect(text).toBe('Encrypt the DB credentials in the configuration file.\n\nExpire and replace the DB credentials regularly.');
		const element = snapshot.links.find((link) => link.kind === 'canvas' && link.noteId === threat!.id) as { elementId: string };
		expect(readDiagram(snapshot.canvas.records).elements.find((e) => e.id === element.elementId)).toMatchObject({ kind: 'data-store', label: 'Worker Config' });
	});
});

describe('round trips', () => {
	it.each(TD_SAMPLES.map((name) => [name]))('Threat Dragon -> Threatboard -> Threat Dragon keeps %s', (name) => {
		const text = readSample(name);
		const before = countThreatDragon(text);
		const exported = toThreatDragon(imported(text).snapshot);
		const model = JSON.parse(exported);
		expectValid('threat-dragon', model);
		const after = countThreatDragon(exported);
		expect(after).toEqual(before);
		expect(model.summary).toMatchObject({ title: JSON.parse(text).summary.title, owner: JSON.parse(text).summary.owner });
		// And once more: a second trip keeps them too (positions may move by a rounding unit).
		expect(countThreatDragon(toThreatDragon(imported(exported).snapshot))).toEqual(before);
	});

	it.each(TC_SAMPLES.map((name) => [name]))('threat-composer -> Threatboard -> threat-composer keeps %s', (name) => {
		const text = readSample(name);
		const before = countThreatComposer(text);
		const exported = toThreatComposer(imported(text).snapshot);
		const model = JSON.parse(exported);
		expectValid('threat-composer', model);
		const after = countThreatComposer(exported);
		const { statements, mitigationTexts, assumptionTexts, ...counts } = after;
		expect(counts).toEqual({ elements: 0, flows: 0, boundaries: 0, threats: before.threats, mitigations: before.mitigations, assumptions: before.assumptions, threatLinks: before.threatLinks });
		expect(statements).toEqual(before.statements);
		expect(mitigationTexts).toEqual(boardTexts(before.mitigationTexts));
		expect(assumptionTexts).toEqual(boardTexts(before.assumptionTexts));
		const info = JSON.parse(text).applicationInfo;
		expect(model.applicationInfo).toEqual({ name: info.name.trim(), description: info.description.trim() });
		expect(toThreatComposer(imported(exported).snapshot)).toBe(exported);
	});
});

/** Texts as the board keeps them (a tab becomes a space, see cleanText; then trimmed). */
function boardTexts(texts: string[]): string[] {
	return texts.map((text) => text.replace(/\t/g, ' ').trim()).sort();
}

describe('exports of a workshop', () => {
	it('a Threatboard workshop exports to a valid Threat Dragon model with its threats on their elements', () => {
		const model = buildThreatDragonModel(fixtureSnapshot()) as { detail: { diagrams: Array<{ cells: Array<Record<string, never>> }> } };
		expectValid('threat-dragon', model);
		const cells = model.detail.diagrams.flatMap((diagram) => diagram.cells);
		const byName = (name: string) => cells.find((cell) => (cell.data as { name?: string })?.name === name) as unknown as { shape: string; data: { threats: Array<Record<string, unknown>> } };
		expect(byName('Payments API').shape).toBe('process');
		expect(byName('Orders DB').shape).toBe('store');
		expect(byName('Customer browser').shape).toBe('actor');
		expect(byName('Orders DB').data.threats).toEqual([
			expect.objectContaining({ title: 'SQL injection through the order note field', type: 'Tampering', status: 'Mitigated', severity: 'High', mitigation: 'Parameterised queries only (lint rule)' })
		]);
		expect(cells.filter((cell) => cell.shape === 'trust-boundary-box')).toHaveLength(2);
		expect(cells.filter((cell) => cell.shape === 'flow')).toHaveLength(5);
	});

	it('a Threatboard workshop exports to a valid threat-composer file', () => {
		const model = buildThreatComposerModel(fixtureSnapshot()) as { threats: Array<Record<string, unknown>>; mitigations: unknown[]; assumptions: unknown[]; mitigationLinks: unknown[] };
		expectValid('threat-composer', model);
		expect(model.threats).toHaveLength(4);
		expect(model.mitigations).toHaveLength(3);
		expect(model.assumptions).toHaveLength(1);
		expect(model.mitigationLinks).toHaveLength(4);
		expect(model.threats.find((threat) => threat.statement === 'Checkout flood exhausts the PSP rate limit')).toMatchObject({
			status: 'threatIdentified',
			metadata: [{ key: 'Priority', value: 'High' }, { key: 'STRIDE', value: ['D'] }]
		});
	});

	it('the same workshop always exports the same bytes', () => {
		const snapshot = fixtureSnapshot();
		// Links and records in another order are the same workshop (the board order of notes is not).
		const again = structuredClone(snapshot);
		again.links.reverse();
		again.canvas.records.reverse();
		expect(toThreatDragon(again)).toBe(toThreatDragon(snapshot));
		expect(toThreatComposer(again)).toBe(toThreatComposer(snapshot));
	});
});
