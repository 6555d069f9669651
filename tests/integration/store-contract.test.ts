/**
 * The DocStore contract, run against every implementation: SQLite (embedded default) and
 * PostgreSQL (scale-out). Each PostgreSQL run works in its own schema, dropped afterwards.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { DocKey, DocStore, PendingUpdate, RoomRecord, StoredLog } from '../../server/persistence/doc-store.ts';
import { createPostgresStore } from '../../server/persistence/postgres-store.ts';
import { encodeRecords } from '../../server/persistence/append-journal.ts';
import { createSqliteStore, JOURNAL_FILE } from '../../server/persistence/sqlite-store.ts';
import { Persister } from '../../server/persistence/persister.ts';
import { createLogger } from '../../server/log.ts';
import { createMetrics } from '../../server/metrics.ts';
import { waitUntil } from '../helpers/clients.ts';
import { tempDataDir } from '../helpers/server.ts';
import { TEST_DATABASE_URL, testSchema } from '../helpers/shared-services.ts';

interface Backend {
	/** Opens a store on this backend's storage. */
	open(): DocStore;
	cleanup(): Promise<void>;
}

const backends: Record<string, () => Backend> = {
	sqlite() {
		const dir = tempDataDir();
		return {
			open: () => createSqliteStore(dir),
			cleanup: async () => fs.rmSync(dir, { recursive: true, force: true })
		};
	},
	postgres() {
		const schema = testSchema('contract');
		return {
			open: () => createPostgresStore({ connectionString: TEST_DATABASE_URL, schema: schema.schema, poolSize: 4 }),
			cleanup: () => schema.drop()
		};
	}
};

/** Backends on which one store may be open at a time: SQLite is one process's file (tested below). */
const ONE_WRITER = new Set(['sqlite']);

let counter = 0;
function room(overrides: Partial<RoomRecord> = {}): RoomRecord {
	const n = String(counter++).padStart(4, '0');
	return {
		roomId: `room-${n}-${'r'.repeat(14)}`,
		title: `Workshop ${n}`,
		facilitatorKeyHash: `f${n}`.padEnd(64, 'a'),
		observerIdHash: `o${n}`.padEnd(64, 'b'),
		createdAt: 1_700_000_000_000 + counter,
		...overrides
	};
}

/** A Yjs update setting notes[key] = value, from a client of its own (same bytes every call). */
function setKey(key: string, value: number): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) + value;
	doc.getMap('notes').set(key, value);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}

function docFrom(updates: Uint8Array[]): Y.Doc {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	return doc;
}

/** The fold a server performs: everything stored, as one snapshot. */
function foldAll(stored: StoredLog): Uint8Array {
	const entries = stored.entries.map((e) => e.update);
	const doc = docFrom(stored.snapshot ? [stored.snapshot, ...entries] : entries);
	const snapshot = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return snapshot;
}

async function keysOf(store: DocStore, key: DocKey): Promise<string[]> {
	const doc = docFrom((await store.loadDoc(key)).updates);
	const keys = [...doc.getMap('notes').keys()].sort();
	doc.destroy();
	return keys;
}

/** A backend for one describe block, and its stores, closed after each test. */
function useBackend(name: string): { backend: Backend; openStore: () => DocStore } {
	const backend = backends[name]();
	const open: DocStore[] = [];
	afterEach(async () => {
		for (const store of open.splice(0)) await store.close();
	});
	afterAll(() => backend.cleanup());
	return {
		backend,
		openStore() {
			const store = backend.open();
			open.push(store);
			return store;
		}
	};
}

