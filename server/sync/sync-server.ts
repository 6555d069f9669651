/**
 * WebSocket sync at /sync/<roomId>[/<docName>] (y-websocket protocol), attached to an HTTP
 * server in noServer mode. Rooms are never created by connecting: unknown ids are refused.
 *
 * The handshake is always completed before refusing, so that the browser sees a named close
 * code (an HTTP error on the upgrade reaches scripts only as an anonymous 1006).
 */
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isRoomId, isSecret } from '#shared/ids';
import {
	CloseCode,
	FACILITATOR_SUBPROTOCOL_PREFIX,
	PARTICIPANT_SUBPROTOCOL_PREFIX,
	SUBPROTOCOL,
	SYNC_DOC_NAMES,
	SYNC_PATH_PREFIX,
	type SyncDocName
} from '#shared/wire/protocol';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import { Connection } from '../rooms/connection.ts';
import { ProtocolError } from '../rooms/protocol-error.ts';
import { resolveRoom } from '../rooms/resolve.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { Room } from '../rooms/room.ts';
import { createAdmission } from './admission.ts';

/** The heartbeat's connections are split into this many groups, pinged one group per tick. */
const HEARTBEAT_SLICES = 30;
/**
 * Frames a client may send before its room has finished loading, and their bytes (at most one
 * largest message's worth): kept in memory before any rate limit applies, so 64 frames of the
 * largest size were a gigabyte per socket. An honest client sends a sync step 1 and its presence
 * until it hears from the server.
 */
const MAX_FRAMES_WHILE_LOADING = 64;

export interface SyncTarget {
	id: string;
	docName: SyncDocName;
}

/** Parses the request path; undefined for anything malformed or path-like. */
export function parseSyncPath(url: string | undefined): SyncTarget | undefined {
	if (!url) return undefined;
	const pathname = url.split('?', 1)[0];
	if (!pathname.startsWith(SYNC_PATH_PREFIX)) return undefined;
	const parts = pathname.slice(SYNC_PATH_PREFIX.length).split('/');
	if (parts.length > 2) return undefined;
	const [id, docName = 'board'] = parts;
	if (!isRoomId(id) && !isSecret(id)) return undefined;
	if (!(SYNC_DOC_NAMES as readonly string[]).includes(docName)) return undefined;
	return { id, docName: docName as SyncDocName };
}

/** A socket that took a place in a room; `conn` and `room` are set once it is served. */
interface Session {
	readonly roomId: string;
	readonly docName: SyncDocName;
	conn: Connection | null;
	room: Room | null;
}

export interface SyncServer {
	/** Takes every upgrade on this server: /sync/ paths are served, others refused. */
	attach(server: HttpServer): void;
	/** Serves /sync/ paths and returns false for others (e.g. Vite's HMR socket in dev). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	connectionCount(): number;
	/** Closes every connection with GoingAway (clients reconnect, possibly elsewhere). */
	closeAll(): void;
	stopHeartbeat(): void;
}

