/**
 * Systems and the models in them (issue 15, item 2): resolving a system's links, the models'
 * live status, what a workshop learns about the models it references and which models reference
 * it. Routes (server/http/system-routes.ts, room-system-routes.ts) stay thin over this.
 *
 * What never leaks: a workshop only ever learns about models of its own system, by model ref. A
 * ref that is not in its system (another system's, a forged one, one never drawn) answers
 * `unknown`, the same answer with the same work behind it, so a workshop cannot tell them apart.
 */
import { isRoomId, isSecret } from '#shared/ids';
import { HIGH_RISK_MIN_SCORE } from '#shared/board/coverage';
import { participantPath } from '#shared/wire/api';
import type { DependencyStatus, DependentsResponse, ModelRef, RoomSystemResponse } from '#shared/systems/contract';
import type { LaunchBlocker, ModelStatus, SystemView } from '#shared/systems/api';
import type { ModelFigures } from '#shared/systems/status';
import { hashSecret, secretMatches } from '../auth/secrets.ts';
import type { DocStore } from '../persistence/doc-store.ts';
import type { SystemModelRecord, SystemRecord } from '../persistence/system-store.ts';
import type { BoardReader } from './model-boards.ts';
import type { KeptModel, ModelFiguresKeeper } from './model-figures.ts';

/** Open high-risk threats a dependency status lists (the count covers the rest). */
export const MAX_LISTED_THREATS = 20;

export type SystemAccess = 'owner' | 'member' | 'observer';

export interface ResolvedSystem {
	record: SystemRecord;
	/** What the link grants; the owner key raises a member or observer link to owner. */
	access: SystemAccess;
}

export class SystemService {
	constructor(
		private readonly store: DocStore,
		private readonly boards: BoardReader,
		private readonly kept: ModelFiguresKeeper
	) {}

	/** The system a link opens (member id or observer id), raised to owner by a matching owner key. */
	async resolve(id: string, ownerKey: string | undefined): Promise<ResolvedSystem | undefined> {
		let resolved: ResolvedSystem | undefined;
		if (isRoomId(id)) {
			const record = await this.store.systems.getSystem(id);
			resolved = record && { record, access: 'member' };
		} else if (isSecret(id)) {
			const record = await this.store.systems.getSystemByObserverHash(hashSecret(id));
			resolved = record && { record, access: 'observer' };
		}
		if (resolved && ownerKey !== undefined && secretMatches(ownerKey, resolved.record.ownerKeyHash)) resolved.access = 'owner';
		return resolved;
	}

	isOwner(record: SystemRecord, ownerKey: string | undefined): boolean {
		return ownerKey !== undefined && secretMatches(ownerKey, record.ownerKeyHash);
	}

	/** A model's figures, live where its room is loaded here, named by its board's title, else the name it joined with. */
	async figures(model: SystemModelRecord): Promise<ModelFigures | undefined> {
		return named(model, await this.boards.figures(model.roomId));
	}

	/** A room joined a system: its figures are computed for the system's readers. */
	joined(roomId: string): void {
		this.kept.changed(roomId);
	}

