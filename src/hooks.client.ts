/**
 * Browser start-up. zod compiles fast validators with `new Function` unless told not to; under
 * the app's Content-Security-Policy (no 'unsafe-eval', svelte.config.js) its probe for that
 * would be reported as a violation. This runs before any route module defines a schema.
 */
import { config } from 'zod';

config({ jitless: true });
