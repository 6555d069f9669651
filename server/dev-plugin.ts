/**
 * `npm run dev`: the same API and sync server, attached to Vite's own HTTP server, so that hot
 * reload and live sync share one command and one port.
 */
import type { Plugin, ViteDevServer } from 'vite';
import { loadConfig } from './config.ts';
import { createThreatboard, type Threatboard } from './threatboard.ts';

const SERVER_PATHS = ['/api/', '/healthz', '/metrics'];

/** The running dev server's instance, kept across Vite's restarts (which load this file again). */
const CURRENT = Symbol.for('threatboard.dev-server');
type Holder = { [CURRENT]?: Threatboard };

export function threatboardDevServer(): Plugin {
	let running: Threatboard | undefined;
	return {
		name: 'threatboard-dev-server',
		apply: 'serve',
		// Vite closes its plugins, and waits for them, when it stops (Ctrl+C, SIGTERM, a restart);
		// its HTTP server's 'close' event came too late: the CLI exited first, so rooms were never
		// written out and the store never closed (what was journaled survived, the rest did not).
		async closeBundle() {
			await running?.close();
		},
		async configureServer(vite: ViteDevServer) {
			if (!vite.httpServer) return; // middleware mode: nothing to attach to
			// On a restart Vite makes the new server before it closes the old one, whose SQLite store
			// still holds the data directory (one server per directory): it is closed first.
			const holder = globalThis as Holder;
			await holder[CURRENT]?.close();
			const tb = createThreatboard({ config: loadConfig() });
			holder[CURRENT] = tb;
			running = tb;
			vite.httpServer.on('upgrade', (req, socket, head) => {
				tb.sync.handleUpgrade(req, socket, head); // other paths stay Vite's (HMR)
			});
			vite.middlewares.use((req, res, next) => {
				if (SERVER_PATHS.some((p) => req.url === p.replace(/\/$/, '') || req.url?.startsWith(p))) {
					tb.app(req, res);
				} else next();
			});
			vite.httpServer.on('close', () => {
				if (holder[CURRENT] === tb) delete holder[CURRENT];
				void tb.close();
			});
		}
	};
}
