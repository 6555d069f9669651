/**
 * Systems on a real server (issue 15, items 2 and 4): creating a system and workshops in it,
 * adding an existing workshop with both keys, what one model learns of another (and of models of
 * other systems: nothing), the removed placeholder and restoring, the dependents list, durability across a
 * restart on both stores, the live dependency stream and its limits. A model's figures are
 * computed where its board changes and kept in the store; a system page reads them, and computes
 * only those that are missing or stale (server/systems/model-figures.ts).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote } from '../../src/lib/shared/board/doc.ts';
import { writeCanvasRecords } from '../../src/lib/shared/export/canvas-records.ts';
import type { AddModelResponse, CreateSystemResponse, SystemView } from '../../src/lib/shared/systems/api.ts';
import { MODEL_DEPENDENCY_KIND, MODEL_REF_META_KEY, type DependenciesResponse, type DependentsResponse, type RoomSystemResponse } from '../../src/lib/shared/systems/contract.ts';
import { ModelFigures } from '../../src/lib/shared/systems/status.ts';
import { figuresToken } from '../../server/systems/model-figures.ts';
import type { CreateRoomResponse } from '../../src/lib/shared/wire/api.ts';
import { connectClient, registerParticipant, synced, type TestClient } from '../helpers/clients.ts';
import { readSample } from '../helpers/interop-samples.ts';
import { createRoom, startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { testSchema } from '../helpers/shared-services.ts';
import { geoShape } from '../fixtures/export/canvas.ts';

const clients: TestClient[] = [];
const servers: TestServer[] = [];
const streams: AbortController[] = [];
afterEach(async () => {
	for (const s of streams.splice(0)) s.abort();
	for (const c of clients.splice(0)) c.destroy();
	for (const s of servers.splice(0)) await s.close();
});

const AUTHOR = { author: 'Ada', authorColor: '#2563eb' } as const;
const FORGED_REF = 'AAAAAAAAAAAAAAAA';

async function json<T>(res: Response, status = 200): Promise<T> {
	expect(res.status, await res.clone().text()).toBe(status);
	return (await res.json()) as T;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
	return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function createSystem(url: string, name: string): Promise<CreateSystemResponse> {
	return json<CreateSystemResponse>(await post(`${url}/api/systems`, { name }), 201);
}

async function newModel(url: string, system: CreateSystemResponse, title: string): Promise<Required<AddModelResponse>> {
	return json<Required<AddModelResponse>>(await post(`${url}/api/systems/${system.systemId}/models`, { title }), 201);
}

/** Polls a JSON endpoint until `check` holds (state outside any doc this test holds). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, description: string): Promise<T> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const value = await read();
		if (check(value)) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for: ${description} (last: ${JSON.stringify(value)})`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** How many boards this server has read for their figures, after a change here or on a read. */
async function figuresComputed(server: TestServer, when: 'after-change' | 'on-read'): Promise<number> {
	return (await server.metrics.modelFiguresComputed.get()).values.find((v) => v.labels.when === when)?.value ?? 0;
}

/** The figures the store keeps for a room, when they are those of its board as stored now. */
async function storedFigures(server: TestServer, roomId: string): Promise<ModelFigures | undefined> {
	const model = (await server.store.systems.readModels([roomId])).get(roomId);
	if (model?.boardVersion === undefined || model.kept?.token !== figuresToken(model.boardVersion)) return undefined;
	return ModelFigures.parse(JSON.parse(model.kept.figures));
}

async function writer(server: TestServer, roomId: string): Promise<TestClient> {
	const participant = await registerParticipant(server.url, roomId, 'Ada');
	const client = connectClient(server.wsUrl, roomId, { participant });
	clients.push(client);
	await synced(client);
	return client;
}

