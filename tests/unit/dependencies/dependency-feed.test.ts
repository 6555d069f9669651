/**
 * The page's one stream of dependency statuses, against a real HTTP server on port 0 that speaks
 * Server-Sent Events as the room-side endpoint does (`data: <DependenciesResponse JSON>`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	createDependencyFeed,
	retryDelayMs,
	type DependencyFeed,
	type DependencyFeedState
} from '../../../src/lib/dependencies/dependency-feed.ts';
import type { DependenciesResponse, DependencyStatus } from '../../../src/lib/shared/systems/contract.ts';

const A = 'AAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBB';

interface Stream {
	refs: string[];
	response: ServerResponse;
	closed: Promise<void>;
}

/** An SSE server that records each stream and lets the test send on it. */
class SseServer {
	readonly streams: Stream[] = [];
	#waiters: Array<() => void> = [];
	#server: Server;
	status = 200;
	origin = '';

	constructor() {
		this.#server = createServer((request, response) => this.#handle(request, response));
	}

	async start(): Promise<void> {
		await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
		this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
	}

	#handle(request: IncomingMessage, response: ServerResponse): void {
		const url = new URL(request.url ?? '/', this.origin);
		if (url.pathname !== '/api/rooms/room-1/dependencies/events' || this.status !== 200) {
			response.writeHead(url.pathname.endsWith('/events') ? this.status : 404).end();
			this.streams.push({ refs: [], response, closed: Promise.resolve() });
		} else {
			response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
			response.flushHeaders();
			const closed = new Promise<void>((resolve) => response.on('close', () => resolve()));
			this.streams.push({ refs: (url.searchParams.get('refs') ?? '').split(','), response, closed });
		}
		for (const wake of this.#waiters.splice(0)) wake();
	}