export function createSyncServer(deps: {
	config: Config;
	store: DocStore;
	rooms: RoomManager;
	log: Logger;
	metrics: Metrics;
}): SyncServer {
	const { config, store, rooms, log, metrics } = deps;
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: config.MAX_MESSAGE_BYTES,
		perMessageDeflate: false,
		handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false)
	});
	/**
	 * Every open connection, with its socket (the heartbeat pings the socket itself), in
	 * HEARTBEAT_SLICES groups by id: a heartbeat tick walks its own group only. Walking all 5,000
	 * connections of edits-1000x5 every tick to pick a thirtieth of them allocated an entry per
	 * connection per tick, 5 MB in 15 s, for the garbage collector to sweep up.
	 */
	const groups = Array.from({ length: HEARTBEAT_SLICES }, () => new Map<Connection, WebSocket>());
	const groupOf = (conn: Connection) => groups[conn.id % HEARTBEAT_SLICES];
	const openConnections = () => groups.reduce((n, group) => n + group.size, 0);
	let accepting = true;
	const admission = createAdmission({
		maxConnections: config.MAX_CONNECTIONS,
		maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
		maxConnectionsPerRoom: config.MAX_CONNECTIONS_PER_ROOM,
		allowedOrigins: config.ALLOWED_ORIGINS,
		trustedProxies: config.TRUSTED_PROXIES,
		ipv6LimitPrefix: config.IPV6_LIMIT_PREFIX
	});

	// Each connection is pinged once per HEARTBEAT_INTERVAL_MS, its slice of them per tick: pinging
	// all 5,000 connections of edits-1000x5 in one turn (and reading their 5,000 pongs right
	// after) held every edit in flight behind it, once per interval.
	let heartbeatTick = 0;
	const heartbeat = setInterval(() => {
		groups[heartbeatTick++ % HEARTBEAT_SLICES].forEach((ws, conn) => {
			if (!conn.alive) {
				log.info('connection dropped: no heartbeat', { room: conn.roomTag, conn: conn.id });
				conn.socket.terminate();
				return;
			}
			conn.alive = false;
			ws.ping();
		});
	}, Math.max(1, Math.floor(config.HEARTBEAT_INTERVAL_MS / HEARTBEAT_SLICES)));
	heartbeat.unref();

	/** The value of the offered sub-protocol with this prefix (credentials ride there, never in the URL). */
	function subprotocolValue(req: IncomingMessage, prefix: string): string | undefined {
		const header = req.headers['sec-websocket-protocol'];
		if (!header) return undefined;
		for (const token of header.split(',')) {
			const value = token.trim();
			if (value.startsWith(prefix)) return value.slice(prefix.length);
		}
		return undefined;
	}

	function forget(conn: Connection): void {
		groupOf(conn).delete(conn);
		metrics.connections.set(openConnections());
	}

	// The socket handlers are shared by every socket (`this` is the socket) and find what they
	// need in these maps: a closure per handler and connection, with its scope, cost about 1 KB of
	// every idle connection (issue 17, bench/heap-per-connection.ts).
	/** Sockets that passed admission, with the client address to give back when they close. */
	const admittedAddresses = new WeakMap<Duplex, string>();
	/** Sockets that took a place in a room; `conn` and `room` once served. */
	const sessions = new WeakMap<WebSocket, Session>();

	function onSocketError(err: Error): void {
		log.debug('socket error', { error: errorMessage(err) });
	}

	function onAdmittedSocketClose(this: Duplex): void {
		const clientAddress = admittedAddresses.get(this);
		if (clientAddress === undefined) return;
		admittedAddresses.delete(this);
		admission.release(clientAddress);
	}

	function onSessionClose(this: WebSocket): void {
		const session = sessions.get(this);
		if (!session) return;
		sessions.delete(this);
		admission.leaveRoom(session.roomId);
		const { conn, room } = session;
		if (!conn || !room) return;
		forget(conn);
		conn.closed = true;
		room.disconnect(conn, session.docName);
		rooms.release(session.roomId);
	}

	function onSessionPong(this: WebSocket): void {
		const conn = sessions.get(this)?.conn;
		if (conn) conn.alive = true;
	}

	function onSessionMessage(this: WebSocket, data: RawData): void {
		const session = sessions.get(this);
		if (session) handleFrame(session, toBytes(data));
	}

	/** Closes a socket that never got as far as a Connection. */
	function refuse(ws: WebSocket, code: CloseCode, reason: string, fields: Record<string, string>): void {
		metrics.connectionsClosed.inc({ code: String(code) });
		log.info('connection refused', { ...fields, code, reason });
		ws.close(code, reason);
		setTimeout(() => ws.terminate(), 2_000).unref();
	}

	async function onConnection(ws: WebSocket, req: IncomingMessage, target: SyncTarget | undefined): Promise<void> {
		// Frames that arrive while the room loads are kept, in order, and replayed.
		const early: Uint8Array[] = [];
		let earlyBytes = 0;
		let overflow = false;
		const buffer = (data: RawData) => {
			if (overflow) return;
			const frame = toBytes(data);
			earlyBytes += frame.length;
			if (early.length >= MAX_FRAMES_WHILE_LOADING || earlyBytes > config.MAX_MESSAGE_BYTES) {
				overflow = true;
				early.length = 0; // nothing of it is handled: the connection is closed once ready
			} else early.push(frame);
		};
		ws.on('message', buffer);
		ws.on('error', onSocketError);

		if (!target) return refuse(ws, CloseCode.MalformedMessage, 'malformed sync path', {});
		if (!accepting) return refuse(ws, CloseCode.TryAgainLater, 'server shutting down', {});
		if (!admission.originAllowed(req)) return refuse(ws, CloseCode.Forbidden, 'origin not allowed', {});

		let resolved: Awaited<ReturnType<typeof resolveRoom>>;
		try {
			resolved = await resolveRoom(store, target.id);
		} catch (err) {
			log.error('room lookup failed', { error: errorMessage(err) });
			return refuse(ws, CloseCode.StorageUnavailable, 'storage unavailable', {});
		}
		if (!resolved) return refuse(ws, CloseCode.RoomNotFound, 'room not found', {});
		const { record, access } = resolved;
		const tag = roomTag(record.roomId);

		if (!admission.enterRoom(record.roomId)) return refuse(ws, CloseCode.RoomFull, 'room is full', { room: tag });
		const session: Session = { roomId: record.roomId, docName: target.docName, conn: null, room: null };
		if (ws.readyState === ws.CLOSED) admission.leaveRoom(record.roomId); // closed during the lookup: no close event comes
		else {
			sessions.set(ws, session);
			ws.on('close', onSessionClose);
		}

		const conn = new Connection(
			ws,
			access,
			tag,
			{
				maxBufferedBytes: config.MAX_BUFFERED_BYTES,
				maxMessagesPerSecond: config.MAX_MESSAGES_PER_SECOND,
				maxBytesPerSecond: config.MAX_BYTES_PER_SECOND,
				maxMessageBytes: config.MAX_MESSAGE_BYTES
			},
			log,
			metrics
		);
		groupOf(conn).set(conn, ws);
		metrics.connections.set(openConnections());

		let room: Room;
		try {
			room = await rooms.acquire(record);
		} catch (err) {
			forget(conn);
			log.error('room load failed', { room: tag, error: errorMessage(err) });
			conn.close(CloseCode.StorageUnavailable, 'room could not be loaded');
			return;
		}
		const refusal = room.authenticate(conn, target.docName, {
			facilitatorKey: subprotocolValue(req, FACILITATOR_SUBPROTOCOL_PREFIX),
			participant: subprotocolValue(req, PARTICIPANT_SUBPROTOCOL_PREFIX)
		});
		if (refusal) {
			forget(conn);
			rooms.release(record.roomId);
			conn.close(refusal.code, refusal.reason);
			return;
		}
		if (ws.readyState !== ws.OPEN) {
			forget(conn);
			conn.closed = true;
			room.disconnect(conn, target.docName);
			rooms.release(record.roomId);
			return;
		}
		ws.off('message', buffer);
		// From here the session's close handler disconnects and releases the room.
		session.conn = conn;
		session.room = room;
		ws.on('pong', onSessionPong);
		ws.on('message', onSessionMessage);
		room.connect(conn, target.docName);
		if (overflow) return conn.close(CloseCode.RateLimited, 'too many messages before sync');
		for (const frame of early.splice(0)) handleFrame(session, frame);
		log.debug('connection opened', { room: tag, conn: conn.id, role: conn.role, doc: target.docName });
	}

	function handleFrame(session: Session, frame: Uint8Array): void {
		const { conn, room } = session;
		if (!conn || !room || conn.closed) return;
		conn.alive = true;
		if (!conn.takeMessageToken(frame.length)) return conn.close(CloseCode.RateLimited, 'message rate exceeded');
		try {
			room.docs[session.docName].handleMessage(conn, frame);
		} catch (err) {
			if (err instanceof ProtocolError) conn.close(err.code, err.message);
			else {
				log.error('message handling failed', { room: conn.roomTag, conn: conn.id, error: errorMessage(err) });
				conn.close(CloseCode.MalformedMessage, 'message could not be processed');
			}
		}
	}

	/** Answers an upgrade with a plain HTTP error, before any WebSocket work (floods stay cheap). */
	function rejectUpgrade(socket: Duplex, status: 429 | 503, reason: string): void {
		metrics.connectionsClosed.inc({ code: `http-${status}` });
		log.debug('upgrade refused', { status, reason });
		const body = `${reason}\n`;
		socket.on('error', () => undefined);
		socket.end(
			`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nRetry-After: 5\r\n` +
				`Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
		);
		setTimeout(() => socket.destroy(), 2_000).unref();
	}

	function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		if (!req.url?.startsWith(SYNC_PATH_PREFIX)) return false;
		const admitted = admission.admit(req);
		if (!admitted.ok) {
			rejectUpgrade(socket, admitted.status, admitted.reason);
			return true;
		}
		admittedAddresses.set(socket, admitted.clientAddress);
		socket.on('close', onAdmittedSocketClose);
		const target = parseSyncPath(req.url);
		wss.handleUpgrade(req, socket, head, (ws) => {
			onConnection(ws, req, target).catch((err: unknown) => {
				log.error('connection setup failed', { error: errorMessage(err) });
				ws.terminate();
			});
		});
		return true;
	}

	return {
		attach(server) {
			// The app's only WebSocket endpoint: any other upgrade is refused outright.
			server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
				if (!handleUpgrade(req, socket, head)) socket.destroy();
			});
		},
		handleUpgrade,
		connectionCount: openConnections,
		closeAll() {
			accepting = false;
			for (const group of groups) for (const conn of group.keys()) conn.close(CloseCode.GoingAway, 'server shutting down');
		},
		stopHeartbeat() {
			clearInterval(heartbeat);
		}
	};
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}
