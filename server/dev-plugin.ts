/**
 * `npm run dev`: the same API and sync server, attached to Vite's own HTTP server, so that hot
 * reload and live sync share one command and one port.
 */
import type { Plugin, ViteDevServer } from 'vite';
import { loadConfig } from './config.ts';
import { createThreatboard } from './threatboard.ts';

const SERVER_PATHS = ['/api/', '/healthz', '/metrics'];

export function threatboardDevServer(): Plugin {
	return {
		name: 'threatboard-dev-server',
		apply: 'serve',
		configureServer(vite: ViteDevServer) {
			if (!vite.httpServer) return; // middleware mode: nothing to attach to
			const tb = createThreatboard({ config: loadConfig() });
			vite.httpServer.on('upgrade', (req, socket, head) => {
				tb.sync.handleUpgrade(req, socket, head); // other paths stay Vite's (HMR)
			});
			vite.middlewares.use((req, res, next) => {
				if (SERVER_PATHS.some((p) => req.url === p.replace(/\/$/, '') || req.url?.startsWith(p))) {
					tb.app(req, res);
				} else next();
			});
			vite.httpServer.on('close', () => void tb.close());
		}
	};
}
