/**
 * Fields the board has no place for, kept visible at the end of a note or the scope as labelled
 * lines ("Owner: Ana", "Tags: LLM01, auth"), and read back by the export of the same format so
 * that a round trip gives the fields back:
 *
 *     The statement or description
 *
 *     Tags: LLM01
 *     Comments: first line
 *     second line
 *
 * A value runs until the next line that starts with another label of the same set.
 */

export type TrailerFields<Label extends string> = Partial<Record<Label, string>>;

/** `body`, then a blank line and one "Label: value" line per non-empty field, in `labels` order. */
export function withTrailer<Label extends string>(body: string, labels: readonly Label[], fields: TrailerFields<Label>): string {
	const lines = labels.filter((label) => fields[label]?.trim()).map((label) => `${label}: ${fields[label]!.trim()}`);
	if (lines.length === 0) return body;
	return body.trim() ? `${body.trimEnd()}\n\n${lines.join('\n')}` : lines.join('\n');
}

/** Splits what withTrailer made back into the body and the fields (absent labels are absent). */
export function splitTrailer<Label extends string>(text: string, labels: readonly Label[]): { body: string; fields: TrailerFields<Label> } {
	const startsField = (line: string) => labels.find((label) => line.startsWith(`${label}: `));
	const lines = text.split('\n');
	// The trailer is the last block (after a blank line, or the whole text) whose first line is a field.
	let start = -1;
	for (let i = 0; i < lines.length; i++) {
		if ((i === 0 || lines[i - 1] === '') && startsField(lines[i])) {
			start = i;
			break;
		}
	}
	if (start < 0) return { body: text, fields: {} };
	const fields: TrailerFields<Label> = {};
	let current: Label | undefined;
	for (const line of lines.slice(start)) {
		const label = startsField(line);
		if (label && fields[label] === undefined) {
			current = label;
			fields[label] = line.slice(label.length + 2);
		} else if (current) {
			fields[current] += `\n${line}`;
		}
	}
	return { body: lines.slice(0, start).join('\n').trimEnd(), fields };
}
