// The stock reference server: @y/websocket-server 0.1.1's setupWSConnection on a plain http +
// ws server, as its own bin does, plus the two HTTP routes the bench needs (health, create room)
// so that both servers are driven the same way. Plain JS (no tsx loader) like our built server.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

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
wss.on('connection', setupWSConnection);
server.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

server.listen(port, host);
// Exit with the load generator even if it dies without killing us.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
