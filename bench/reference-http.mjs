// The HTTP side shared by the reference servers (the stock y-websocket server and Hocuspocus), so
// that the bench drives all three servers the same way: `GET /healthz` and `POST /api/rooms`
// (a fresh random id: neither reference keeps rooms); WebSocket upgrades go to
// `onConnection(ws, req)`. Process figures (RSS, CPU, event-loop delay) are read from outside the
// process (/proc, and the probe servers.ts preloads into every server), the same way for all.
// Plain JS (no tsx loader) like our built server.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';

/**
 * Starts the server on HOST:PORT (the bench's environment) and exits with the load generator:
 * on SIGTERM, and when its stdin closes (the bench died without killing us).
 */
export function startReferenceServer(onConnection) {
	const host = process.env.HOST || '127.0.0.1';
	const port = Number(process.env.PORT || 1234);

	const server = http.createServer((req, res) => {
		if (req.method === 'GET' && req.url === '/healthz') {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"status":"ok"}');
			return;
		}
		if (req.method === 'POST' && req.url === '/api/rooms') {
			req.resume();
			req.on('end', () => {
				res.writeHead(201, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ roomId: randomBytes(18).toString('base64url') }));
			});
			return;
		}
		res.writeHead(404);
		res.end();
	});

	const wss = new WebSocketServer({ noServer: true });
	wss.on('connection', onConnection);
	server.on('upgrade', (req, socket, head) => {
		wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
	});

	server.listen(port, host);
	process.stdin.on('end', () => process.exit(0));
	process.stdin.resume();
	process.on('SIGTERM', () => process.exit(0));
	return server;
}
