/**
 * Live dependency status for a workshop's dependency elements (issue 15, item 3):
 * `GET /api/rooms/<id>/dependencies/events?refs=…` as Server-Sent Events. Each event is a whole
 * DependenciesResponse, sent at once and again when a referenced model's board changes in a way
 * the answer shows (its open high-risk threats, its name) or the system's membership changes
 * (a model removed), at most every DEPENDENCY_EVENTS_MIN_INTERVAL_MS per stream. A comment line
 * every KEEP_ALIVE_MS keeps proxies from closing an idle stream.
 *
 * A stream keeps the rooms it watches loaded (one reference each) while it is open, so their
 * changes, local or fanned out from other instances, reach it; closing the stream lets them go.
 * Streams are capped per workshop, per client address and in all: each holds a socket, timers and
 * possibly rooms.
 */
import type { Response } from 'express';
import { DEPENDENCY_EVENTS_MIN_INTERVAL_MS, type DependenciesResponse, type ModelRef } from '#shared/systems/contract';
import type { Logger } from '../log.ts';
import { errorMessage, roomTag } from '../log.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { Room } from '../rooms/room.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { SystemService } from './system-service.ts';

export const KEEP_ALIVE_MS = 25_000;

export interface StreamLimits {
	perRoom: number;
	perAddress: number;
	total: number;
}

interface Stream {
	/** Re-reads membership and the answer (after a system change). */
	refresh(): void;
	close(): void;
}

export class DependencyStreams {
	readonly #streams = new Set<Stream>();
	readonly #perRoom = new Map<string, number>();
	readonly #perAddress = new Map<string, number>();

	constructor(
		private readonly deps: { store: DocStore; rooms: RoomManager; service: SystemService; log: Logger; limits: StreamLimits }
	) {}

	get size(): number {
		return this.#streams.size;
	}

	/** Why a new stream would be refused now, or undefined when it may open. */
	refusal(roomId: string, address: string): string | undefined {
		const { limits } = this.deps;
		if (this.#streams.size >= limits.total) return 'The server holds as many live dependency streams as it may. Try again later.';
		if ((this.#perAddress.get(address) ?? 0) >= limits.perAddress) return `At most ${limits.perAddress} live dependency streams per address. Close a workshop tab and try again.`;
		if ((this.#perRoom.get(roomId) ?? 0) >= limits.perRoom) return `At most ${limits.perRoom} live dependency streams per workshop. Try again later.`;
		return undefined;
	}

	/** Serves one stream on `res` until the client goes away. Call refusal() first. */
	open(res: Response, roomId: string, address: string, refs: readonly ModelRef[], only?: ReadonlySet<ModelRef>): void {
		// Refs outside `only` are answered as unknown (SystemService.dependencies) and not watched.
		const watchedRefs = only ? refs.filter((r) => only.has(r)) : refs;
		const { rooms, store, service, log } = this.deps;
		bump(this.#perRoom, roomId, 1);
		bump(this.#perAddress, address, 1);
		res.status(200);
		res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
		res.setHeader('Cache-Control', 'no-store');
		res.setHeader('X-Accel-Buffering', 'no');
		res.flushHeaders();

		let closed = false;
		let lastSent = '';
		let lastSentAt = 0;
		let timer: NodeJS.Timeout | null = null;
		let sending = false;
		let again = false;
		/** roomId -> the room held and the listener on its board. */
		const watched = new Map<string, { room: Room; off: () => void }>();

		const send = async () => {
			if (closed) return;
			if (sending) {
				again = true;
				return;
			}
			sending = true;
			try {
				const body: DependenciesResponse = { dependencies: await service.dependencies(roomId, refs, only) };
				const json = JSON.stringify(body);
				if (!closed && json !== lastSent) {
					lastSent = json;
					lastSentAt = Date.now();
					res.write(`data: ${json}\n\n`);
				}
			} catch (err) {
				log.warn('dependency stream: status could not be read', { room: roomTag(roomId), error: errorMessage(err) });
			} finally {
				sending = false;
			}
			if (again) {
				again = false;
				schedule();
			}
		};
		const schedule = () => {
			if (closed || timer) return;
			const wait = Math.max(0, lastSentAt + DEPENDENCY_EVENTS_MIN_INTERVAL_MS - Date.now());
			timer = setTimeout(() => {
				timer = null;
				void send();
			}, wait);
		};
		const watch = async () => {
			const wanted = new Set(await service.watchedRooms(roomId, watchedRefs));
			for (const [id, w] of watched) {
				if (wanted.has(id)) continue;
				w.off();
				rooms.release(id);
				watched.delete(id);
			}
			for (const id of wanted) {
				if (closed || watched.has(id)) continue;
				const record = await store.getRoom(id);
				if (!record || closed || watched.has(id)) continue;
				const room = await rooms.acquire(record);
				if (closed || watched.has(id)) {
					rooms.release(id);
					continue;
				}
				const doc = room.docs.board.doc;
				const onUpdate = () => schedule();
				doc.on('update', onUpdate);
				watched.set(id, { room, off: () => doc.off('update', onUpdate) });
			}
		};
		const refresh = () => {
			watch()
				.catch((err: unknown) => log.warn('dependency stream: rooms could not be watched', { room: roomTag(roomId), error: errorMessage(err) }))
				.finally(schedule);
		};
		const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
		keepAlive.unref();

		const stream: Stream = {
			refresh,
			close: () => {
				if (closed) return;
				closed = true;
				if (timer) clearTimeout(timer);
				clearInterval(keepAlive);
				for (const [id, w] of watched) {
					w.off();
					rooms.release(id);
				}
				watched.clear();
				this.#streams.delete(stream);
				bump(this.#perRoom, roomId, -1);
				bump(this.#perAddress, address, -1);
				res.end();
			}
		};
		this.#streams.add(stream);
		res.on('close', stream.close);
		// The first event goes out as soon as the answer is read; watching starts alongside.
		void send();
		refresh();
	}

	/** A system's membership changed (a model added or removed): every stream reads again. */
	systemChanged(): void {
		for (const stream of this.#streams) stream.refresh();
	}

	closeAll(): void {
		for (const stream of [...this.#streams]) stream.close();
	}
}

function bump(counts: Map<string, number>, key: string, by: number): void {
	const next = (counts.get(key) ?? 0) + by;
	if (next <= 0) counts.delete(key);
	else counts.set(key, next);
}