	/** The member models' figures as kept in the store (computed only where stale), and their last iterations. */
	async #keptFigures(models: readonly SystemModelRecord[]): Promise<Map<string, KeptModel>> {
		const members = models.filter((m) => m.removedAt === null);
		const kept = await this.kept.read(members.map((m) => m.roomId));
		const namedKept = new Map<string, KeptModel>();
		for (const m of members) {
			const entry = kept.get(m.roomId);
			if (entry) namedKept.set(m.roomId, { ...entry, figures: named(m, entry.figures) });
		}
		return namedKept;
	}

	/** GET /api/rooms/<id>/system. */
	async roomSystem(roomId: string): Promise<RoomSystemResponse> {
		const self = await this.store.systems.modelOfRoom(roomId);
		if (!self) return { system: null };
		const system = await this.store.systems.getSystem(self.systemId);
		if (!system) return { system: null };
		const models = await this.store.systems.listModels(self.systemId);
		return {
			system: {
				name: system.name,
				modelRef: self.modelRef,
				models: models.map((m) => ({ modelRef: m.modelRef, name: m.name, self: m.modelRef === self.modelRef, removed: m.removedAt !== null }))
			}
		};
	}

	/**
	 * The models a room's diagram references now: what its observer link may ask about. A
	 * participant may place any model of the system on the diagram (and so see its status), an
	 * observer only reads the board: through the observer link of one workshop, every other
	 * workshop's open high-risk threats could be read, referenced or not.
	 */
	async referencedBy(roomId: string): Promise<ReadonlySet<ModelRef>> {
		return new Set((await this.boards.figures(roomId))?.dependsOn ?? []);
	}

	/**
	 * GET /api/rooms/<id>/dependencies: the status of each ref, in the order asked; with `only`,
	 * refs outside it are answered as unknown.
	 */
	async dependencies(roomId: string, refs: readonly ModelRef[], only?: ReadonlySet<ModelRef>): Promise<DependencyStatus[]> {
		const self = await this.store.systems.modelOfRoom(roomId);
		const models = self ? await this.store.systems.listModels(self.systemId) : [];
		const byRef = new Map(models.map((m) => [m.modelRef, m]));
		return Promise.all(
			refs.map(async (modelRef): Promise<DependencyStatus> => {
				const model = byRef.get(modelRef);
				if (!model || (only && !only.has(modelRef))) return { modelRef, state: 'unknown' };
				if (model.removedAt !== null) return { modelRef, state: 'removed', name: model.name };
				const figures = await this.figures(model);
				if (!figures) return { modelRef, state: 'removed', name: model.name };
				return {
					modelRef,
					state: 'ok',
					name: figures.title,
					openHighRisk: figures.openHighRisk.slice(0, MAX_LISTED_THREATS),
					openHighRiskCount: figures.openHighRisk.length
				};
			})
		);
	}

	/** The rooms whose boards `dependencies(roomId, refs)` reads (members of the room's system only). */
	async watchedRooms(roomId: string, refs: readonly ModelRef[]): Promise<string[]> {
		const self = await this.store.systems.modelOfRoom(roomId);
		if (!self) return [];
		const wanted = new Set(refs);
		return (await this.store.systems.listModels(self.systemId)).filter((m) => m.removedAt === null && wanted.has(m.modelRef)).map((m) => m.roomId);
	}

	/** GET /api/rooms/<id>/dependents: the member models whose diagram references this room. */
	async dependents(roomId: string): Promise<DependentsResponse['dependents']> {
		const self = await this.store.systems.modelOfRoom(roomId);
		if (!self) return [];
		const others = (await this.store.systems.listModels(self.systemId)).filter((m) => m.removedAt === null && m.modelRef !== self.modelRef);
		const kept = await this.#keptFigures(others);
		const found = others.map((m) => {
			const figures = kept.get(m.roomId)?.figures;
			return figures?.dependsOn.includes(self.modelRef) ? { modelRef: m.modelRef, name: figures.title } : undefined;
		});
		return found.filter((d) => d !== undefined);
	}

	/** GET /api/systems/<id>: every model with its live status, and the launch blockers. */
	async view(resolved: ResolvedSystem, now: number): Promise<SystemView> {
		const { record, access } = resolved;
		const models = await this.store.systems.listModels(record.systemId);
		const kept = await this.#keptFigures(models);
		const blockers: LaunchBlocker[] = [];
		const statuses = models.map((model): ModelStatus => {
			const entry = model.removedAt === null ? kept.get(model.roomId) : undefined;
			const figures = entry?.figures;
			const name = figures?.title ?? model.name;
			for (const threat of figures?.openHighRisk ?? []) blockers.push({ modelRef: model.modelRef, modelName: name, threat });
			return {
				modelRef: model.modelRef,
				name,
				removed: !figures,
				...(access === 'owner' && figures ? { link: participantPath(model.roomId) } : {}),
				threatCount: figures?.threatCount ?? 0,
				openHighRiskCount: figures?.openHighRisk.length ?? 0,
				coverage: figures?.coverage ?? null,
				lastIteration: figures ? entry.lastIteration : null,
				dependsOn: figures?.dependsOn ?? []
			};
		});
		// Highest risk first; a stable sort keeps the models' order within one risk.
		blockers.sort((a, b) => b.threat.risk - a.threat.risk);
		return { name: record.name, createdAt: record.createdAt, access, highRiskMin: HIGH_RISK_MIN_SCORE, models: statuses, blockers, readAt: now };
	}
}

function named(model: SystemModelRecord, figures: ModelFigures | undefined): ModelFigures | undefined {
	return figures && { ...figures, title: figures.title || model.name };
}
