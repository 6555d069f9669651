/**
 * Limits on the HTTP server's sockets, so that one address cannot hold the server's connections:
 * short header and request timeouts (a request that trickles in its headers is cut after
 * HEADERS_TIMEOUT_MS instead of being held 110 s or more), and at most MAX_HTTP_CONNECTIONS_PER_IP
 * open sockets per address (sync WebSockets count: they are HTTP connections upgraded). Trusted
 * proxies are not counted: every client behind them shares their address.
 */
import type { Server, ServerOptions } from 'node:http';
import net from 'node:net';
import { addressLimitKey } from '../auth/client-address.ts';

/** Time a client has to send a whole request (an 8 MiB import on a slow link fits). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Idle time before a kept-alive connection is closed. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often Node checks those timeouts (its default, 30 s, would let a slow request live 40 s). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** Options for http.createServer. */
export function serverTimeouts(headersTimeoutMs: number): ServerOptions {
	return {
		headersTimeout: headersTimeoutMs,
		requestTimeout: Math.max(REQUEST_TIMEOUT_MS, headersTimeoutMs),
		keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
		connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS
	};
}

export function limitSockets(server: Server, options: { maxPerAddress: number; isTrustedProxy: (address: string) => boolean; ipv6LimitPrefix?: number }): void {
	const open = new Map<string, number>();
	server.on('connection', (socket: net.Socket) => {
		const remote = socket.remoteAddress;
		if (!remote || options.isTrustedProxy(remote)) return;
		const address = addressLimitKey(remote, options.ipv6LimitPrefix); // an IPv6 client by its network
		const count = (open.get(address) ?? 0) + 1;
		if (count > options.maxPerAddress) {
			socket.destroy();
			return;
		}
		open.set(address, count);
		socket.once('close', () => {
			const left = (open.get(address) ?? 1) - 1;
			if (left <= 0) open.delete(address);
			else open.set(address, left);
		});
	});
}
