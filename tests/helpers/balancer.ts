/**
 * A tiny TCP load balancer on 127.0.0.1, port 0: each new connection goes to the next backend in
 * turn, skipping backends that refuse. Enough to put real clients in front of several server
 * instances and let them fail over when one dies. With `inOrder`, every connection tries the
 * backends in the listed order instead: the first is the home of this balancer's clients and the
 * others are where they go when it is gone (one such balancer per group of clients pins each
 * group to its own instance).
 */
import net from 'node:net';

export interface Balancer {
	url: string;
	wsUrl: string;
	/** Backend ports in rotation; change it to take an instance out. */
	backends: number[];
	/** While paused, new connections are dropped at once (clients retry with backoff). */
	paused: boolean;
	/** Connections forwarded, per backend port. */
	forwarded: Map<number, number>;
	close(): Promise<void>;
}

export async function startBalancer(backends: number[], options: { inOrder?: boolean } = {}): Promise<Balancer> {
	const sockets = new Set<net.Socket>();
	let next = 0;
	const balancer: Balancer = {
		url: '',
		wsUrl: '',
		backends: [...backends],
		paused: false,
		forwarded: new Map(),
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			})
	};
	const track = (socket: net.Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
	};

	function forward(client: net.Socket, attempt: number): void {
		const ports = balancer.backends;
		if (balancer.paused || ports.length === 0 || attempt >= ports.length) {
			client.destroy();
			return;
		}
		const port = options.inOrder ? ports[attempt] : ports[next++ % ports.length];
		const upstream = net.connect({ host: '127.0.0.1', port });
		track(upstream);
		let connected = false;
		upstream.once('connect', () => {
			connected = true;
			balancer.forwarded.set(port, (balancer.forwarded.get(port) ?? 0) + 1);
			client.pipe(upstream);
			upstream.pipe(client);
			client.resume();
			upstream.on('close', () => client.destroy());
			client.on('close', () => upstream.destroy());
		});
		upstream.once('error', () => {
			if (!connected) forward(client, attempt + 1); // refused: try the next backend
		});
	}

	const server = net.createServer({ pauseOnConnect: true }, (client) => {
		track(client);
		forward(client, 0);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as net.AddressInfo;
	balancer.url = `http://127.0.0.1:${port}`;
	balancer.wsUrl = `ws://127.0.0.1:${port}`;
	return balancer;
}
