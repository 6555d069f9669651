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
import { createClientAddressResolver } from '../auth/client-address.ts';
import { createOriginCheck } from '../auth/origin.ts';

export interface AdmissionOptions {
	maxConnections: number;
	maxConnectionsPerIp: number;
	maxConnectionsPerRoom: number;
	allowedOrigins: readonly string[];
	trustedProxies: readonly string[];
}

export type Admitted = { ok: true; clientAddress: string; release: () => void };
export type Refused = { ok: false; status: 429 | 503; reason: string };

export interface Admission {
	/** Counts a socket against the caps; release() must run when it closes. */
	admit(req: IncomingMessage): Admitted | Refused;
	/** Takes a place in a room, or undefined when it is full; the function gives it back. */
	enterRoom(roomId: string): (() => void) | undefined;
	originAllowed(req: IncomingMessage): boolean;
	readonly total: number;
}

/** Decrements a count, dropping the key at zero so the map does not grow with every address seen. */
function decrement(map: Map<string, number>, key: string): void {
	const n = (map.get(key) ?? 0) - 1;
	if (n <= 0) map.delete(key);
	else map.set(key, n);
}

/** Runs fn at most once. */
function once(fn: () => void): () => void {
	let done = false;
	return () => {
		if (done) return;
		done = true;
		fn();
	};
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
			const mine = perAddress.get(clientAddress) ?? 0;
			if (mine >= options.maxConnectionsPerIp) {
				return { ok: false, status: 429, reason: 'too many connections from this address' };
			}
			total++;
			perAddress.set(clientAddress, mine + 1);
			return {
				ok: true,
				clientAddress,
				release: once(() => {
					total--;
					decrement(perAddress, clientAddress);
				})
			};
		},
		enterRoom(roomId) {
			const inRoom = perRoom.get(roomId) ?? 0;
			if (inRoom >= options.maxConnectionsPerRoom) return undefined;
			perRoom.set(roomId, inRoom + 1);
			return once(() => decrement(perRoom, roomId));
		},
		originAllowed
	};
}
