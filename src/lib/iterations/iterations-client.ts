/**
 * The workshop's side of the iterations API (src/lib/shared/iterations/api.ts). Reads go by the
 * page's room id or observer id; starting an iteration sends the facilitator key in the
 * Authorization header, never in the URL.
 */
import type { ExportFormat } from '#shared/export/formats';
import type { IterationDiffResponse, IterationInfo, IterationListResponse, StartIterationRequest } from '#shared/iterations/api';
import type { ApiError } from '#shared/wire/api';

export type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

const base = (id: string) => `/api/rooms/${encodeURIComponent(id)}/iterations`;

async function call<T>(path: string, init?: RequestInit): Promise<Answer<T>> {
	let response: Response;
	try {
		response = await fetch(path, init);
	} catch {
		return { ok: false, message: 'Could not reach the server. Check your connection and try again.' };
	}
	if (response.ok) return { ok: true, value: (await response.json()) as T };
	const body = (await response.json().catch(() => undefined)) as ApiError | undefined;
	return { ok: false, message: body?.error?.message ?? `The server refused (${response.status}).` };
}

export function listIterations(id: string): Promise<Answer<IterationListResponse>> {
	return call(base(id));
}

export function fetchChanges(id: string, since: number): Promise<Answer<IterationDiffResponse>> {
	return call(`${base(id)}/${since}/diff`);
}

export function startIteration(roomId: string, key: string | undefined, name: string | undefined): Promise<Answer<IterationInfo>> {
	if (!key) return Promise.resolve({ ok: false, message: 'Only a facilitator can start the next iteration.' });
	const body: StartIterationRequest = name ? { name } : {};
	return call(base(roomId), {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body)
	});
}

/** Where a frozen iteration's export downloads from (the server sets the file name). */
export function iterationExportPath(id: string, number: number, format: ExportFormat): string {
	return `${base(id)}/${number}/export.${format}`;
}

/** The live report with a "Changes since iteration N" section. */
export function changesReportPath(id: string, since: number): string {
	return `${base(id)}/${since}/changes.md`;
}

/** "3 threats, 2 mitigations, 4 elements, 3 flows". */
export function countsText(counts: IterationInfo['counts']): string {
	const part = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
	return [part(counts.threats, 'threat'), part(counts.mitigations, 'mitigation'), part(counts.elements, 'element'), part(counts.flows, 'flow')].join(', ');
}

/** Downloads what the server serves at `path` (it answers with Content-Disposition: attachment). */
export function downloadFrom(path: string): void {
	const link = document.createElement('a');
	link.href = path;
	link.download = '';
	link.rel = 'noopener';
	document.body.append(link);
	link.click();
	link.remove();
}
