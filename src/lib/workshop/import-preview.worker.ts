/**
 * The landing page's import preview, off the page's main thread: reads the chosen file and runs
 * the converters the server runs (shared/interop), and answers with the report or the refusal.
 * On the page's thread the real 7.2 MB sample held it 0.9-3.5 s, with the page frozen.
 */
import { importModel } from '#shared/interop/import-model';
import type { PreviewOutcome, PreviewRequest } from './import-preview.ts';

const scope = self as unknown as { onmessage: ((event: MessageEvent<PreviewRequest>) => void) | null; postMessage(answer: PreviewOutcome): void };

scope.onmessage = async (event) => {
	const { file, now } = event.data;
	try {
		const outcome = importModel(await file.text(), { now });
		scope.postMessage(outcome.ok ? { ok: true, report: outcome.report } : { ok: false, message: outcome.message, issues: outcome.issues });
	} catch {
		// A converter's bug, or a file the browser cannot read: "could not be read", as before.
		scope.postMessage({ ok: false, failed: true });
	}
};