/** A dependency element on the canvas, as the canvas writes it (contract.ts). */
function placeDependency(client: TestClient, modelRef: string): void {
	const shape = geoShape(`shape:dep-${modelRef}`, 'dependency', { x: 0, y: 0 });
	writeCanvasRecords(client.doc, [{ ...shape, meta: { dfd: MODEL_DEPENDENCY_KIND, [MODEL_REF_META_KEY]: modelRef } }]);
}

function dependencies(url: string, roomId: string, refs: string[]): Promise<DependenciesResponse> {
	return fetch(`${url}/api/rooms/${roomId}/dependencies?refs=${refs.join(',')}`).then((res) => json<DependenciesResponse>(res));
}

/** An open SSE stream, its events parsed as they arrive. */
interface EventStream {
	status: number;
	events: DependenciesResponse[];
	next(check: (event: DependenciesResponse) => boolean, description: string): Promise<DependenciesResponse>;
	close(): void;
}

async function openStream(url: string, roomId: string, refs: string[]): Promise<EventStream> {
	const controller = new AbortController();
	streams.push(controller);
	const res = await fetch(`${url}/api/rooms/${roomId}/dependencies/events?refs=${refs.join(',')}`, { signal: controller.signal });
	const events: DependenciesResponse[] = [];
	const waiters = new Set<() => void>();
	if (res.status === 200 && res.body) {
		void (async () => {
			const decoder = new TextDecoder();
			let buffer = '';
			try {
				for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
					buffer += decoder.decode(chunk, { stream: true });
					let end: number;
					while ((end = buffer.indexOf('\n\n')) >= 0) {
						const block = buffer.slice(0, end);
						buffer = buffer.slice(end + 2);
						const data = block.split('\n').find((line) => line.startsWith('data: '));
						if (data) events.push(JSON.parse(data.slice(6)) as DependenciesResponse);
						for (const w of waiters) w();
					}
				}
			} catch {
				// aborted
			}
		})();
	}
	return {
		status: res.status,
		events,
		async next(check, description) {
			return new Promise((resolve, reject) => {
				const test = () => {
					const found = events.find(check);
					if (!found) return;
					waiters.delete(test);
					clearTimeout(timer);
					resolve(found);
				};
				const timer = setTimeout(() => {
					waiters.delete(test);
					reject(new Error(`timed out waiting for event: ${description} (events: ${JSON.stringify(events)})`));
				}, 10_000);
				waiters.add(test);
				test();
			});
		},
		close: () => controller.abort()
	};
}

const stores: Record<string, () => { env: Record<string, string>; drop(): Promise<void> }> = {
	sqlite: () => ({ env: {}, drop: async () => undefined }),
	postgres: () => {
		const schema = testSchema('systems');
		return { env: schema.env(), drop: () => schema.drop() };
	}
};

