/**
 * Builds an import's preview in a worker (import-preview.worker.ts), one worker per file, ended
 * when it answers: the page stays responsive while a large model converts, a file that runs the
 * worker out of memory or past PREVIEW_TIMEOUT_MS costs only that preview, and the converters
 * are loaded only when a file is chosen.
 */
import type { ImportReport } from '#shared/interop/report';

export interface PreviewRequest {
	file: File;
	now: number;
}

export type PreviewAnswer = { ok: true; report: ImportReport } | { ok: false; message: string; issues: ReadonlyArray<{ path: string; message: string }> };

export type PreviewOutcome = PreviewAnswer | { ok: false; failed: true };

/** Longer than any model within the import limit takes (a 7.2 MB model: 1-4 s). */
export const PREVIEW_TIMEOUT_MS = 60_000;

export function previewImport(file: File, now = Date.now()): Promise<PreviewOutcome> {
	return new Promise((resolve) => {
		const worker = new Worker(new URL('./import-preview.worker.ts', import.meta.url), { type: 'module', name: 'import-preview' });
		const finish = (outcome: PreviewOutcome) => {
			clearTimeout(timer);
			worker.terminate();
			resolve(outcome);
		};
		const timer = setTimeout(() => finish({ ok: false, failed: true }), PREVIEW_TIMEOUT_MS);
		worker.onmessage = (event: MessageEvent<PreviewAnswer>) => finish(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			finish({ ok: false, failed: true });
		};
		worker.onmessageerror = () => finish({ ok: false, failed: true });
		worker.postMessage({ file, now } satisfies PreviewRequest);
	});
}
