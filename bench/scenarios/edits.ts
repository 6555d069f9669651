/**
 * Edit fan-out: every client edits at a fixed rate; latency is measured from one client's send
 * until each other client in the room has the update.
 *
 * Each edit writes a unique marker `@e<id>;` into the client's own key of the board's `notes`
 * root (the root the server's write rules accept; any other root is refused with 4406, which
 * made every edit before this measure a refusal). Receivers do
 * not apply updates: they find the marker in the raw frame (Buffer.indexOf) and look the send
 * time up in a table shared in this process (same clock: performance.now()).
 *
 * With several instances (`servers`), client i connects to servers[i % n], and latencies are also
 * reported split by whether sender and receiver are on the same instance.
 */
import * as Y from 'yjs';
import { CloseCode } from '#shared/wire/protocol';
import { notesMap } from '../../src/lib/shared/board/doc.ts';
import { SyncClient, closeAll, connectAll, dropsByCode } from '../clients.ts';
import type { BenchServer } from '../servers.ts';
import { schedulePeriodic, startLoadWindow, waitUntil, type RunContext, type Timing } from '../harness.ts';
import { Samples, round, summarize } from '../stats.ts';
import { verifyRooms } from '../verify-rooms.ts';
import { encodeUpdate } from '../wire.ts';

export interface EditFanoutOptions extends Timing {
	rooms: number;
	clientsPerRoom: number;
	editsPerSecond: number;
	/** Instances to spread the clients over (default: ctx.server alone). */
	servers?: BenchServer[];
	/** After the load, a fresh client checks every room holds each editor's last edit. */
	verify?: boolean;
}

const MARKER_PREFIX = Buffer.from('@e');
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MARKER_END = 0x3b; // ';'

/** Send times and outstanding receivers per edit id; latencies per (edit, receiver) pair. */
export class EditTracker {
	readonly sentAt: number[] = [];
	readonly sender: number[] = [];
	readonly remaining: number[] = [];
	readonly lastArrival: number[] = [];
	readonly measured: boolean[] = [];
	readonly pairLatencies: Samples;
	/** Worst pair latency per second of the measured window, by send time. */
	readonly worstPerSecond: number[] = [];
	/** With several instances: pairs whose sender and receiver are on different / the same one. */
	readonly crossInstance = new Samples();
	readonly sameInstance = new Samples();
	measureFrom = Infinity;
	duplicates = 0;

	constructor(
		expectedPairs: number,
		/** Instance of a client index, when there are several. */
		private readonly instanceOf?: (client: number) => number
	) {
		this.pairLatencies = new Samples(expectedPairs);
	}

	begin(sender: number, receivers: number, measured: boolean): number {
		const id = this.sentAt.length;
		this.sentAt.push(NaN);
		this.sender.push(sender);
		this.remaining.push(receivers);
		this.lastArrival.push(NaN);
		this.measured.push(measured);
		return id;
	}

	arrived(id: number, receiver: number, now: number): void {
		if (id >= this.sentAt.length || this.sender[id] === receiver) return; // our own echo
		if (this.remaining[id] <= 0) {
			this.duplicates++;
			return;
		}
		this.remaining[id]--;
		this.lastArrival[id] = now;
		if (!this.measured[id]) return;
		const latency = now - this.sentAt[id];
		this.pairLatencies.push(latency);
		if (this.instanceOf) {
			const cross = this.instanceOf(this.sender[id]) !== this.instanceOf(receiver);
			(cross ? this.crossInstance : this.sameInstance).push(latency);
		}
		const second = Math.floor((this.sentAt[id] - this.measureFrom) / 1000);
		if (!(this.worstPerSecond[second] >= latency)) this.worstPerSecond[second] = latency;
	}

	/** Finds every marker in a frame. */
	scan(frame: Buffer, receiver: number, now: number): void {
		let at = frame.indexOf(MARKER_PREFIX, 3);
		while (at !== -1) {
			let pos = at + MARKER_PREFIX.length;
			let id = 0;
			const digitsFrom = pos;
			while (pos < frame.length && frame[pos] >= DIGIT_0 && frame[pos] <= DIGIT_9) id = id * 10 + frame[pos++] - DIGIT_0;
			if (pos > digitsFrom && frame[pos] === MARKER_END) this.arrived(id, receiver, now);
			at = frame.indexOf(MARKER_PREFIX, pos);
		}
	}

	pendingMeasured(): number {
		let pending = 0;
		for (let id = 0; id < this.remaining.length; id++) if (this.measured[id]) pending += this.remaining[id];
		return pending;
	}
}

export class EditClient extends SyncClient {
	readonly doc: Y.Doc;
	#lastUpdate: Uint8Array | null = null;

	constructor(
		url: string,
		protocols: string[],
		readonly index: number,
		tracker: EditTracker
	) {
		const doc = new Y.Doc();
		super({ url, protocols, doc, onUpdate: (frame, now) => tracker.scan(frame, index, now) });
		this.doc = doc;
		doc.on('update', (update: Uint8Array) => {
			this.#lastUpdate = update;
		});
	}

