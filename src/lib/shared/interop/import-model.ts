/**
 * One entry for every import: file text in, a RoomSnapshot and its report out (or an error that
 * says what is wrong and where). The landing page's preview and the server's import worker both
 * call it, so what the preview shows is what the server creates.
 */
import { ZodError } from 'zod';
import { canvasRecordsAsClientsMayWrite, MAX_SHAPE_EXTENT } from '../canvas/record-rules.ts';
import { parseRoomExport } from '../export/json.ts';
import { MAX_EXPORT_CANVAS_RECORDS, MAX_EXPORT_LINKS, MAX_EXPORT_NOTES } from '../export/snapshot.ts';
import { dependencyRecordProblem } from '../systems/dependency-record.ts';
import { detectFormat } from './detect.ts';
import { inputError, readJsonInput, type InputError } from './json-input.ts';
import { importOpenThreatModel } from './otm-import.ts';
import { ACCEPTED_FORMATS_TEXT, countSnapshot, type ConvertResult, type ImportContext } from './report.ts';
import { importThreatComposer } from './threat-composer-import.ts';
import { importThreatDragon } from './threat-dragon-import.ts';

export type ImportOutcome = ConvertResult;
export type { InputError };

/** Reads, recognises, validates and converts an import file. Never throws on bad input. */
export function importModel(text: string, context: ImportContext): ImportOutcome {
	const input = readJsonInput(text);
	return input.ok ? convertModel(input.value, context) : input;
}

/** As importModel, for a value already parsed (and bounded) by readJsonInput. */
export function convertModel(value: unknown, context: ImportContext): ImportOutcome {
	try {
		return asClientsMayWrite(convertByFormat(value, context));
	} catch (err) {
		// A converter's output past what a workshop holds (its notes, links or diagram records
		// over the export's limits) is the file's problem,
		// not the server's: it answered 500 "server failed", and the preview "could not be read".
		if (err instanceof ZodError || err instanceof RangeError) {
			return inputError(
				'invalid_request',
				`the model converts to more than a workshop holds (at most ${MAX_EXPORT_NOTES.toLocaleString('en')} notes, ${MAX_EXPORT_LINKS.toLocaleString('en')} links and ${MAX_EXPORT_CANVAS_RECORDS.toLocaleString('en')} diagram records)`
			);
		}
		throw err;
	}
}

/**
 * The imported canvas held to the rules the server applies to a client's writes (a Threatboard
 * export is taken as it is written, and a converter scales the source's coordinates): what a
 * participant could not write, an import does not bring in either.
 */
function asClientsMayWrite(outcome: ImportOutcome): ImportOutcome {
	if (!outcome.ok) return outcome;
	const { snapshot, report } = outcome;
	const held = canvasRecordsAsClientsMayWrite(snapshot.canvas.records);
	const records = held.records.filter((record) => dependencyRecordProblem(record) === undefined);
	const dropped = snapshot.canvas.records.length - records.length;
	if (dropped === 0 && held.resized === 0) return outcome;
	const notMapped = [...report.notMapped];
	if (held.resized > 0) notMapped.push({ message: `diagram elements larger than the canvas allows, cut to ${MAX_SHAPE_EXTENT.toLocaleString('en')} units`, paths: [], count: held.resized });
	if (dropped > 0) notMapped.push({ message: 'diagram records a participant could not write (not part of the diagram, inside each other, or naming a workshop link), left out', paths: [], count: dropped });
	return { ok: true, snapshot: { ...snapshot, canvas: { ...snapshot.canvas, records } }, report: { ...report, notMapped } };
}

function convertByFormat(value: unknown, context: ImportContext): ImportOutcome {
	switch (detectFormat(value)) {
		case 'threatboard': {
			const parsed = parseRoomExport(value);
			if (!parsed.ok) return inputError('invalid_request', parsed.message, parsed.issues);
			const { snapshot } = parsed;
			const diagrams = snapshot.canvas.records.some((record) => record.typeName === 'shape') ? 1 : 0;
			return {
				ok: true,
				snapshot,
				report: { format: 'threatboard', title: snapshot.room.title, created: countSnapshot(snapshot, diagrams), notMapped: [] }
			};
		}
		case 'threat-dragon':
			return importThreatDragon(value, context);
		case 'threat-composer':
			return importThreatComposer(value, context);
		case 'otm':
			return importOpenThreatModel(value, context);
		case undefined:
			return inputError('invalid_request', `not a format Threatboard can import. It imports: ${ACCEPTED_FORMATS_TEXT}`);
	}
}

/**
 * When the imported room says it was created (a Threatboard export does; the other formats do
 * not), that date is kept; a date in the future or a missing one becomes the import's time.
 */
export function importedCreatedAt(outcome: Extract<ImportOutcome, { ok: true }>, now: number): number {
	const createdAt = outcome.report.format === 'threatboard' ? outcome.snapshot.room.createdAt : 0;
	return createdAt > 0 && createdAt <= now ? createdAt : now;
}
