/**
 * Late joiners into a room holding many notes. The time measured is from sending sync step 1
 * (empty state vector: a fresh browser) until the joiner holds the complete state ("first
 * reply"): the step 2 reply, plus any sync update the server sends to complete it (ours may
 * answer with a cached snapshot and the updates committed since, which it sends first, so that
 * the snapshot completes the state). The holder's latest edit carries a unique marker; the
 * joiner is complete once its step 2 has arrived and a frame of its reply contained the marker.
 *
 * A holder client stays connected throughout (a live workshop; it also keeps the room loaded).
 * "afterEdit" joiners come just after the holder changed the document, so the server must
 * encode the full state anew; "cached" joiners follow each other with no change in between.
 */
import * as Y from 'yjs';
import { SyncClient, closeAll, sleep, withTimeout } from '../clients.ts';
import { startLoadWindow, type RunContext } from '../harness.ts';
import { countNotes, notesUpdate } from '../fixtures.ts';
import { notesMap } from '../../src/lib/shared/board/doc.ts';
import { round, summarize, median, percentile } from '../stats.ts';
import { encodeUpdate } from '../wire.ts';
import type { BenchServer } from '../servers.ts';

export interface LateJoinOptions {
	notes: number;
	/** Single joiners per variant (cached, afterEdit). */
	repeats: number;
	crowd: number;
	crowdRounds: number;
}

const SEED_VISIBLE_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 30_000;
/** Pause after an edit, so it is committed and broadcast before the joiner arrives. */
const AFTER_EDIT_PAUSE_MS = 100;

class Holder extends SyncClient {
	readonly doc: Y.Doc;
	#edits = 0;

	constructor(server: BenchServer, roomId: string) {
		const doc = new Y.Doc();
		super({ url: server.syncUrl(roomId), protocols: server.protocols, doc });
		this.doc = doc;
		doc.on('update', (update: Uint8Array) => this.send(encodeUpdate(update)));
	}

	/** Changes the document; returns the marker a complete reply must now contain. */
	edit(): Buffer {
		const marker = `@h${++this.#edits};`;
		notesMap(this.doc).set('bench-holder', marker); // a root the server accepts writes to
		return Buffer.from(marker);
	}

	/** The marker of the latest edit. */
	get marker(): Buffer {
		return Buffer.from(`@h${this.#edits};`);
	}
}

/** A fresh client that records when its reply became complete (holds `marker`). */
class Joiner extends SyncClient {
	completeAt = NaN;
	replyBytes = 0;
	readonly complete: Promise<void>;
	#resolve!: () => void;