describe.each(Object.keys(stores))('on %s', (name) => {
	const backend = stores[name]();
	afterAll(() => backend.drop());

	it('groups workshops, tells each only of its own system, and keeps it all across a restart', { timeout: 60_000 }, async () => {
		const dataDir = tempDataDir();
		let server = await startTestServer({ LOG_LEVEL: 'silent', ...backend.env }, dataDir);
		servers.push(server);
		const { url } = server;

		const shop = await createSystem(url, 'Shop');
		expect(shop.links).toEqual({ owner: `/s/${shop.systemId}#owner=${shop.ownerKey}`, member: `/s/${shop.systemId}`, observer: `/s/${shop.observerId}` });
		const checkout = await newModel(url, shop, 'Checkout');
		const payments = await newModel(url, shop, 'Payments');
		expect(checkout.room.links.facilitator).toContain('#facilitator=');

		// The observer link may look, not add.
		expect((await post(`${url}/api/systems/${shop.observerId}/models`, { title: 'Nope' })).status).toBe(403);

		// An existing workshop joins only with both keys.
		const legacy = await createRoom(url, 'Legacy search');
		const addLegacy = (headers: Record<string, string>) => post(`${url}/api/systems/${shop.systemId}/models`, { roomId: legacy.roomId }, headers);
		expect((await addLegacy({})).status).toBe(403);
		expect((await addLegacy(bearer(shop.ownerKey))).status).toBe(403);
		expect((await addLegacy({ ...bearer(shop.ownerKey), 'x-facilitator-key': shop.ownerKey })).status).toBe(403);
		expect((await addLegacy({ ...bearer(legacy.facilitatorKey), 'x-facilitator-key': legacy.facilitatorKey })).status).toBe(403);
		const forgedOwner = 'x'.repeat(43);
		expect((await addLegacy({ ...bearer(forgedOwner), 'x-facilitator-key': legacy.facilitatorKey })).status).toBe(403);
		const joined = await json<AddModelResponse>(await addLegacy({ ...bearer(shop.ownerKey), 'x-facilitator-key': legacy.facilitatorKey }));
		expect(joined.name).toBe('Legacy search');
		// A workshop belongs to one system at a time.
		const other = await createSystem(url, 'Other product');
		const twice = await post(`${url}/api/systems/${other.systemId}/models`, { roomId: legacy.roomId }, { ...bearer(other.ownerKey), 'x-facilitator-key': legacy.facilitatorKey });
		expect(twice.status).toBe(409);

		// A workshop of another system, with a high-risk threat nobody here may learn of.
		const secret = await newModel(url, other, 'Secret project');
		const secretWriter = await writer(server, secret.room.roomId);
		createNote(secretWriter.doc, { kind: 'threat', question: 2, text: 'Secret high risk', ...AUTHOR, likelihood: 5, impact: 5 });

		// What a workshop learns of its system, through its observer link too.
		const roomSystem = await json<RoomSystemResponse>(await fetch(`${url}/api/rooms/${checkout.room.observerId}/system`));
		expect(roomSystem.system).toEqual({
			name: 'Shop',
			modelRef: checkout.modelRef,
			models: [
				{ modelRef: checkout.modelRef, name: 'Checkout', self: true, removed: false },
				{ modelRef: payments.modelRef, name: 'Payments', self: false, removed: false },
				{ modelRef: joined.modelRef, name: 'Legacy search', self: false, removed: false }
			]
		});
		expect(await json<RoomSystemResponse>(await fetch(`${url}/api/rooms/${(await createRoom(url)).roomId}/system`))).toEqual({ system: null });

		// Payments gets an open high-risk threat; Checkout references Payments on its canvas.
		const paymentsWriter = await writer(server, payments.room.roomId);
		createNote(paymentsWriter.doc, { kind: 'threat', question: 2, text: 'Card data replayed\nmore detail', ...AUTHOR, stride: ['S', 'T'], likelihood: 4, impact: 4 });
		createNote(paymentsWriter.doc, { kind: 'threat', question: 2, text: 'Low risk', ...AUTHOR, likelihood: 1, impact: 2 });
		const checkoutWriter = await writer(server, checkout.room.roomId);
		placeDependency(checkoutWriter, payments.modelRef);

		// Computed where the boards changed, with no page read: the store holds them soon after.
		const kept = await until(
			() => storedFigures(server, payments.room.roomId),
			(f) => f?.openHighRisk.length === 1 && f.threatCount === 2,
			'Payments figures kept after its edit'
		);
		expect(kept?.openHighRisk[0]).toMatchObject({ title: 'Card data replayed', risk: 16 });
		await until(() => storedFigures(server, checkout.room.roomId), (f) => f?.dependsOn[0] === payments.modelRef, 'Checkout figures kept');
		await until(() => storedFigures(server, legacy.roomId), (f) => f?.title === 'Legacy search', 'figures of the workshop that joined');
		expect(await figuresComputed(server, 'on-read')).toBe(0);
		expect(await figuresComputed(server, 'after-change')).toBeGreaterThanOrEqual(3);

		const refs = [payments.modelRef, secret.modelRef, FORGED_REF];
		const answer = await until(
			() => dependencies(url, checkout.room.roomId, refs),
			(a) => a.dependencies[0].state === 'ok' && a.dependencies[0].openHighRiskCount === 1,
			'the threat reached Payments'
		);
		expect(answer.dependencies).toEqual([
			{ modelRef: payments.modelRef, state: 'ok', name: 'Payments', openHighRiskCount: 1, openHighRisk: [expect.objectContaining({ ref: 'T1', title: 'Card data replayed', risk: 16, stride: ['S', 'T'], status: 'open' })] },
			// Another system's model and a forged ref: the same answer, nothing more.
			{ modelRef: secret.modelRef, state: 'unknown' },
			{ modelRef: FORGED_REF, state: 'unknown' }
		]);
		// An observer link learns of the models its diagram references, and of no other: Payments'
		// diagram references nothing, so its observers learn nothing of Checkout's status.
		expect((await dependencies(url, checkout.room.observerId, [payments.modelRef])).dependencies[0]).toMatchObject({ state: 'ok', openHighRiskCount: 1 });
		expect((await dependencies(url, payments.room.observerId, [checkout.modelRef])).dependencies).toEqual([{ modelRef: checkout.modelRef, state: 'unknown' }]);
		expect((await dependencies(url, payments.room.roomId, [checkout.modelRef])).dependencies[0]).toMatchObject({ state: 'ok', name: 'Checkout' });
		expect((await fetch(`${url}/api/rooms/${checkout.room.roomId}/dependencies?refs=not-a-ref`)).status).toBe(400);
		expect((await fetch(`${url}/api/rooms/${'A'.repeat(24)}/dependencies?refs=${payments.modelRef}`)).status).toBe(404);

		await until(
			() => fetch(`${url}/api/rooms/${payments.room.roomId}/dependents`).then((r) => json<DependentsResponse>(r)),
			(d) => d.dependents.length === 1,
			'Checkout listed as a dependent of Payments'
		).then((d) => expect(d.dependents).toEqual([{ modelRef: checkout.modelRef, name: 'Checkout' }]));

		// The system page: status, blockers; workshop links for the owner only.
		const asMember = await json<SystemView>(await fetch(`${url}/api/systems/${shop.systemId}`));
		expect(asMember.access).toBe('member');
		expect(asMember.models.map((m) => [m.name, m.threatCount, m.openHighRiskCount, m.link])).toEqual([
			['Checkout', 0, 0, undefined],
			['Payments', 2, 1, undefined],
			['Legacy search', 0, 0, undefined]
		]);
		expect(asMember.models[0].dependsOn).toEqual([payments.modelRef]);
		expect(asMember.blockers).toEqual([{ modelRef: payments.modelRef, modelName: 'Payments', threat: expect.objectContaining({ title: 'Card data replayed' }) }]);
		expect(JSON.stringify(asMember)).not.toContain(payments.room.roomId);
		const asObserver = await json<SystemView>(await fetch(`${url}/api/systems/${shop.observerId}`));
		expect(asObserver.access).toBe('observer');
		expect(JSON.stringify(asObserver)).not.toContain(checkout.room.roomId);
		const asOwner = await json<SystemView>(await fetch(`${url}/api/systems/${shop.observerId}`, { headers: bearer(shop.ownerKey) }));
		expect(asOwner.models.map((m) => m.link)).toEqual([`/w/${checkout.room.roomId}`, `/w/${payments.room.roomId}`, `/w/${legacy.roomId}`]);
		expect((await fetch(`${url}/api/systems/${shop.systemId}`, { headers: bearer(forgedOwner) })).status).toBe(200);
		expect((await fetch(`${url}/api/systems/${'B'.repeat(24)}`)).status).toBe(404);

		// Rename and archive need the owner key; the archived model reads "removed" with its name.
		const rename = (headers: Record<string, string>) =>
			fetch(`${url}/api/systems/${shop.systemId}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'Web shop' }) });
		expect((await rename({})).status).toBe(403);
		expect((await rename(bearer(forgedOwner))).status).toBe(403);
		expect((await rename(bearer(shop.ownerKey))).status).toBe(200);
		const archive = (key: string) => fetch(`${url}/api/systems/${shop.systemId}/models/${payments.modelRef}`, { method: 'DELETE', headers: bearer(key) });
		expect((await archive(forgedOwner)).status).toBe(403);
		expect((await archive(other.ownerKey)).status).toBe(403);
		expect((await archive(shop.ownerKey)).status).toBe(204);
		expect((await archive(shop.ownerKey)).status).toBe(404);
		// Restoring needs the owner key too, and brings the model back under its ref, for its dependents as well.
		const restore = (key: string, ref = payments.modelRef) =>
			fetch(`${url}/api/systems/${shop.systemId}/models/${ref}/restore`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(key) }, body: '{}' });
		expect((await restore(forgedOwner)).status).toBe(403);
		expect((await restore(other.ownerKey)).status).toBe(403);
		expect((await restore(shop.ownerKey, 'not-a-model-ref')).status).toBe(404);
		expect((await restore(shop.ownerKey, checkout.modelRef)).status).toBe(404);
		expect((await restore(shop.ownerKey)).status).toBe(204);
		expect((await restore(shop.ownerKey)).status).toBe(404);
		expect((await dependencies(url, checkout.room.roomId, refs)).dependencies[0]).toMatchObject({ modelRef: payments.modelRef, state: 'ok', name: 'Payments' });
		expect((await archive(shop.ownerKey)).status).toBe(204);
		const afterRemoval = await dependencies(url, checkout.room.roomId, refs);
		expect(afterRemoval.dependencies[0]).toEqual({ modelRef: payments.modelRef, state: 'removed', name: 'Payments' });
		// The removed workshop is no longer in a system: it learns nothing of Checkout.
		expect((await dependencies(url, payments.room.roomId, [checkout.modelRef])).dependencies).toEqual([{ modelRef: checkout.modelRef, state: 'unknown' }]);

		// A restart (on the same store) keeps all of it.
		for (const c of clients.splice(0)) c.destroy();
		await server.close();
		servers.splice(servers.indexOf(server), 1);
		server = await startTestServer({ LOG_LEVEL: 'silent', ...backend.env }, dataDir);
		servers.push(server);
		expect(await dependencies(server.url, checkout.room.roomId, refs)).toEqual(afterRemoval);
		const reread = await json<SystemView>(await fetch(`${server.url}/api/systems/${shop.systemId}`));
		// The restarted server read the kept figures: no board was decoded for them.
		expect(await figuresComputed(server, 'on-read')).toBe(0);
		expect(await figuresComputed(server, 'after-change')).toBe(0);
		expect(reread.models[0]).toMatchObject({ name: 'Checkout', threatCount: 0, dependsOn: [payments.modelRef] });
		expect(reread.name).toBe('Web shop');
		expect(reread.models.map((m) => [m.name, m.removed])).toEqual([
			['Checkout', false],
			['Payments', true],
			['Legacy search', false]
		]);
		expect(reread.blockers).toEqual([]);

		// The report: every model, the graph, the blockers.
		const report = await fetch(`${server.url}/api/systems/${shop.systemId}/report.md`);
		expect(report.headers.get('content-disposition')).toMatch(/^attachment; filename="system-report-web-shop-\d{4}-\d\d-\d\d\.md"$/);
		const markdown = await report.text();
		expect(markdown).toContain('# System report: Web shop');
		expect(markdown).toContain('m1 -->|depends on| m2');
		expect(markdown).not.toContain(checkout.room.roomId);
		const reportJson = await json<{ models: unknown[]; dependencies: unknown[] }>(await fetch(`${server.url}/api/systems/${shop.observerId}/report.json`));
		expect(reportJson.dependencies).toEqual([{ from: checkout.modelRef, to: payments.modelRef }]);
	});
});

it('computes on read only the figures that are missing or stale: a change not computed (another instance, kill -9), an older build\'s rows', { timeout: 30_000 }, async () => {
	const dataDir = tempDataDir();
	let server = await startTestServer({ LOG_LEVEL: 'silent' }, dataDir);
	servers.push(server);
	const shop = await createSystem(server.url, 'Shop');
	const model = await newModel(server.url, shop, 'Checkout');
	const other = await newModel(server.url, shop, 'Payments');
	const roomId = model.room.roomId;
	/** Appends one high-risk threat to the stored board, as another instance would (the room is not loaded here). */
	const storeThreat = async (text: string) => {
		const doc = new Y.Doc();
		for (const update of (await server.store.loadDoc({ roomId, docName: 'board' })).updates) Y.applyUpdate(doc, update);
		const before = Y.encodeStateVector(doc);
		createNote(doc, { kind: 'threat', question: 2, text, ...AUTHOR, likelihood: 5, impact: 5 });
		await server.store.appendUpdates([{ roomId, docName: 'board', update: Y.encodeStateAsUpdate(doc, before) }]);
		doc.destroy();
	};
	const highRisk = async () => (await json<SystemView>(await fetch(`${server.url}/api/systems/${shop.systemId}`))).models[0].openHighRiskCount;
	// Joining computed both new workshops' figures.
	await server.figures.flush();
	expect(await figuresComputed(server, 'after-change')).toBe(2);
	expect(await highRisk()).toBe(0);
	expect(await figuresComputed(server, 'on-read')).toBe(0);

	await storeThreat('First');
	expect(await highRisk()).toBe(1);
	expect(await figuresComputed(server, 'on-read')).toBe(1);
	expect((await storedFigures(server, roomId))?.openHighRisk.length).toBe(1);
	expect(await highRisk()).toBe(1);
	expect(await figuresComputed(server, 'on-read')).toBe(1);
	await storeThreat('Second');
	expect(await highRisk()).toBe(2);
	expect(server.rooms.isLoaded(roomId)).toBe(false);

	// Rows an older build wrote (another token) are computed again, once.
	await server.store.systems.putFigures(other.room.roomId, '12:3:-', JSON.stringify({ title: 'stale', threatCount: 9, openHighRisk: [], coverage: null, dependsOn: [] }));
	await server.close();
	servers.splice(servers.indexOf(server), 1);
	server = await startTestServer({ LOG_LEVEL: 'silent' }, dataDir);
	servers.push(server);
	const view = await json<SystemView>(await fetch(`${server.url}/api/systems/${shop.systemId}`));
	expect(view.models.map((m) => [m.name, m.threatCount, m.openHighRiskCount])).toEqual([
		['Checkout', 2, 2],
		['Payments', 0, 0]
	]);
	expect(await figuresComputed(server, 'on-read')).toBe(1);
	await storeThreat('Third');
	expect(await highRisk()).toBe(3);
	expect(await figuresComputed(server, 'on-read')).toBe(2);
});

it('keeps the figures of an imported workshop once it joins a system, before any page read', { timeout: 30_000 }, async () => {
	const server = await startTestServer({ LOG_LEVEL: 'silent' });
	servers.push(server);
	const shop = await createSystem(server.url, 'Shop');
	const res = await fetch(`${server.url}/api/rooms/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readSample('threat-dragon/v2-threat-model.json') });
	const imported = await json<CreateRoomResponse>(res, 201);
	const join = await post(`${server.url}/api/systems/${shop.systemId}/models`, { roomId: imported.roomId }, { ...bearer(shop.ownerKey), 'x-facilitator-key': imported.facilitatorKey });
	expect(join.status).toBe(200);
	const kept = await until(() => storedFigures(server, imported.roomId), (f) => f !== undefined, 'the imported board\'s figures kept');
	expect(kept?.threatCount).toBeGreaterThan(0);
	const view = await json<SystemView>(await fetch(`${server.url}/api/systems/${shop.systemId}`));
	expect(view.models[0]).toMatchObject({ threatCount: kept?.threatCount, openHighRiskCount: kept?.openHighRisk.length });
	expect(await figuresComputed(server, 'on-read')).toBe(0);
});

describe('the live dependency stream', () => {
	it('sends the status at once, again when the referenced model changes, and removed when it is archived', { timeout: 30_000 }, async () => {
		const server = await startTestServer({ LOG_LEVEL: 'silent' });
		servers.push(server);
		const shop = await createSystem(server.url, 'Shop');
		const checkout = await newModel(server.url, shop, 'Checkout');
		const payments = await newModel(server.url, shop, 'Payments');
		// Through the observer link, as a dependency Checkout's diagram holds.
		const checkoutWriter = await writer(server, checkout.room.roomId);
		placeDependency(checkoutWriter, payments.modelRef);
		await until(() => fetch(`${server.url}/api/rooms/${checkout.room.observerId}/dependencies?refs=${payments.modelRef}`).then((r) => json<DependenciesResponse>(r)), (a) => a.dependencies[0].state === 'ok', 'Checkout references Payments');
		const stream = await openStream(server.url, checkout.room.observerId, [payments.modelRef, FORGED_REF]);
		expect(stream.status).toBe(200);
		const first = await stream.next(() => true, 'the first event');
		expect(first.dependencies).toEqual([
			{ modelRef: payments.modelRef, state: 'ok', name: 'Payments', openHighRisk: [], openHighRiskCount: 0 },
			{ modelRef: FORGED_REF, state: 'unknown' }
		]);

		const paymentsWriter = await writer(server, payments.room.roomId);
		createNote(paymentsWriter.doc, { kind: 'threat', question: 2, text: 'Card data replayed', ...AUTHOR, likelihood: 5, impact: 4 });
		await stream.next((e) => e.dependencies[0].state === 'ok' && e.dependencies[0].openHighRiskCount === 1, 'the new high-risk threat');

		const removed = await fetch(`${server.url}/api/systems/${shop.systemId}/models/${payments.modelRef}`, { method: 'DELETE', headers: bearer(shop.ownerKey) });
		expect(removed.status).toBe(204);
		await stream.next((e) => e.dependencies[0].state === 'removed', 'the removed placeholder');
		// Nothing changed in between: no event repeats the one before it.
		const seen = stream.events.map((e) => JSON.stringify(e));
		expect(new Set(seen).size).toBe(seen.length);
	});

	it('refuses streams past the per-address and per-workshop limits with 429 and a message', { timeout: 30_000 }, async () => {
		const server = await startTestServer({ LOG_LEVEL: 'silent', DEPENDENCY_STREAMS_PER_IP: '3', DEPENDENCY_STREAMS_PER_ROOM: '2' });
		servers.push(server);
		const shop = await createSystem(server.url, 'Shop');
		const a = await newModel(server.url, shop, 'A');
		const b = await newModel(server.url, shop, 'B');
		const first = await openStream(server.url, a.room.roomId, [b.modelRef]);
		await openStream(server.url, a.room.roomId, [b.modelRef]);
		const perRoom = await fetch(`${server.url}/api/rooms/${a.room.roomId}/dependencies/events?refs=${b.modelRef}`);
		expect(perRoom.status).toBe(429);
		expect(((await perRoom.json()) as { error: { message: string } }).error.message).toMatch(/per workshop/);
		await openStream(server.url, b.room.roomId, [a.modelRef]);
		const perAddress = await fetch(`${server.url}/api/rooms/${b.room.roomId}/dependencies/events?refs=${a.modelRef}`);
		expect(perAddress.status).toBe(429);
		expect(((await perAddress.json()) as { error: { message: string } }).error.message).toMatch(/per address/);

		// Closing one frees its place.
		await first.next(() => true, 'the first event');
		first.close();
		await until(
			async () => (await openStream(server.url, a.room.roomId, [b.modelRef])).status,
			(status) => status === 200,
			'a place freed'
		);
	});
});