	/** One edit: replaces this client's value with the marker, then sends and stamps it. */
	/** The value of this client's last edit. */
	lastValue: string | null = null;

	get key(): string {
		return `bench-c${this.index}`;
	}

	edit(tracker: EditTracker, id: number): void {
		this.lastValue = `@e${id};`;
		notesMap(this.doc).set(this.key, this.lastValue);
		const update = this.#lastUpdate;
		if (!update) return;
		this.#lastUpdate = null;
		tracker.sentAt[id] = performance.now();
		this.send(encodeUpdate(update));
	}
}

export async function runEditFanout(ctx: RunContext, opts: EditFanoutOptions) {
	const { server } = ctx;
	const servers = opts.servers ?? [server];
	const instanceOf = (client: number) => client % servers.length;
	const total = opts.rooms * opts.clientsPerRoom;
	const receivers = opts.clientsPerRoom - 1;
	const periodMs = 1000 / opts.editsPerSecond;
	const expectedEdits = Math.ceil((total * (opts.durationMs + opts.warmupMs)) / periodMs) + total;
	const tracker = new EditTracker(expectedEdits * receivers, servers.length > 1 ? instanceOf : undefined);

	const roomIds: string[] = [];
	for (let r = 0; r < opts.rooms; r++) roomIds.push(await server.createRoom());
	ctx.progress(`connecting ${total} clients in ${opts.rooms} room(s)`);
	const clients = await connectAll(total, (i) => {
		const target = servers[instanceOf(i)];
		return new EditClient(target.syncUrl(roomIds[Math.floor(i / opts.clientsPerRoom)]), target.protocols, i, tracker);
	});

	ctx.progress(`editing for ${(opts.warmupMs + opts.durationMs) / 1000} s`);
	const stopWindow = startLoadWindow(server);
	const startAt = performance.now() + 20;
	const measureFrom = startAt + opts.warmupMs;
	tracker.measureFrom = measureFrom;
	const endAt = measureFrom + opts.durationMs;
	await Promise.all(
		clients.map((client) =>
			schedulePeriodic(startAt, Math.random() * periodMs, periodMs, endAt, (at) => {
				const id = tracker.begin(client.index, receivers, at >= measureFrom);
				client.edit(tracker, id);
			})
		)
	);
	const settleWaitMs = await waitUntil(() => tracker.pendingMeasured() === 0, opts.settleMs);
	const load = stopWindow();

	const untilAll: number[] = [];
	let measuredEdits = 0;
	let incompleteEdits = 0;
	for (let id = 0; id < tracker.sentAt.length; id++) {
		if (!tracker.measured[id]) continue;
		measuredEdits++;
		if (tracker.remaining[id] > 0) incompleteEdits++;
		else untilAll.push(tracker.lastArrival[id] - tracker.sentAt[id]);
	}
	const drops = dropsByCode(clients);
	let verified;
	if (opts.verify) {
		ctx.progress(`verifying ${opts.rooms} room(s)`);
		const expected = roomIds.map(() => new Map<string, string>());
		for (const client of clients) {
			if (client.lastValue !== null) expected[Math.floor(client.index / opts.clientsPerRoom)].set(client.key, client.lastValue);
		}
		verified = await verifyRooms(
			roomIds.map((id) => server.syncUrl(id)),
			server.protocols,
			expected
		);
	}
	closeAll(clients);
	for (const client of clients) client.doc.destroy();
	// A refused edit is not an edit delivered late: the figures would measure refusals.
	const refused = drops[String(CloseCode.UpdateRefused)] ?? 0;
	if (refused > 0) throw new Error(`${refused} client(s) closed with ${CloseCode.UpdateRefused} (update refused): the edits are not ones the server accepts`);
	if (verified && verified.lost > 0) throw new Error(`${verified.lost} editor(s)' last edit missing afterwards: ${JSON.stringify(verified.examples)}`);

	return {
		clients: total,
		rooms: opts.rooms,
		clientsPerRoom: opts.clientsPerRoom,
		editsPerSecondPerClient: opts.editsPerSecond,
		measuredSeconds: opts.durationMs / 1000,
		edits: {
			measured: measuredEdits,
			/** Edits some receiver never got (within the settle time). */
			undelivered: incompleteEdits,
			undeliveredPairs: tracker.pendingMeasured(),
			duplicateDeliveries: tracker.duplicates
		},
		/** Over all (edit, receiver) pairs. */
		latencyMs: summarize(tracker.pairLatencies),
		...(servers.length > 1
			? {
					instances: servers.length,
					/** Pairs whose sender and receiver are on different instances (through Redis). */
					crossInstanceLatencyMs: summarize(tracker.crossInstance),
					sameInstanceLatencyMs: summarize(tracker.sameInstance)
				}
			: {}),
		/** Per edit: until every other client in the room had it. */
		untilAllHaveItMs: summarize(untilAll),
		/** Worst (edit, receiver) latency among edits sent in each second: periodic stalls show here. */
		worstPerSecondMs: Array.from(tracker.worstPerSecond, (v) => round(v ?? NaN, 1)),
		settleWaitMs: round(settleWaitMs),
		droppedConnections: drops,
		...(verified ? { verified } : {}),
		load
	};
}