	constructor(server: BenchServer, roomId: string, marker: Buffer, deferStep1 = false) {
		let markerSeen = false;
		// Frames before step 1 are live updates, not the reply; the reply's tail may precede step 2.
		const check = (bytes: Uint8Array, now: number) => {
			if (!Number.isNaN(this.completeAt) || Number.isNaN(this.step1SentAt)) return;
			this.replyBytes += bytes.length;
			markerSeen ||= Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(marker) !== -1;
			if (!markerSeen || Number.isNaN(this.step2At)) return;
			this.completeAt = now;
			this.#resolve();
		};
		super({ url: server.syncUrl(roomId), protocols: server.protocols, deferStep1, onStep2: check, onUpdate: check });
		this.complete = new Promise((resolve) => (this.#resolve = resolve));
	}

	get reply(): Reply {
		return { ms: this.completeAt - this.step1SentAt, bytes: this.replyBytes, step2Ms: this.step2At - this.step1SentAt };
	}
}

interface Reply {
	ms: number;
	bytes: number;
	/** Until the step 2 frame alone. */
	step2Ms: number;
}

async function joinOnce(server: BenchServer, roomId: string, marker: Buffer): Promise<Reply> {
	const client = new Joiner(server, roomId, marker);
	try {
		await withTimeout(client.opened.then(() => client.complete), REPLY_TIMEOUT_MS, 'no complete first reply');
		return client.reply;
	} finally {
		client.close();
	}
}

/** `crowd` joiners, all open first, then all send step 1 in the same tick. */
async function joinCrowd(server: BenchServer, roomId: string, crowd: number, marker: Buffer): Promise<Reply[]> {
	const clients: Joiner[] = [];
	for (let i = 0; i < crowd; i++) clients.push(new Joiner(server, roomId, marker, true));
	try {
		await withTimeout(Promise.all(clients.map((c) => c.opened)), REPLY_TIMEOUT_MS, 'joiners did not connect');
		for (const client of clients) client.sendStep1();
		await withTimeout(Promise.all(clients.map((c) => c.complete)), REPLY_TIMEOUT_MS, 'no complete first reply for every joiner');
		return clients.map((c) => c.reply);
	} finally {
		closeAll(clients);
	}
}

/** Waits until a fresh client's full-state reply holds every note; returns the time taken. */
async function waitSeedVisible(server: BenchServer, roomId: string, notes: number): Promise<number> {
	const started = performance.now();
	while (performance.now() - started < SEED_VISIBLE_TIMEOUT_MS) {
		let payload: Uint8Array | null = null;
		const client = new SyncClient({
			url: server.syncUrl(roomId),
			protocols: server.protocols,
			onStep2: (p) => (payload ??= Uint8Array.from(p))
		});
		try {
			await withTimeout(client.opened.then(() => client.synced), REPLY_TIMEOUT_MS, 'no reply');
		} finally {
			client.close();
		}
		if (payload && countNotes(payload) >= notes) return performance.now() - started;
		await sleep(200);
	}
	throw new Error(`the ${notes} seeded notes did not become visible within ${SEED_VISIBLE_TIMEOUT_MS} ms`);
}

const summarizeMs = (values: number[]) => ({
	median: round(median(values)),
	p95: round(percentile(Float64Array.from(values).sort(), 0.95)),
	max: round(Math.max(...values)),
	samples: values.map((v) => round(v))
});

export async function runLateJoin(ctx: RunContext, opts: LateJoinOptions) {
	const { server } = ctx;
	const seed = notesUpdate(opts.notes);
	const roomId = await server.createRoom();
	const holder = new Holder(server, roomId);
	try {
		await withTimeout(holder.opened.then(() => holder.synced), REPLY_TIMEOUT_MS, 'holder did not sync');
		ctx.progress(`seeding ${opts.notes} notes (${seed.length} bytes)`);
		const stopWindow = startLoadWindow(server);
		holder.send(encodeUpdate(seed));
		holder.edit();
		const seedVisibleMs = await waitSeedVisible(server, roomId, opts.notes);

		ctx.progress(`single joiners x ${opts.repeats} x 2`);
		const cached: Reply[] = [];
		for (let i = 0; i < opts.repeats; i++) {
			cached.push(await joinOnce(server, roomId, holder.marker));
			await sleep(20);
		}
		const afterEdit: Reply[] = [];
		for (let i = 0; i < opts.repeats; i++) {
			const marker = holder.edit();
			await sleep(AFTER_EDIT_PAUSE_MS);
			afterEdit.push(await joinOnce(server, roomId, marker));
		}

		ctx.progress(`${opts.crowd} joiners at once x ${opts.crowdRounds}`);
		const crowd: Reply[] = [];
		const crowdRoundP50: number[] = [];
		for (let round = 0; round < opts.crowdRounds; round++) {
			const marker = holder.edit();
			await sleep(AFTER_EDIT_PAUSE_MS);
			const replies = await joinCrowd(server, roomId, opts.crowd, marker);
			crowd.push(...replies);
			crowdRoundP50.push(median(replies.map((r) => r.ms)));
			await sleep(200);
		}
		const load = stopWindow();

		return {
			notes: opts.notes,
			seedBytes: seed.length,
			seedVisibleMs: round(seedVisibleMs),
			replyBytes: afterEdit[0]?.bytes,
			/** Headline: one joiner just after a change. */
			firstReplyMs: summarizeMs(afterEdit.map((r) => r.ms)),
			/** The same joiners, until the step 2 frame alone (without anything sent after it). */
			firstStep2FrameMs: summarizeMs(afterEdit.map((r) => r.step2Ms)),
			/** One joiner after another with no change in between (a cached reply may be reused). */
			firstReplyCachedMs: summarizeMs(cached.map((r) => r.ms)),
			crowd: {
				joiners: opts.crowd,
				rounds: opts.crowdRounds,
				/** Each joiner's time to first reply, pooled over the rounds. */
				firstReplyMs: summarize(crowd.map((r) => r.ms)),
				roundMediansMs: crowdRoundP50.map((v) => round(v))
			},
			droppedHolder: holder.droppedByServer ? holder.closeCode : null,
			load
		};
	} finally {
		holder.close();
		holder.doc.destroy();
	}
}
