// The stock reference server: @y/websocket-server 0.1.1's setupWSConnection on a plain http +
// ws server, as its own bin does, with the HTTP routes every reference server shares
// (reference-http.mjs: health, create room, metrics) so that all servers are driven the same way.
import { setupWSConnection } from '@y/websocket-server/utils';
import { startReferenceServer } from './reference-http.mjs';

startReferenceServer(setupWSConnection);