	/** The n-th request (0-based), once it has come. */
	async stream(n: number): Promise<Stream> {
		while (this.streams.length <= n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
		return this.streams[n];
	}

	async close(): Promise<void> {
		for (const { response } of this.streams) response.destroy();
		// Idle keep-alive sockets would hold close() for seconds.
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}
}

const ok = (modelRef: string, name: string, risks: number[] = []): DependencyStatus => ({
	modelRef,
	state: 'ok',
	name,
	openHighRisk: risks.map((risk, i) => ({ id: `t${i}`, ref: `T${i + 1}`, title: `Threat ${i + 1}`, stride: ['S'], risk, status: 'open' })),
	openHighRiskCount: risks.length
});
const event = (dependencies: DependencyStatus[]) => `data: ${JSON.stringify({ dependencies } satisfies DependenciesResponse)}\n\n`;

let server: SseServer;
let feed: DependencyFeed | undefined;
let seen: Array<ReadonlyMap<string, DependencyStatus>>;
let states: DependencyFeedState[];
let onSeen: (() => void) | undefined;

/** Resolves once the feed has reported statuses for which `check` holds. */
async function statusesWhere(check: (statuses: ReadonlyMap<string, DependencyStatus>) => boolean): Promise<ReadonlyMap<string, DependencyStatus>> {
	for (;;) {
		const last = seen.at(-1);
		if (last && check(last)) return last;
		await new Promise<void>((resolve) => (onSeen = resolve));
	}
}

function startFeed(retryMinMs = 20): DependencyFeed {
	feed = createDependencyFeed({
		id: 'room-1',
		origin: server.origin,
		retryMinMs,
		retryMaxMs: 80,
		onStatuses: (statuses) => {
			seen.push(statuses);
			onSeen?.();
		},
		onState: (state) => states.push(state)
	});
	return feed;
}

beforeEach(async () => {
	seen = [];
	states = [];
	server = new SseServer();
	await server.start();
});
afterEach(async () => {
	feed?.close();
	feed = undefined;
	await server.close();
});

describe('retryDelayMs', () => {
	it('waits 1 s, then twice as long each time, never more than 30 s', () => {
		expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => retryDelayMs(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
	});
});

describe('the dependency feed', () => {
	it('opens one stream for all refs, sorted and once each, and reports each event', async () => {
		startFeed().setRefs([B, A, B]);
		const stream = await server.stream(0);
		expect(stream.refs).toEqual([A, B]);
		stream.response.write(event([ok(A, 'Payments', [20]), { modelRef: B, state: 'removed', name: 'Identity' }]));
		const first = await statusesWhere((s) => s.size === 2);
		expect(first.get(A)).toMatchObject({ state: 'ok', openHighRiskCount: 1 });
		expect(first.get(B)).toEqual({ modelRef: B, state: 'removed', name: 'Identity' });
		expect(feed!.state).toBe('open');

		// A change, split across two writes as TCP may deliver it.
		const next = event([ok(A, 'Payments', [20, 16]), { modelRef: B, state: 'unknown' }]);
		stream.response.write(next.slice(0, 40));
		stream.response.write(next.slice(40));
		const second = await statusesWhere((s) => s.get(B)?.state === 'unknown');
		expect(second.get(A)).toMatchObject({ openHighRiskCount: 2 });
		expect(server.streams).toHaveLength(1);
	});

	it('ignores what is not a DependenciesResponse, and statuses of refs it did not ask for', async () => {
		startFeed().setRefs([A]);
		const stream = await server.stream(0);
		stream.response.write('data: not json\n\n');
		stream.response.write(`data: ${JSON.stringify({ dependencies: [{ modelRef: A, state: 'ok', name: 'x', roomId: 'leak' }] })}\n\n`);
		stream.response.write(event([ok(B, 'Not asked for')]));
		stream.response.write(': a comment\n\n');
		stream.response.write(event([ok(A, 'Payments')]));
		const statuses = await statusesWhere((s) => s.size > 0);
		expect([...statuses.keys()]).toEqual([A]);
		expect(seen.filter((s) => s.size > 0)).toHaveLength(1);
	});

	it('opens a new stream when the set of refs changes, not when only their order does', async () => {
		const live = startFeed();
		live.setRefs([A]);
		const first = await server.stream(0);
		first.response.write(event([ok(A, 'Payments')]));
		await statusesWhere((s) => s.has(A));
		live.setRefs([A]);
		live.setRefs([B, A]);
		const second = await server.stream(1);
		expect(second.refs).toEqual([A, B]);
		await first.closed;
		live.setRefs([A, B].reverse());
		// A removed ref's status goes at once; the kept one stays until the new stream says more.
		live.setRefs([B]);
		const third = await server.stream(2);
		expect(third.refs).toEqual([B]);
		expect(seen.at(-1)!.has(A)).toBe(false);
		expect(server.streams).toHaveLength(3);
	});

	it('reconnects after the server drops the stream, and after a refusal, backing off', async () => {
		startFeed().setRefs([A]);
		const first = await server.stream(0);
		server.status = 503;
		first.response.destroy();
		await server.stream(1);
		server.status = 200;
		const third = await server.stream(2);
		expect(third.refs).toEqual([A]);
		third.response.write(event([ok(A, 'Payments', [25])]));
		await statusesWhere((s) => s.get(A)?.state === 'ok');
		expect(states).toEqual(['connecting', 'open', 'retrying', 'connecting', 'retrying', 'connecting', 'open']);
	});

	it('closes its stream on close() and never opens another', async () => {
		const live = startFeed(1);
		live.setRefs([A]);
		const stream = await server.stream(0);
		live.close();
		await stream.closed;
		live.setRefs([B]);
		expect(live.state).toBe('closed');
		// Had it reconnected (1 ms backoff), a second request would be here long before this one.
		const probe = await fetch(`${server.origin}/probe`);
		expect(probe.status).toBe(404);
		expect(server.streams.map((s) => s.refs)).toEqual([[A], []]);
	});

	it('opens nothing while the diagram has no dependency element', async () => {
		const live = startFeed(1);
		live.setRefs([]);
		expect(live.state).toBe('idle');
		await fetch(`${server.origin}/probe`);
		expect(server.streams.map((s) => s.refs)).toEqual([[]]);
	});
});