describe.each(Object.keys(backends))('%s store', (name) => {
	const { backend, openStore } = useBackend(name);

	it('creates rooms and finds them by id and by observer hash', async () => {
		const store = openStore();
		const record = room();
		await store.createRoom(record, []);
		expect(await store.getRoom(record.roomId)).toEqual(record);
		expect(await store.getRoomByObserverHash(record.observerIdHash)).toEqual(record);
		expect(await store.getRoom('no-such-room')).toBeUndefined();
		expect(await store.getRoomByObserverHash('0'.repeat(64))).toBeUndefined();
	});

	it('refuses a second room with the same id or observer hash and keeps the first', async () => {
		const store = openStore();
		const first = room();
		await store.createRoom(first, [{ roomId: first.roomId, docName: 'board', snapshot: setKey('a', 1) }]);
		await expect(store.createRoom({ ...room(), roomId: first.roomId }, [])).rejects.toThrow();
		await expect(store.createRoom({ ...room(), observerIdHash: first.observerIdHash }, [])).rejects.toThrow();
		expect(await store.getRoom(first.roomId)).toEqual(first);
		expect(await keysOf(store, { roomId: first.roomId, docName: 'board' })).toEqual(['a']);
	});

	it('creates a room and its documents atomically', async () => {
		const store = openStore();
		const taken = room();
		await store.createRoom(taken, []);
		const clash = room({ observerIdHash: taken.observerIdHash });
		await expect(
			store.createRoom(clash, [{ roomId: clash.roomId, docName: 'board', snapshot: setKey('orphan', 1) }])
		).rejects.toThrow();
		expect(await store.loadDoc({ roomId: clash.roomId, docName: 'board' })).toEqual({ updates: [], lastSeq: 0, logLength: 0, seqs: [], version: 0 });
	});

	it('loads a document as its snapshot, then its log in commit order', async () => {
		const store = openStore();
		const record = room();
		const key: DocKey = { roomId: record.roomId, docName: 'board' };
		expect(await store.loadDoc(key)).toEqual({ updates: [], lastSeq: 0, logLength: 0, seqs: [], version: 0 });
		const snapshot = setKey('initial', 0);
		await store.createRoom(record, [{ ...key, snapshot }]);
		const first = await store.appendUpdates([{ ...key, update: setKey('one', 1) }]);
		const second = await store.appendUpdates([
			{ ...key, update: setKey('two', 2) },
			{ ...key, update: setKey('three', 3) }
		]);
		const seqs = [...first, ...second];
		expect(seqs).toHaveLength(3);
		expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
		expect(new Set(seqs).size).toBe(3);

		const loaded = await store.loadDoc(key);
		expect(loaded.logLength).toBe(3);
		expect(loaded.lastSeq).toBe(seqs[2]);
		expect(loaded.seqs).toEqual(seqs);
		expect(loaded.version).toBe(3);
		expect(loaded.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(
			[snapshot, setKey('one', 1), setKey('two', 2), setKey('three', 3)].map((u) => Buffer.from(u).toString('hex'))
		);
	});

	it('keeps rooms and documents apart', async () => {
		const store = openStore();
		const a = room();
		const b = room();
		await store.createRoom(a, []);
		await store.createRoom(b, []);
		await store.appendUpdates([
			{ roomId: a.roomId, docName: 'board', update: setKey('a-board', 1) },
			{ roomId: a.roomId, docName: 'control', update: setKey('a-control', 1) },
			{ roomId: b.roomId, docName: 'board', update: setKey('b-board', 1) }
		]);
		expect(await keysOf(store, { roomId: a.roomId, docName: 'board' })).toEqual(['a-board']);
		expect(await keysOf(store, { roomId: a.roomId, docName: 'control' })).toEqual(['a-control']);
		expect(await keysOf(store, { roomId: b.roomId, docName: 'board' })).toEqual(['b-board']);
		expect(await store.loadDoc({ roomId: b.roomId, docName: 'control' })).toMatchObject({ updates: [], logLength: 0 });
	});

	it('appends a batch of thousands in one call, with one sequence number each, in order', async () => {
		const store = openStore();
		const record = room();
		const key: DocKey = { roomId: record.roomId, docName: 'board' };
		const batch: PendingUpdate[] = Array.from({ length: 2_500 }, (_, i) => ({ ...key, update: setKey(`k${i}`, i) }));
		const seqs = await store.appendUpdates(batch);
		expect(seqs).toHaveLength(2_500);
		for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
		expect((await store.loadDoc(key)).logLength).toBe(2_500);
		expect(await keysOf(store, key)).toHaveLength(2_500);
	});

	it('under the group committer, stores every document\'s updates in the order they came, with overlapping commits where the store takes them', async () => {
		const store = openStore();
		const persister = new Persister(store, createLogger('silent'), createMetrics());
		const records = Array.from({ length: 6 }, () => room());
		for (const record of records) await store.createRoom(record, []);
		const keys: DocKey[] = records.flatMap((r) => [
			{ roomId: r.roomId, docName: 'board' as const },
			{ roomId: r.roomId, docName: 'control' as const }
		]);
		const sent = new Map<string, string[]>(keys.map((k) => [`${k.roomId}/${k.docName}`, []]));
		const reported = new Map<string, number[]>(keys.map((k) => [`${k.roomId}/${k.docName}`, []]));
		let mostAtOnce = 0;
		// One update per turn of the event loop, so that batches start while others commit.
		for (let i = 0; i < 240; i++) {
			const key = keys[(i * 5) % keys.length];
			const name = `${key.roomId}/${key.docName}`;
			const update = setKey(`u${i}`, i);
			sent.get(name)!.push(Buffer.from(update).toString('hex'));
			persister.enqueue({ ...key, update }, (seq) => reported.get(name)!.push(seq));
			mostAtOnce = Math.max(mostAtOnce, persister.batchesInFlight);
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
		await persister.drain();
		expect(mostAtOnce).toBeLessThanOrEqual(store.concurrentAppends);
		// SQLite commits inside appendUpdates; PostgreSQL had batches committing together.
		if (store.kind === 'postgres') expect(mostAtOnce).toBeGreaterThan(1);
		for (const key of keys) {
			const name = `${key.roomId}/${key.docName}`;
			const loaded = await store.loadDoc(key);
			expect(loaded.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(sent.get(name));
			// Each document's commits were reported in order, with the numbers it is stored under.
			expect(reported.get(name)).toEqual(loaded.seqs);
		}
	});

	it('compaction hands fold the snapshot and log, stores its result and drops what it read', async () => {
		const store = openStore();
		const record = room();
		const key: DocKey = { roomId: record.roomId, docName: 'board' };
		await store.createRoom(record, [{ ...key, snapshot: setKey('initial', 0) }]);
		await store.appendUpdates([1, 2, 3].map((i) => ({ ...key, update: setKey(`k${i}`, i) })));

		const seqsBefore = (await store.loadDoc(key)).seqs;
		expect(seqsBefore).toHaveLength(3);
		let seen: StoredLog | undefined;
		const folded = await store.compact(key, (stored) => {
			seen = stored;
			return foldAll(stored);
		});
		expect(folded).toBe(3);
		expect(seen?.snapshot && Buffer.from(seen.snapshot).equals(Buffer.from(setKey('initial', 0)))).toBe(true);
		expect(seen?.entries.map((e) => e.seq)).toEqual(seqsBefore);
		const after = await store.loadDoc(key);
		expect(after.logLength).toBe(0);
		expect(after.updates).toHaveLength(1);
		expect(await keysOf(store, key)).toEqual(['initial', 'k1', 'k2', 'k3']);

		// Later entries stay in the log after the new snapshot.
		await store.appendUpdates([{ ...key, update: setKey('later', 9) }]);
		expect((await store.loadDoc(key)).logLength).toBe(1);
		expect(await keysOf(store, key)).toEqual(['initial', 'k1', 'k2', 'k3', 'later']);
		// An empty log has nothing to fold.
		await store.compact(key, foldAll);
		expect(await store.compact(key, foldAll)).toBe(0);
	});

	it('numbers a document\'s entries above every entry it had, also once compaction has emptied its log', async () => {
		const store = openStore();
		const record = room();
		const key: DocKey = { roomId: record.roomId, docName: 'board' };
		const other: DocKey = { roomId: record.roomId, docName: 'control' };
		await store.createRoom(record, [{ ...key, snapshot: setKey('initial', 0) }]);
		const first = await store.appendUpdates([1, 2, 3].map((i) => ({ ...key, update: setKey(`k${i}`, i) })));
		await store.appendUpdates([{ ...other, update: setKey('c', 1) }]);
		expect(await store.compact(key, foldAll)).toBe(3);
		const [next] = await store.appendUpdates([{ ...key, update: setKey('k4', 4) }]);
		expect(next).toBeGreaterThan(Math.max(...first));
		// A second compaction, and a store opened again, still do not hand out a number twice.
		expect(await store.compact(key, foldAll)).toBe(1);
		await store.close();
		const reopened = openStore();
		const [again] = await reopened.appendUpdates([{ ...key, update: setKey('k5', 5) }]);
		expect(again).toBeGreaterThan(next);
		expect(await keysOf(reopened, key)).toEqual(['initial', 'k1', 'k2', 'k3', 'k4', 'k5']);
		expect(await keysOf(reopened, other)).toEqual(['c']);
	});

	it('compaction of a document without a snapshot creates one', async () => {
		const store = openStore();
		const key: DocKey = { roomId: room().roomId, docName: 'control' };
		await store.appendUpdates([{ ...key, update: setKey('x', 1) }]);
		const folded = await store.compact(key, (stored) => {
			expect(stored.snapshot).toBeNull();
			return foldAll(stored);
		});
		expect(folded).toBe(1);
		expect(await store.loadDoc(key)).toMatchObject({ logLength: 0, updates: [expect.any(Uint8Array)] });
		expect(await keysOf(store, key)).toEqual(['x']);
	});

	it('a fold that throws changes nothing', async () => {
		const store = openStore();
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		await store.appendUpdates([1, 2].map((i) => ({ ...key, update: setKey(`k${i}`, i) })));
		const before = await store.loadDoc(key);
		await expect(
			store.compact(key, () => {
				throw new Error('corrupt update');
			})
		).rejects.toThrow('corrupt update');
		expect(await store.loadDoc(key)).toEqual(before);
	});

	it('compaction with a fold that takes its time keeps entries appended meanwhile in the log', async () => {
		const store = openStore();
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		await store.appendUpdates([1, 2, 3].map((i) => ({ ...key, update: setKey(`k${i}`, i) })));
		let folding!: () => void;
		const foldStarted = new Promise<void>((resolve) => (folding = resolve));
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		const compaction = store.compact(key, async (stored) => {
			folding();
			await released; // as a fold in a worker thread: the store goes on meanwhile
			return foldAll(stored);
		});
		await foldStarted;
		await store.appendUpdates([{ ...key, update: setKey('during', 4) }]);
		release();
		expect(await compaction).toBe(3);
		const after = await store.loadDoc(key);
		expect(after.logLength).toBe(1);
		expect(after.updates).toHaveLength(2);
		expect(await keysOf(store, key)).toEqual(['during', 'k1', 'k2', 'k3']);
	});

	it('keeps everything across close and reopen', async () => {
		const first = backend.open();
		const record = room();
		const key: DocKey = { roomId: record.roomId, docName: 'board' };
		await first.createRoom(record, []);
		await first.appendUpdates([{ ...key, update: setKey('durable', 1) }]);
		await first.close();
		await expect(first.getRoom(record.roomId)).rejects.toThrow();
		const second = openStore();
		expect(await second.getRoom(record.roomId)).toEqual(record);
		expect(await keysOf(second, key)).toEqual(['durable']);
	});

	it('numbers iterations per room, lists them without data and keeps them across reopen', async () => {
		const store = openStore();
		const [a, b] = [room(), room()];
		await store.createRoom(a, []);
		await store.createRoom(b, []);
		const iteration = (roomId: string, n: number) => ({
			roomId, createdAt: 1_700_000_000_000 + n, startedBy: `Facilitator ${n}`, summary: `{"notes":${n}}`, data: new Uint8Array([n, 0, 255])
		});
		expect(await store.addIteration(iteration(a.roomId, 1), 3)).toBe(1);
		expect(await store.addIteration(iteration(b.roomId, 7), 3)).toBe(1);
		expect(await store.addIteration(iteration(a.roomId, 2), 3)).toBe(2);
		expect(await store.listIterations(a.roomId)).toEqual([
			{ roomId: a.roomId, number: 1, createdAt: 1_700_000_000_001, startedBy: 'Facilitator 1', summary: '{"notes":1}', bytes: 3 },
			{ roomId: a.roomId, number: 2, createdAt: 1_700_000_000_002, startedBy: 'Facilitator 2', summary: '{"notes":2}', bytes: 3 }
		]);
		await store.close();
		const reopened = openStore();
		const got = await reopened.getIteration(a.roomId, 2);
		expect(got && { ...got, data: [...got.data] }).toEqual({ ...iteration(a.roomId, 2), number: 2, bytes: 3, data: [2, 0, 255] });
		expect(await reopened.getIteration(b.roomId, 2)).toBeUndefined();
		expect(await reopened.getIteration('no-such-room', 1)).toBeUndefined();
		expect((await reopened.listIterations(b.roomId)).map((i) => i.startedBy)).toEqual(['Facilitator 7']);
	});

	it('gives concurrent iterations of one room distinct numbers, up to the limit per room', async () => {
		const one = openStore();
		const two = ONE_WRITER.has(name) ? one : openStore();
		const record = room();
		await one.createRoom(record, []);
		const add = (store: DocStore, n: number) =>
			store.addIteration({ roomId: record.roomId, createdAt: n, startedBy: 'F', summary: '{}', data: new Uint8Array([n]) }, 6);
		const numbers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => add(n % 2 ? one : two, n)));
		expect(numbers.filter((n) => n !== undefined).sort()).toEqual([1, 2, 3, 4, 5, 6]);
		expect(numbers.filter((n) => n === undefined)).toHaveLength(2);
		expect((await two.listIterations(record.roomId)).map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('keeps systems and their models: one membership per room, a limit per system, removal and restoring kept across reopen', async () => {
		const store = openStore();
		const n = String(counter++).padStart(4, '0');
		const system = { systemId: `sys-${n}-${'s'.repeat(15)}`, name: 'Shop', ownerKeyHash: `k${n}`.padEnd(64, 'c'), observerIdHash: `s${n}`.padEnd(64, 'd'), createdAt: 1 };
		await store.systems.createSystem(system);
		await expect(store.systems.createSystem({ ...system, systemId: `${system.systemId}x` })).rejects.toThrow();
		expect(await store.systems.getSystem(system.systemId)).toEqual(system);
		expect(await store.systems.getSystemByObserverHash(system.observerIdHash)).toEqual(system);
		expect(await store.systems.renameSystem(system.systemId, 'Web shop')).toBe(true);
		expect(await store.systems.renameSystem('no-such-system', 'x')).toBe(false);
		const model = (ref: string, roomId: string, addedAt: number) => ({ systemId: system.systemId, modelRef: ref.padEnd(16, '0'), roomId, name: `Model ${ref}`, addedAt });
		const other = { ...system, systemId: `${system.systemId}y`, observerIdHash: `t${n}`.padEnd(64, 'd') };
		await store.systems.createSystem(other);

		// Two writers adding at once: exactly two fit, and a room joins one system only.
		const results = await Promise.all([
			store.systems.addModel(model('a', `room-a-${n}`, 1), 2),
			store.systems.addModel(model('b', `room-b-${n}`, 2), 2),
			store.systems.addModel(model('c', `room-c-${n}`, 3), 2)
		]);
		expect(results.filter((r) => r === 'added')).toHaveLength(2);
		expect(results.filter((r) => r === 'full')).toHaveLength(1);
		const members = await store.systems.listModels(system.systemId);
		expect(await store.systems.addModel({ ...model('d', members[0].roomId, 4), systemId: other.systemId }, 10)).toBe('taken');

		expect(await store.systems.removeModel(system.systemId, members[0].modelRef, 99)).toBe(true);
		expect(await store.systems.removeModel(system.systemId, members[0].modelRef, 100)).toBe(false);
		expect(await store.systems.removeModel(other.systemId, members[1].modelRef, 100)).toBe(false);
		// Restored under its ref, only when removed, within the limit; then removed again for what follows.
		expect(await store.systems.restoreModel(system.systemId, members[1].modelRef, 10)).toBe('missing');
		expect(await store.systems.restoreModel(other.systemId, members[0].modelRef, 10)).toBe('missing');
		expect(await store.systems.restoreModel(system.systemId, members[0].modelRef, 1)).toBe('full');
		expect(await store.systems.restoreModel(system.systemId, members[0].modelRef, 10)).toBe('restored');
		expect(await store.systems.modelOfRoom(members[0].roomId)).toEqual(members[0]);
		expect(await store.systems.removeModel(system.systemId, members[0].modelRef, 99)).toBe(true);
		expect(await store.systems.modelOfRoom(members[0].roomId)).toBeUndefined();
		// Removed, the room may join a system again (under a new ref).
		expect(await store.systems.addModel({ ...model('e', members[0].roomId, 5), systemId: other.systemId }, 10)).toBe('added');
		expect(await store.systems.restoreModel(system.systemId, members[0].modelRef, 10)).toBe('taken');

		await store.close();
		const reopened = openStore();
		expect((await reopened.systems.getSystem(system.systemId))?.name).toBe('Web shop');
		expect(await reopened.systems.listModels(system.systemId)).toEqual([{ ...members[0], removedAt: 99 }, members[1]]);
		expect(await reopened.systems.modelOfRoom(members[1].roomId)).toEqual(members[1]);
		expect((await reopened.systems.modelOfRoom(members[0].roomId))?.systemId).toBe(other.systemId);

	});

	it("reads a system's models in one go: each board's version (appends count, compaction does not), kept figures, last iteration", async () => {
		const store = openStore();
		const [a, b, bare] = [room(), room(), room()];
		const board = (record: RoomRecord): DocKey => ({ roomId: record.roomId, docName: 'board' });
		await store.createRoom(a, [{ ...board(a), snapshot: setKey('initial', 0) }]);
		await store.createRoom(b, [{ ...board(b), snapshot: setKey('initial', 0) }]);
		await store.createRoom(bare, []);
		const versions = async () => {
			const read = await store.systems.readModels([a.roomId, b.roomId, bare.roomId, 'no-such-room']);
			return Object.fromEntries([...read].map(([id, m]) => [id, m.boardVersion]));
		};
		expect(await versions()).toEqual({ [a.roomId]: 0, [b.roomId]: 0, [bare.roomId]: undefined });

		await store.appendUpdates([1, 2, 3].map((n) => ({ ...board(a), update: setKey(`a${n}`, n) })));
		await store.appendUpdates([{ ...board(b), update: setKey('b1', 1) }, { roomId: b.roomId, docName: 'control', update: setKey('c', 1) }]);
		expect(await versions()).toEqual({ [a.roomId]: 3, [b.roomId]: 1, [bare.roomId]: undefined });
		expect(await store.compact(board(a), foldAll)).toBe(3);
		await store.appendUpdates([{ ...board(a), update: setKey('a4', 4) }]);
		expect(await store.compact(board(b), foldAll)).toBe(1);
		expect(await versions()).toEqual({ [a.roomId]: 4, [b.roomId]: 1, [bare.roomId]: undefined });
		expect((await store.loadDoc(board(a))).version).toBe(4);
		// A compaction of a board without a snapshot counts what it folds too.
		await store.appendUpdates([{ ...board(bare), update: setKey('x', 1) }, { ...board(bare), update: setKey('y', 2) }]);
		expect(await store.compact(board(bare), foldAll)).toBe(2);
		expect((await versions())[bare.roomId]).toBe(2);

		// Kept figures: one entry per room, replaced; the last iteration beside them.
		await store.systems.putFigures(a.roomId, 'f1:3', '{"a":3}');
		await store.systems.putFigures(a.roomId, 'f1:4', '{"a":4}');
		await store.addIteration({ roomId: a.roomId, createdAt: 10, startedBy: 'F', summary: '{}', data: new Uint8Array([1]) }, 5);
		await store.addIteration({ roomId: a.roomId, createdAt: 20, startedBy: 'F', summary: '{}', data: new Uint8Array([2]) }, 5);
		await store.close();
		const reopened = openStore();
		const read = await reopened.systems.readModels([a.roomId, b.roomId]);
		expect(read.get(a.roomId)).toEqual({ boardVersion: 4, kept: { token: 'f1:4', figures: '{"a":4}' }, lastIteration: { number: 2, createdAt: 20 } });
		expect(read.get(b.roomId)).toEqual({ boardVersion: 1, kept: undefined, lastIteration: null });
		expect((await reopened.systems.readModels([])).size).toBe(0);
	});

	it('answers ping while open', async () => {
		const store = openStore();
		await expect(store.ping()).resolves.toBeUndefined();
	});
});

describe.each(Object.keys(backends).filter((name) => !ONE_WRITER.has(name)))('%s store, several writers', (name) => {
	const { openStore } = useBackend(name);

	it('a slow fold overtaken by another writer\'s compaction loses nothing', async () => {
		const [slow, fast] = [openStore(), openStore()];
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		await slow.appendUpdates([1, 2].map((i) => ({ ...key, update: setKey(`k${i}`, i) })));
		let folding!: () => void;
		const foldStarted = new Promise<void>((resolve) => (folding = resolve));
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		let slowFolds = 0;
		const slowCompaction = slow.compact(key, async (stored) => {
			slowFolds++;
			folding();
			await released;
			return foldAll(stored);
		});
		await foldStarted;
		await fast.appendUpdates([{ ...key, update: setKey('k3', 3) }]);
		// SQLite: the other writer folds now and the slow one finds the snapshot changed and folds
		// again; PostgreSQL: the other writer waits for the slow one's lock.
		const fastCompaction = fast.compact(key, foldAll);
		release();
		await Promise.all([slowCompaction, fastCompaction]);
		expect(slowFolds).toBeGreaterThanOrEqual(1);
		await fast.compact(key, foldAll);
		expect((await slow.loadDoc(key)).logLength).toBe(0);
		expect(await keysOf(slow, key)).toEqual(['k1', 'k2', 'k3']);
	});

	it('compacts a large document from the snapshot another writer stored since, not its own last one', async () => {
		const [first, second] = [openStore(), openStore()];
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		// A snapshot past the size a store may keep in memory (SQLite keeps those of 64 KB and more).
		const large = new Y.Doc();
		large.transact(() => {
			for (let i = 0; i < 2_000; i++) large.getMap('notes').set(`bulk-${String(i).padStart(4, '0')}`, `Attacker replays session token #${i}`.repeat(2));
		});
		const bulk = Y.encodeStateAsUpdate(large);
		large.destroy();
		expect(bulk.length).toBeGreaterThan(100 * 1024);
		await first.appendUpdates([{ ...key, update: bulk }, { ...key, update: setKey('first-1', 1) }]);
		expect(await first.compact(key, foldAll)).toBe(2);
		// The other writer folds an entry of its own into a new snapshot...
		await second.appendUpdates([{ ...key, update: setKey('second', 2) }]);
		expect(await second.compact(key, foldAll)).toBe(1);
		// ...which the first writer's next compaction must build on.
		await first.appendUpdates([{ ...key, update: setKey('first-2', 3) }]);
		let handed: Uint8Array | null = null;
		expect(
			await first.compact(key, (stored) => {
				handed = stored.snapshot;
				return foldAll(stored);
			})
		).toBe(1);
		expect(handed).not.toBeNull();
		const keys = await keysOf(first, key);
		expect(keys).toHaveLength(2_003);
		expect(keys.filter((k) => !k.startsWith('bulk-'))).toEqual(['first-1', 'first-2', 'second']);
		// And again from its own snapshot, with nothing in between.
		await first.appendUpdates([{ ...key, update: setKey('first-3', 4) }]);
		expect(await first.compact(key, foldAll)).toBe(1);
		expect((await keysOf(second, key)).filter((k) => !k.startsWith('bulk-'))).toEqual(['first-1', 'first-2', 'first-3', 'second']);
	});

	it('loses nothing when several writers append and compact one document at once', { timeout: 60_000 }, async () => {
		const writers = [openStore(), openStore()];
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		const expected: string[] = [];
		const appends: Promise<unknown>[] = [];
		const compactions: Promise<unknown>[] = [];
		for (let round = 0; round < 40; round++) {
			for (const [w, store] of writers.entries()) {
				const batch = [0, 1, 2].map((i) => {
					const k = `w${w}-r${round}-${i}`;
					expected.push(k);
					return { ...key, update: setKey(k, round) };
				});
				appends.push(store.appendUpdates(batch));
				if (round % 4 === w) compactions.push(store.compact(key, foldAll));
			}
		}
		await Promise.all([...appends, ...compactions]);
		expect(await keysOf(writers[0], key)).toEqual(expected.sort());
		// Folding the rest leaves one snapshot holding everything.
		await writers[1].compact(key, foldAll);
		expect((await writers[0].loadDoc(key)).logLength).toBe(0);
		expect(await keysOf(writers[0], key)).toEqual(expected);
	});
});

describe('sqlite store', () => {
	it('refuses a second store on a data directory while one is open, with a message that says why', async () => {
		const dir = tempDataDir();
		const first = createSqliteStore(dir);
		expect(() => createSqliteStore(dir)).toThrow(/in use by another Threatboard server.*DATABASE_URL/);
		// The first is unharmed, and the directory is free once it is closed.
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		expect(await first.appendUpdates([{ ...key, update: setKey('a', 1) }])).toEqual([1]);
		await first.close();
		const second = createSqliteStore(dir);
		expect(await keysOf(second, key)).toEqual(['a']);
		await second.close();
	});

	it('moves what a crash left in the journal into the log, skips what is there or folded, and drops a torn tail', async () => {
		const dir = tempDataDir();
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		const other: DocKey = { roomId: room().roomId, docName: 'board' };
		const first = createSqliteStore(dir);
		await first.appendUpdates([1, 2].map((i) => ({ ...key, update: setKey(`a${i}`, i) })));
		expect(await first.compact(key, foldAll)).toBe(2); // the log is empty, floored at 2
		await first.appendUpdates([{ ...other, update: setKey('b1', 1) }]);
		await first.close();
		expect(fs.statSync(path.join(dir, JOURNAL_FILE)).size).toBe(0);

		// What a crash can leave: a record folded since (2), one moved but not yet cleared (other's
		// 1), new ones (3, 4, other's 2), and half of a record whose write was cut short.
		const record = (k: DocKey, seq: number, name: string) => ({ ...k, seq, update: setKey(name, seq) });
		const whole = encodeRecords([record(key, 2, 'a2'), record(other, 1, 'b1'), record(key, 3, 'a3'), record(other, 2, 'b2'), record(key, 4, 'a4')]);
		const torn = encodeRecords([record(key, 5, 'a5')]).subarray(0, 20);
		fs.writeFileSync(path.join(dir, JOURNAL_FILE), Buffer.concat([whole, torn]));
		const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
		try {
			const second = createSqliteStore(dir);
			expect(warnings.mock.calls.map((call) => String(call[0]))).toEqual([expect.stringMatching(/dropped 20 bytes after its last whole record/)]);
			expect(fs.statSync(path.join(dir, JOURNAL_FILE)).size).toBe(0);
			expect(await second.loadDoc(key)).toMatchObject({ seqs: [3, 4], lastSeq: 4, logLength: 2, version: 4 });
			expect(await keysOf(second, key)).toEqual(['a1', 'a2', 'a3', 'a4']);
			expect((await second.loadDoc(other)).seqs).toEqual([1, 2]);
			// Numbers go on above the recovered ones; the torn record's number is given again.
			expect(await second.appendUpdates([{ ...key, update: setKey('a5', 5) }, { ...other, update: setKey('b3', 3) }])).toEqual([5, 3]);
			await second.close();
		} finally {
			warnings.mockRestore();
		}
	});

	it('numbers on above a row another program added while the document was not loaded', async () => {
		const dir = tempDataDir();
		const store = createSqliteStore(dir);
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		expect(await store.appendUpdates([{ ...key, update: setKey('a', 1) }])).toEqual([1]);
		await store.loadDoc(key);
		// What tests/e2e's seeding does beside a running server: a row straight into the table.
		const db = new Database(path.join(dir, 'threatboard.sqlite3'));
		db.prepare('INSERT INTO doc_log (room_id, doc_name, seq, data) VALUES (?, ?, 2, ?)').run(key.roomId, key.docName, setKey('seeded', 2));
		db.close();
		expect((await store.loadDoc(key)).seqs).toEqual([1, 2]);
		expect(await store.appendUpdates([{ ...key, update: setKey('b', 3) }])).toEqual([3]);
		expect(await keysOf(store, key)).toEqual(['a', 'b', 'seeded']);
		await store.close();
	});

	it('keeps what it cannot move into SQLite in the journal, refuses appends past a bound, and moves it all once SQLite takes it', async () => {
		const dir = tempDataDir();
		const store = createSqliteStore(dir);
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		const refuse = (on: boolean) => {
			const db = new Database(path.join(dir, 'threatboard.sqlite3'));
			db.exec(
				on
					? "CREATE TRIGGER refuse_log BEFORE INSERT ON doc_log BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
					: 'DROP TRIGGER refuse_log'
			);
			db.close();
		};
		const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
		try {
			refuse(true);
			const accepted: string[] = [];
			await store.appendUpdates([{ ...key, update: setKey('first', 0) }]);
			accepted.push('first');
			await waitUntil(() => warnings.mock.calls.length > 0, 'the failed move reported');
			expect(String(warnings.mock.calls[0][0])).toMatch(/moving journal records into SQLite failed: disk says no/);
			let refusal: unknown;
			for (let i = 1; i <= 1_500 && !refusal; i++) {
				try {
					await store.appendUpdates([{ ...key, update: setKey(`k${i}`, i) }]);
					accepted.push(`k${i}`);
				} catch (err) {
					refusal = err;
				}
			}
			expect(String(refusal)).toMatch(/the journal cannot be moved into SQLite: disk says no/);
			expect(accepted).toHaveLength(1_000);
			expect(warnings).toHaveBeenCalledTimes(1); // once, not per retry
			// A read cannot see everything now, so it fails rather than answer without them...
			await expect(store.loadDoc(key)).rejects.toThrow(/disk says no/);
			// ...and the store keeps trying on its own, with no append or read to prompt it.
			refuse(false);
			await waitUntil(() => fs.statSync(path.join(dir, JOURNAL_FILE)).size === 0, 'journal moved on a retry');
			const loaded = await store.loadDoc(key);
			expect(loaded.seqs).toEqual(accepted.map((_, i) => i + 1));
			expect(await keysOf(store, key)).toEqual([...accepted].sort());
			expect(await store.appendUpdates([{ ...key, update: setKey('after', 1) }])).toEqual([1_001]);
		} finally {
			warnings.mockRestore();
			await store.close();
		}
	});

	it('gives a batch that could not be written no numbers: the next append takes them', async () => {
		const store = createSqliteStore(tempDataDir());
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		expect(await store.appendUpdates([{ ...key, update: setKey('a', 1) }])).toEqual([1]);
		// A room id the journal cannot hold (over 255 bytes) fails the whole batch before any write.
		const unwritable = { roomId: 'x'.repeat(300), docName: 'board' as const, update: setKey('x', 1) };
		await expect(store.appendUpdates([{ ...key, update: setKey('b', 2) }, { ...key, update: setKey('c', 3) }, unwritable])).rejects.toThrow(/name too long/);
		expect(await store.appendUpdates([{ ...key, update: setKey('d', 4) }])).toEqual([2]);
		expect(await keysOf(store, key)).toEqual(['a', 'd']);
		expect((await store.loadDoc(key)).seqs).toEqual([1, 2]);
		await store.close();
	});

	it('keeps updates in the journal until it moves them, and reads see them at once', async () => {
		const dir = tempDataDir();
		const store = createSqliteStore(dir);
		const record = room();
		await store.createRoom(record, []);
		const key: DocKey = { roomId: record.roomId, docName: 'board' };
		const journalBytes = () => fs.statSync(path.join(dir, JOURNAL_FILE)).size;
		await store.appendUpdates([{ ...key, update: setKey('a', 1) }]);
		// Written to the journal before appendUpdates resolved...
		expect(journalBytes()).toBeGreaterThan(0);
		// ...and moved into the log by the first read, which empties the journal.
		expect(await keysOf(store, key)).toEqual(['a']);
		expect(journalBytes()).toBe(0);
		await store.appendUpdates([{ ...key, update: setKey('b', 2) }]);
		// A systems lookup that does not count log entries leaves it there (the figures keeper asks
		// one for every edited room); the one that counts them moves it first.
		expect(await store.systems.modelOfRoom(key.roomId)).toBeUndefined();
		expect(journalBytes()).toBeGreaterThan(0);
		expect((await store.systems.readModels([key.roomId])).get(key.roomId)?.boardVersion).toBe(2);
		expect(journalBytes()).toBe(0);
		await store.appendUpdates([{ ...key, update: setKey('c', 3) }]);
		// Or within a second without a read (JOURNAL_MOVE_MS).
		await waitUntil(() => journalBytes() === 0, 'journal moved into the log');
		const db = new Database(path.join(dir, 'threatboard.sqlite3'), { readonly: true });
		const rows = db.prepare('SELECT seq FROM doc_log WHERE room_id = ? ORDER BY seq').pluck().all(key.roomId);
		db.close();
		expect(rows).toEqual([1, 2, 3]);
		await store.close();
	});

	it('moves 250 waiting records at the next turn, and 1,000 (or 4 MB) at once', async () => {
		const dir = tempDataDir();
		const store = createSqliteStore(dir);
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		const journalBytes = () => fs.statSync(path.join(dir, JOURNAL_FILE)).size;
		const append = (n: number, from: number) =>
			store.appendUpdates(Array.from({ length: n }, (_, i) => ({ ...key, update: setKey(`k${from + i}`, i) })));
		await append(249, 0);
		await append(1, 249);
		// Not inside the append that reached 250 (its updates are broadcast first)...
		expect(journalBytes()).toBeGreaterThan(0);
		// ...but at the next turn, well before the one-second timer.
		const started = performance.now();
		await waitUntil(() => journalBytes() === 0, 'moved at the next turn');
		expect(performance.now() - started).toBeLessThan(500);
		// A batch that brings 1,000 waiting is moved before its append returns.
		await append(1_000, 250);
		expect(journalBytes()).toBe(0);
		expect((await store.loadDoc(key)).seqs).toHaveLength(1_250);
		await store.close();
	});

	it('hands a large document\'s next compaction the snapshot it stored, without reading it back', async () => {
		const store = createSqliteStore(tempDataDir());
		const key: DocKey = { roomId: room().roomId, docName: 'board' };
		// A note of 100 KB: the snapshot is over the cache's 64 KB floor.
		const big = new Y.Doc();
		big.getMap('notes').set('big', 'x'.repeat(100_000));
		await store.appendUpdates([{ ...key, update: Y.encodeStateAsUpdate(big) }]);
		big.destroy();
		let stored: Uint8Array | undefined;
		await store.compact(key, (log) => (stored = foldAll(log)));
		await store.appendUpdates([{ ...key, update: setKey('later', 1) }]);
		let handed: Uint8Array | null = null;
		await store.compact(key, (log) => {
			handed = log.snapshot;
			return foldAll(log);
		});
		// The very array the first fold returned: a read from the database would be a new Buffer.
		expect(handed).toBe(stored);
		expect(await keysOf(store, key)).toEqual(['big', 'later']);
		await store.close();
	});

	it('moves a log written by the first schema into the per-document log, keeping every entry and its number', async () => {
		const dir = tempDataDir();
		const file = path.join(dir, 'threatboard.sqlite3');
		// The first schema's update log: numbered across documents, one index by document.
		const old = new Database(file);
		old.exec(`
			CREATE TABLE doc_snapshots (room_id TEXT NOT NULL, doc_name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (room_id, doc_name)) STRICT;
			CREATE TABLE doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL, doc_name TEXT NOT NULL, data BLOB NOT NULL) STRICT;
			CREATE INDEX doc_updates_by_doc ON doc_updates (room_id, doc_name, seq);`);
		const a: DocKey = { roomId: 'a'.repeat(24), docName: 'board' };
		const b: DocKey = { roomId: 'b'.repeat(24), docName: 'board' };
		const insert = old.prepare('INSERT INTO doc_updates (room_id, doc_name, data) VALUES (?, ?, ?)');
		insert.run(a.roomId, a.docName, setKey('a1', 1));
		insert.run(b.roomId, b.docName, setKey('b1', 1));
		insert.run(a.roomId, a.docName, setKey('a2', 2));
		// b's later entries were compacted away: its snapshot holds them, its log is empty.
		old.prepare('INSERT INTO doc_snapshots (room_id, doc_name, data) VALUES (?, ?, ?)').run(b.roomId, b.docName, setKey('b-snap', 1));
		for (let i = 0; i < 5; i++) insert.run(b.roomId, b.docName, setKey(`gone${i}`, i));
		old.prepare('DELETE FROM doc_updates WHERE room_id = ?').run(b.roomId);
		old.close();

		const store = createSqliteStore(dir);
		const loadedA = await store.loadDoc(a);
		expect(loadedA.seqs).toEqual([1, 3]);
		expect(await keysOf(store, a)).toEqual(['a1', 'a2']);
		expect(await store.loadDoc(b)).toMatchObject({ logLength: 0, seqs: [] });
		// Numbers go on above the last one the first schema gave (8), in both documents.
		expect(await store.appendUpdates([{ ...a, update: setKey('a3', 3) }])).toEqual([4]);
		const [nextB] = await store.appendUpdates([{ ...b, update: setKey('b2', 2) }]);
		expect(nextB).toBeGreaterThan(8);
		expect(await keysOf(store, b)).toEqual(['b-snap', 'b2']);
		await store.close();
		const check = new Database(file, { readonly: true });
		const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'doc_%' ORDER BY name").pluck().all();
		check.close();
		expect(tables).toEqual(['doc_log', 'doc_log_floor', 'doc_snapshots']);
	});

	it('checkpoints the WAL into the database file off the event loop', async () => {
		const dir = tempDataDir();
		const store = createSqliteStore(dir);
		const key: DocKey = { roomId: 'r'.repeat(24), docName: 'board' };
		await store.createRoom({ ...room(), roomId: key.roomId }, []);
		const dbFile = path.join(dir, 'threatboard.sqlite3');
		const sizeBefore = fs.statSync(dbFile).size;
		const update = new Uint8Array(1024).fill(7);
		for (let batch = 0; batch < 20; batch++) {
			await store.appendUpdates(Array.from({ length: 100 }, () => ({ ...key, update })));
		}
		// The serving connection never checkpoints (wal_autocheckpoint = 0): only the worker can
		// move these ~2 MB from the WAL into the database file.
		await waitUntil(() => fs.statSync(dbFile).size > sizeBefore + 1024 * 1024, 'WAL pages checkpointed', {
			timeoutMs: 10_000
		});
		expect((await store.loadDoc(key)).logLength).toBe(2000);
		await store.close();
	});
});
