// Hocuspocus 3.4 (@hocuspocus/server) as a second reference: documents in memory, no extensions,
// no authentication hook (every connection may write), on the same http + ws front as the stock
// server (reference-http.mjs). Hocuspocus multiplexes documents over one socket, so every frame
// carries the document's name first (bench/hocuspocus-wire.ts); the URL's path is not used.
import { Hocuspocus } from '@hocuspocus/server';
import { startReferenceServer } from './reference-http.mjs';

const hocuspocus = new Hocuspocus({ quiet: true });
startReferenceServer((ws, req) => hocuspocus.handleConnection(ws, req));
