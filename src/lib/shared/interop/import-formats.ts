/**
 * The formats an import recognises, with how the app names them. Free of zod and Yjs, so the
 * landing page can show them without loading the converters.
 */
export const IMPORT_FORMATS = {
	threatboard: { label: 'Threatboard export', hint: '.json from a Threatboard Export menu' },
	'threat-dragon': { label: 'OWASP Threat Dragon v2 model', hint: '.json saved by Threat Dragon 2' },
	'threat-composer': { label: 'AWS threat-composer export', hint: '.tc.json' },
	otm: { label: 'Open Threat Model (OTM)', hint: '.otm.json, from IriusRisk, Threat Dragon and others' }
} as const;
export type ImportFormat = keyof typeof IMPORT_FORMATS;

/** What the accepted formats are, for the message that refuses an unknown file. */
export const ACCEPTED_FORMATS_TEXT = Object.values(IMPORT_FORMATS)
	.map((format) => `${format.label} (${format.hint})`)
	.join(', ');
