/**
 * Who may open a sync connection, decided before any work is done for it:
 * - caps on connections in total (HTTP 503) and per client address (HTTP 429), checked on the
 *   upgrade request, before the WebSocket handshake, so a flood costs a refused request each;
 * - a cap per room (close 4529), checked once the room is known;
 * - the Origin allow-list (close 4403): a browser page from another site must not be able to
 *   act with the room link of a user who visits it. Same origin is always allowed; requests
 *   without Origin (not a browser: tools, tests) are allowed, since they could send any Origin.
 */
import type { IncomingMessage } from 'node:http';
import { addressLimitKey, createClientAddressResolver } from '../auth/client-address.ts';
import { createOriginCheck } from '../auth/origin.ts';

export interface AdmissionOptions {
	maxConnections: number;
	maxConnectionsPerIp: number;
	maxConnectionsPerRoom: number;
	allowedOrigins: readonly string[];
	trustedProxies: readonly string[];
	/** How many leading bits of an IPv6 client's address it counts by (client-address.ts). */
	ipv6LimitPrefix?: number;
}

export type Admitted = { ok: true; clientAddress: string };
export type Refused = { ok: false; status: 429 | 503; reason: string };

/**
 * Releases are methods rather than a function per socket: a closure per connection (and its
 * `once` wrapper) cost about half a KB of every idle connection (issue 17). Each admit or
 * enterRoom that succeeded must be released exactly once, when its socket closes.
 */
export interface Admission {
	/** Counts a socket against the caps. */
	admit(req: IncomingMessage): Admitted | Refused;
	/** Gives back what admit() took for this client address. */
	release(clientAddress: string): void;
	/** Takes a place in a room; false when it is full. */
	enterRoom(roomId: string): boolean;
	/** Gives back a place that enterRoom() took. */
	leaveRoom(roomId: string): void;
	originAllowed(req: IncomingMessage): boolean;
	readonly total: number;
}

/** Decrements a count, dropping the key at zero so the map does not grow with every address seen. */
function decrement(map: Map<string, number>, key: string): void {
	const n = (map.get(key) ?? 0) - 1;
	if (n <= 0) map.delete(key);
	else map.set(key, n);
}

export function createAdmission(options: AdmissionOptions): Admission {
	const clientAddressOf = createClientAddressResolver(options.trustedProxies);
	const originAllowed = createOriginCheck(options.allowedOrigins);
	const perAddress = new Map<string, number>();
	const perRoom = new Map<string, number>();
	let total = 0;

	return {
		get total() {
			return total;
		},
		admit(req) {
			const clientAddress = clientAddressOf(req);
			if (total >= options.maxConnections) return { ok: false, status: 503, reason: 'server is at its connection limit' };
			// An IPv6 client counts by its network (a /64 unless set), which one host may fill with addresses.
			const network = addressLimitKey(clientAddress, options.ipv6LimitPrefix);
			const mine = perAddress.get(network) ?? 0;
			if (mine >= options.maxConnectionsPerIp) {
				return { ok: false, status: 429, reason: 'too many connections from this address' };
			}
			total++;
			perAddress.set(network, mine + 1);
			return { ok: true, clientAddress };
		},
		release(clientAddress) {
			total--;
			decrement(perAddress, addressLimitKey(clientAddress, options.ipv6LimitPrefix));
		},
		enterRoom(roomId) {
			const inRoom = perRoom.get(roomId) ?? 0;
			if (inRoom >= options.maxConnectionsPerRoom) return false;
			perRoom.set(roomId, inRoom + 1);
			return true;
		},
		leaveRoom(roomId) {
			decrement(perRoom, roomId);
		},
		originAllowed
	};
}
